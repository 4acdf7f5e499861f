import { normalizeOrigin } from "../extension/background/settings-schema";
/**
 * How the popup and options pages reach the service worker. The pages only use this interface, so
 * their logic can be exercised with a mock twin.
 */
import browser from "webextension-polyfill";
import type { SiteSettingsPatch, StoredSettings } from "../extension/background/settings-schema";
import type { RememberedDevices } from "../extension/background/remembered";
import type { ImportSummary, SettingsDocument } from "../extension/background/settings-document";
import type { SitePermissions, UiMessage, UiState } from "../extension/lib/messages";
import type { CaptureKind, PermissionSetting } from "../extension/lib/picker";

export interface Connector {
  getState(origin?: string): Promise<UiState>;
  setSiteSettings(origin: string, patch: SiteSettingsPatch): Promise<StoredSettings>;
  setDefaults(patch: SiteSettingsPatch): Promise<StoredSettings>;
  resetSite(origin: string): Promise<StoredSettings>;
  /** Takes a storage problem off the list (its backup stays). */
  dismissProblem(backupKey: string): Promise<unknown>;
  /** What a backup of unreadable data holds. */
  problemBackup(backupKey: string): Promise<unknown>;
  /** The tab the popup is about: its id, address (none where Chrome hides it) and whether it is
   * in a private (incognito) window. */
  activeTab(): Promise<{ id?: number; url?: string; incognito?: boolean } | undefined>;
  /** The http(s) origins of the frames in a tab (its top frame's included). */
  frameOrigins(tabId: number): Promise<string[]>;
  /** The browser's own pan/tilt/zoom permission of the page a tab shows ("granted", "prompt",
   * "denied"), or undefined where it cannot be read (a browser page, a page still loading). */
  browserPtz(tabId: number): Promise<PermissionState | undefined>;
  /** Opens the browser's own settings page for a site, in a new tab. */
  openBrowserSiteSettings(origin: string): Promise<void>;
  /** The site's browser permission for camera and microphone, and its remembered devices. */
  getPermissions(origin: string): Promise<SitePermissions>;
  setPermission(origin: string, kind: CaptureKind, setting: PermissionSetting): Promise<SitePermissions>;
  /** Forgets the remembered device of one kind, or of both when `kind` is omitted. */
  forgetDevice(origin: string, kind?: CaptureKind): Promise<SitePermissions>;
  listRemembered(): Promise<RememberedDevices>;
  exportSettings(): Promise<SettingsDocument>;
  /** What a settings file holds; rejects with what is wrong in it. Stores nothing. */
  checkImport(text: string): Promise<ImportSummary>;
  /** Replaces all settings with the file's; rejects, changing nothing, when the file is bad. */
  importSettings(text: string): Promise<ImportSummary>;
}

function send<T>(message: UiMessage): Promise<T> {
  return browser.runtime.sendMessage(message) as Promise<T>;
}

export const extensionConnector: Connector = {
  getState: (origin) => send({ type: "ui.getState", origin }),
  setSiteSettings: (origin, patch) => send({ type: "ui.setSiteSettings", origin, patch }),
  setDefaults: (patch) => send({ type: "ui.setDefaults", patch }),
  resetSite: (origin) => send({ type: "ui.resetSite", origin }),
  dismissProblem: (backupKey) => send({ type: "ui.problems.dismiss", backupKey }),
  problemBackup: (backupKey) => send({ type: "ui.problems.backup", backupKey }),
  getPermissions: (origin) => send({ type: "ui.getPermissions", origin }),
  setPermission: (origin, kind, setting) => send({ type: "ui.setPermission", origin, kind, setting }),
  forgetDevice: (origin, kind) => send(kind ? { type: "ui.forgetDevice", origin, kind } : { type: "ui.forgetDevice", origin }),
  listRemembered: () => send({ type: "ui.listRemembered" }),
  exportSettings: () => send({ type: "ui.settings.export" }),
  checkImport: (text) => send({ type: "ui.settings.checkImport", text }),
  importSettings: (text) => send({ type: "ui.settings.import", text }),
  activeTab: () => activeTab(),
  async frameOrigins(tabId) {
    const frames = await browser.webNavigation.getAllFrames({ tabId }).catch(() => null) ?? [];
    const origins = new Set<string>();
    for (const f of frames) {
      const origin = normalizeOrigin(f.url);
      if (origin) origins.add(origin);
    }
    return [...origins];
  },
  async browserPtz(tabId) {
    // Asked in the extension's isolated world of the top frame: the page's own scripts cannot
    // answer for its navigator there. (The query is the page's origin's, as the page would see it.)
    const [answer] = await chrome.scripting.executeScript({
      target: { tabId, frameIds: [0] }, world: "ISOLATED",
      func: () => navigator.permissions.query({ name: "camera", panTiltZoom: true } as PermissionDescriptor).then((s) => s.state),
    }).catch(() => []);
    const state: unknown = answer?.result;
    return state === "granted" || state === "prompt" || state === "denied" ? state : undefined;
  },
  async openBrowserSiteSettings(origin) {
    await browser.tabs.create({ url: browserSiteSettings(origin) });
  },
};

/** The address of the browser's settings page for one site. */
export const browserSiteSettings = (origin: string) =>
  `chrome://settings/content/siteDetails?site=${encodeURIComponent(origin)}`;

/** The tab the popup is about. It may be named in tests and screenshots: ?tab=ID. */
export async function activeTab() {
  const forced = new URLSearchParams(location.search).get("tab");
  if (forced) return browser.tabs.get(Number(forced)).catch(() => undefined);
  const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return tab;
}
