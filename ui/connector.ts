/**
 * How the popup and options pages reach the service worker. The pages only use this interface, so
 * their logic can be exercised with a mock twin.
 */
import browser from "webextension-polyfill";
import type { SiteSettingsPatch, StoredSettings } from "../extension/background/settings-schema";
import type { UiMessage, UiState } from "../extension/lib/messages";

export interface Connector {
  getState(origin?: string): Promise<UiState>;
  setSiteSettings(origin: string, patch: SiteSettingsPatch): Promise<StoredSettings>;
  setDefaults(patch: SiteSettingsPatch): Promise<StoredSettings>;
  resetSite(origin: string): Promise<StoredSettings>;
  activeTabUrl(): Promise<string | undefined>;
}

function send<T>(message: UiMessage): Promise<T> {
  return browser.runtime.sendMessage(message) as Promise<T>;
}

export const extensionConnector: Connector = {
  getState: (origin) => send({ type: "ui.getState", origin }),
  setSiteSettings: (origin, patch) => send({ type: "ui.setSiteSettings", origin, patch }),
  setDefaults: (patch) => send({ type: "ui.setDefaults", patch }),
  resetSite: (origin) => send({ type: "ui.resetSite", origin }),
  async activeTabUrl() {
    // The popup may be opened for a specific tab in tests and screenshots: ?tab=ID.
    const forced = new URLSearchParams(location.search).get("tab");
    if (forced) return (await browser.tabs.get(Number(forced)).catch(() => undefined))?.url;
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    return tab?.url;
  },
};
