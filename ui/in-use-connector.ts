/**
 * How the popup's "In use now" and the options page's "History" reach the service worker
 * (background/tracking.ts). Kept apart from connector.ts so the pages can be given a mock twin.
 */
import browser from "webextension-polyfill";
import type { UiMessage } from "../extension/lib/messages";
import type { LiveGroup } from "../extension/background/tracking";
import { loadHistory, prune, type StoredHistory } from "../extension/background/tracking-history";

export interface TrackingConnector {
  live(): Promise<{ now: number; groups: LiveGroup[] }>;
  stop(group: LiveGroup): Promise<number>;
  goToTab(tabId: number): Promise<void>;
  history(): Promise<StoredHistory>;
  clearHistory(origin?: string): Promise<StoredHistory>;
  setRetention(days: number): Promise<StoredHistory>;
  /** Calls `listener` whenever the live registry changes; returns the unsubscribe function. */
  onLiveChange(listener: () => void): () => void;
}

function send<T>(message: UiMessage): Promise<T> {
  return browser.runtime.sendMessage(message) as Promise<T>;
}

export const trackingConnector: TrackingConnector = {
  live: () => send({ type: "ui.tracking.live" }),
  stop: ({ tabId, origin, kind, label }) => send({ type: "ui.tracking.stop", tabId, origin, kind, label }),
  goToTab: (tabId) => send({ type: "ui.tracking.goToTab", tabId }),
  // Read straight from storage: opening the options page does not wake the service worker. Only the
  // worker writes (and backs up what it cannot read); HISTORY_KEY of background/tracking.ts.
  async history() {
    const raw = (await browser.storage.local.get("captureHistory")).captureHistory;
    return prune(loadHistory(raw).history, Date.now());
  },
  clearHistory: (origin) => send(origin === undefined ? { type: "ui.history.clear" } : { type: "ui.history.clear", origin }),
  setRetention: (days) => send({ type: "ui.history.setRetention", days }),
  onLiveChange(listener) {
    // LIVE_KEY of background/tracking.ts (not imported: the page would bundle the worker's module).
    const onChanged = (changes: Record<string, unknown>, area: string) => {
      if (area === "session" && "liveCaptures" in changes) listener();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  },
};

/** "1:05:09", "4:02", "0:07". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
