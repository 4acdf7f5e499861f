/**
 * The toolbar button shows what is in use (from the live-capture registry of tracking.ts).
 *
 * - For all tabs: the badge counts the (tab, site, device) rows in use, red while a camera is in
 *   use, amber for microphones only; the title says which kinds are in use.
 * - For a tab that uses the camera or microphone itself: the live icon (a red dot) and a title
 *   that says what this tab uses. When its captures end, the tab gets the normal icon back and the
 *   global title.
 *
 * Chrome has no reset for a tab's own icon or title (only for its badge text), so a tab that was
 * given its own keeps one: while idle it is the normal icon and the global title, which is set
 * again whenever the global title changes. Which tabs have their own, and which look they have,
 * is kept in storage.session (the worker may stop at any time). Chrome clears a tab's own values
 * when a new document commits in it (measured, Chromium 156), so tracking.ts calls
 * `toolbarTabNavigated` then.
 *
 * Not serialized here: tracking.ts calls these inside its serial queue, after each registry change.
 */
import browser from "webextension-polyfill";
import { watchedCollection } from "./navigation-watch";
import { serialQueue } from "./serial";
import type { LiveGroup } from "./tracking";

export const TOOLBAR_KEY = "toolbarTabs";

export type TabLook = "video" | "audio" | "both" | "idle";

interface ToolbarState {
  /** The global title last set. */
  title: string;
  /** The look last given to each tab that has values of its own. */
  tabs: Record<string, TabLook>;
}

const NORMAL_ICON = { 16: "/icons/icon-16.png", 32: "/icons/icon-32.png" };
const LIVE_ICON = { 16: "/icons/icon-live-16.png", 32: "/icons/icon-live-32.png" };

const TAB_TITLE = { video: "toolbarTabCamera", audio: "toolbarTabMicrophone", both: "toolbarTabBoth" } as const;

function message(key: string): string {
  return browser.i18n.getMessage(key) || "Capture Control";
}

/** The look of every tab that uses a device now. */
export function tabLooks(groups: Pick<LiveGroup, "tabId" | "kind">[]): Map<number, Exclude<TabLook, "idle">> {
  const looks = new Map<number, Exclude<TabLook, "idle">>();
  for (const { tabId, kind } of groups) {
    const had = looks.get(tabId);
    looks.set(tabId, had === undefined || had === kind ? kind : "both");
  }
  return looks;
}

function globalTitle(groups: LiveGroup[]): string {
  const video = groups.some((g) => g.kind === "video");
  const audio = groups.some((g) => g.kind === "audio");
  return message(video && audio ? "badgeTitleBoth" : video ? "badgeTitleCamera" : audio ? "badgeTitleMicrophone" : "extName");
}

/** Tabs with values of their own need to hear when a document commits in them. */
const holding = watchedCollection("toolbar looks of tabs");

async function loadState(): Promise<ToolbarState> {
  const raw = (await browser.storage.session.get(TOOLBAR_KEY))[TOOLBAR_KEY] as Partial<ToolbarState> | undefined;
  const tabs = typeof raw?.tabs === "object" && raw.tabs !== null ? raw.tabs : {};
  holding(Object.keys(tabs).length > 0);
  return { title: typeof raw?.title === "string" ? raw.title : "", tabs };
}

async function saveState(state: ToolbarState): Promise<void> {
  holding(true);
  await browser.storage.session.set({ [TOOLBAR_KEY]: state });
  holding(Object.keys(state.tabs).length > 0);
}

/** Reads the state once at worker start (whether any tab has values of its own). */
export const loadToolbarState = (): Promise<unknown> => loadState().catch(() => undefined);

/** Tabs whose title shows a notice (the PTZ one) until the given time: in-use updates leave it. */
const noticeUntil = new Map<number, number>();

/** Keeps `tabId`'s title (a notice set by the caller) for `ms`; the caller restores it after. */
export function holdTabTitle(tabId: number, ms: number): void {
  noticeUntil.set(tabId, Date.now() + ms);
}

type IconPaths = typeof NORMAL_ICON;
type IconPixels = Record<string, ImageData>;
const pixels = new Map<IconPaths, Promise<IconPixels | undefined>>();

/** An icon's pixels, decoded once per worker run. Given a path, setIcon fetches and decodes the
 * files in the worker on every call (measured: 5-15 ms of the worker each, twice for every
 * capture that starts or ends); the pixels cost that once. Undefined where the worker cannot
 * decode them (then the path is given). */
function pixelsOf(paths: IconPaths): Promise<IconPixels | undefined> {
  let decoded = pixels.get(paths);
  if (!decoded) {
    decoded = (async () => {
      if (typeof OffscreenCanvas === "undefined" || typeof createImageBitmap === "undefined") return undefined;
      const out: IconPixels = {};
      for (const [size, file] of Object.entries(paths)) {
        const bitmap = await createImageBitmap(await (await fetch(chrome.runtime.getURL(file))).blob());
        const side = Number(size);
        const context = new OffscreenCanvas(side, side).getContext("2d");
        if (!context) return undefined;
        context.drawImage(bitmap, 0, 0, side, side);
        out[size] = context.getImageData(0, 0, side, side);
      }
      return out;
    })().catch(() => undefined);
    pixels.set(paths, decoded);
  }
  return decoded;
}

/** Gives one tab its look; false when the tab is gone. */
async function applyTab(tabId: number, look: TabLook, title: string, force?: number): Promise<boolean> {
  try {
    const paths = look === "idle" ? NORMAL_ICON : LIVE_ICON;
    const imageData = await pixelsOf(paths);
    await chrome.action.setIcon(imageData ? { tabId, imageData } : { tabId, path: paths });
    const held = (noticeUntil.get(tabId) ?? 0) > Date.now() && force !== tabId;
    if (!held) noticeUntil.delete(tabId);
    if (!held) await chrome.action.setTitle({ tabId, title: look === "idle" ? title : message(TAB_TITLE[look]) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Brings the button in line with the captures live now. `force` names a tab whose title was
 * changed by someone else (the PTZ notice) and must be set again.
 */
export const updateToolbar = (groups: LiveGroup[], force?: number): Promise<void> => inTurn(() => update(groups, force));

/** Every read and write of the tabs' looks runs in turn: an update and a navigation that came
 * together must not write over each other (a tab would keep a look it no longer has). */
const inTurn = serialQueue();

async function update(groups: LiveGroup[], force?: number): Promise<void> {
  const video = groups.some((g) => g.kind === "video");
  const title = globalTitle(groups);
  await Promise.all([
    browser.action.setBadgeText({ text: groups.length ? String(groups.length) : "" }),
    browser.action.setBadgeBackgroundColor({ color: video ? "#c5221f" : "#b06000" }),
    browser.action.setTitle({ title }),
  ]).catch(() => undefined);

  const state = await loadState();
  const looks = tabLooks(groups);
  const tabIds = new Set([...Object.keys(state.tabs).map(Number), ...looks.keys()]);
  if (force !== undefined) tabIds.add(force);
  let changed = state.title !== title;
  for (const tabId of tabIds) {
    const want: TabLook = looks.get(tabId) ?? "idle";
    const had = state.tabs[tabId];
    const stale = had === undefined
      // A tab with nothing of its own already shows the normal icon and the global title.
      ? want !== "idle" || tabId === force
      : had !== want || (want === "idle" && state.title !== title) || tabId === force;
    if (!stale) continue;
    changed = true;
    if (await applyTab(tabId, want, title, force)) state.tabs[tabId] = want;
    else delete state.tabs[tabId];
  }
  if (changed) await saveState({ title, tabs: state.tabs });
}

/** A new document committed in the tab's top frame: Chrome dropped the tab's own values. */
export const toolbarTabNavigated = (tabId: number): Promise<void> => inTurn(async () => {
  const state = await loadState();
  if (!(tabId in state.tabs)) return;
  delete state.tabs[tabId];
  await saveState(state);
});

/** A closed tab. */
export const toolbarTabClosed = toolbarTabNavigated;
