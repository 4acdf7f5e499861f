/**
 * Tabs that were open before Capture Control was installed (or enabled) have none of its content
 * scripts: Chrome adds declared content scripts to pages as they load. Such a tab is found by
 * asking its top frame's isolated world whether the bridge's isolated half is there (it sets
 * `captureControlBridge`, see extension/content/bridge.iife.ts). Only http(s) tabs count; a page
 * where extensions may not run (the Web Store) refuses the script and is left alone, and a
 * discarded tab loads afresh, content scripts included, when it is next shown.
 */
import browser from "webextension-polyfill";

export interface OpenTab {
  id: number;
  title: string;
  url: string;
}

async function hasBridge(tabId: number): Promise<boolean | null> {
  try {
    const [result] = await chrome.scripting.executeScript({
      target: { tabId },
      func: () => (globalThis as { captureControlBridge?: boolean }).captureControlBridge === true,
    });
    return result?.result === true;
  } catch {
    // No access (a page extensions may not script) or the tab went away.
    return null;
  }
}

/** The open http(s) tabs without Capture Control's content scripts. */
export async function tabsWithoutCaptureControl(): Promise<OpenTab[]> {
  // URLs and titles are visible through the host permission; no "tabs" permission is needed.
  const tabs = await browser.tabs.query({ url: ["http://*/*", "https://*/*"], discarded: false });
  const checked = await Promise.all(tabs.map(async (tab) =>
    tab.id !== undefined && (await hasBridge(tab.id)) === false ? { id: tab.id, title: tab.title || tab.url || "", url: tab.url ?? "" } : null));
  return checked.filter((tab): tab is OpenTab => tab !== null);
}

/** Reloads the tabs (tabs.reload needs no permission); answers the ones that failed. */
export async function reloadTabs(tabs: OpenTab[]): Promise<OpenTab[]> {
  const results = await Promise.allSettled(tabs.map((tab) => browser.tabs.reload(tab.id)));
  return tabs.filter((_tab, i) => results[i].status === "rejected");
}
