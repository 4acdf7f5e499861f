/**
 * Live PTZ captures and the explainer's safeguards that need more than one page:
 * - one top-level site controls PTZ at a time: a site that starts a PTZ session takes control and
 *   the others' PTZ tracks are paused (muted) until they start a new session or the site in
 *   control goes away;
 * - a badge and title on the tab, naming the site, when it moves the camera (at most every 10 s);
 * - the popup's sliders, which move the camera through the page's own track.
 * State is in chrome.storage.session: it outlives the worker, not the browser session.
 */
import browser from "webextension-polyfill";
import type { PtzAxis, PtzSessionInfo } from "../../src/bridge/protocol";
import { checkMove, checkSessionInfo, PTZ_COMMANDS, stepValue, type PtzControlView } from "../lib/ptz";
import { isInt, isOptionalString, readChecked, type Parsed } from "./checked-storage";
import { frameAlive, MessageError, pushToFrame, type ContentSender } from "./messenger";
import { serialQueue } from "./serial";
import { getSiteSettings } from "./settings-store";
import { restoreToolbarTab } from "./tracking";
import { holdTabTitle } from "./toolbar";
import { onNavigationCommitted, onWatchedTabRemoved, onWatchedTabUpdated, watchedCollection } from "./navigation-watch";
import { tabIndex } from "./tab-index";

const KEY = "ptzControl";
const BADGE_EVERY_MS = 10_000;

interface Session extends PtzSessionInfo {
  tabId: number;
  frameId: number;
  documentId: string | undefined;
  origin: string;
  /** The top-level site, which is what controls PTZ. */
  site: string;
  active: boolean;
  startedAt: number;
}
interface ControlState {
  owner: string | null;
  sessions: Session[];
  /** Last badge per tab (ms since epoch). */
  badged: Record<string, number>;
}

const serialized = serialQueue();

function isSession(v: unknown): v is Session {
  if (typeof v !== "object" || v === null) return false;
  const s = v as Record<string, unknown>;
  return isInt(s.tabId) && isInt(s.frameId) && isOptionalString(s.documentId) && typeof s.origin === "string" &&
    typeof s.site === "string" && typeof s.active === "boolean" && Number.isFinite(s.startedAt) && checkSessionInfo(s) !== null;
}

/** What is stored, with the sessions that cannot be read left out (and reported). */
export function parseControlState(raw: unknown): Parsed<ControlState> {
  const value: ControlState = { owner: null, sessions: [], badged: {} };
  if (raw === undefined) return { value, problem: null };
  if (typeof raw !== "object" || raw === null || !Array.isArray((raw as ControlState).sessions)) {
    return { value, problem: "The pan/tilt/zoom sessions could not be read." };
  }
  const { owner, sessions, badged } = raw as ControlState;
  value.sessions = sessions.filter(isSession);
  value.owner = typeof owner === "string" ? owner : null;
  if (typeof badged === "object" && badged !== null) {
    for (const [tab, at] of Object.entries(badged)) if (Number.isFinite(at)) value.badged[tab] = at;
  }
  const dropped = sessions.length - value.sessions.length;
  return { value, problem: dropped ? `${dropped} pan/tilt/zoom sessions could not be read.` : null };
}

const index = tabIndex<ControlState>((state) => state.sessions.map((s) => s.tabId), watchedCollection("PTZ sessions"));
const load = (): Promise<ControlState> => index.load(() => readChecked("session", KEY, parseControlState));
const save = (state: ControlState) => index.save(state, (value) => browser.storage.session.set({ [KEY]: value }));

/** Gives `site` control and tells every frame whose state changes. */
async function giveControl(state: ControlState, site: string | null): Promise<void> {
  state.owner = site;
  const changed = state.sessions.filter((s) => s.active !== (s.site === site));
  for (const s of changed) s.active = s.site === site;
  await save(state);
  for (const s of changed) await pushToFrame(s, "ptz.control", { active: s.active });
}

/** Content call `ptz.session`: a frame started a PTZ capture with the permission granted. */
export function startSession(params: unknown, sender: ContentSender): Promise<null> {
  const info = checkSessionInfo(params);
  if (!info) return Promise.reject(new MessageError("TypeError", "malformed PTZ session"));
  return allowed(sender).then((yes) => yes ? startAllowed(info, sender) : null);
}

/** Only a site the user allowed pan, tilt and zoom has PTZ sessions (its captures take control
 * from other sites' and get sliders) or moves the camera. */
async function allowed(sender: ContentSender): Promise<boolean> {
  if (sender.origin === "null") return false;
  return (await getSiteSettings(sender.origin)).ptz === "allow";
}

function startAllowed(info: PtzSessionInfo, sender: ContentSender): Promise<null> {
  return serialized(async () => {
    const state = await load();
    const site = sender.topOrigin ?? sender.origin;
    state.sessions = state.sessions.filter((s) => !(s.tabId === sender.tabId && s.frameId === sender.frameId &&
      s.documentId === sender.documentId));
    state.sessions.push({
      ...info, tabId: sender.tabId, frameId: sender.frameId, documentId: sender.documentId, origin: sender.origin,
      site, active: true, startedAt: Date.now(),
    });
    await giveControl(state, site);
    return null;
  }).then(async () => {
    // The frame's navigation or its tab's close may have come before this call, while nothing else
    // of the tab was in use (./navigation-watch.ts): the worker was not listening then.
    if (!(await frameAlive(sender))) ptzFrameEnded(sender.tabId, sender.frameId, sender.documentId);
    return null;
  });
}

/** How long the "PTZ" badge stays on the tab after a move. */
const PTZ_BADGE_SHOWN_MS = 4000;

/** Content call `ptz.moved`: the site moved the camera; with `values`, where the camera is now. */
export function cameraMoved(params: unknown, sender: ContentSender): Promise<null> {
  const values = typeof params === "object" && params !== null ? (params as { values?: unknown }).values : undefined;
  if (values !== undefined) return positionReported(values, sender);
  return allowed(sender).then((yes) => yes ? badgeMove(sender) : null);
}

function badgeMove(sender: ContentSender): Promise<null> {
  return serialized(async () => {
    const state = await load();
    const last = state.badged[sender.tabId] ?? 0;
    if (Date.now() - last < BADGE_EVERY_MS) return null;
    state.badged[sender.tabId] = Date.now();
    await save(state);
    const site = sender.topOrigin ?? sender.origin;
    await chrome.action.setBadgeBackgroundColor({ tabId: sender.tabId, color: "#b3261e" }).catch(() => undefined);
    await chrome.action.setBadgeText({ tabId: sender.tabId, text: "PTZ" }).catch(() => undefined);
    // The in-use title would replace the notice when the tab's captures change meanwhile: held.
    holdTabTitle(sender.tabId, PTZ_BADGE_SHOWN_MS);
    await chrome.action.setTitle({ tabId: sender.tabId, title: chrome.i18n.getMessage("ptzMovedTitle", [site]) })
      .catch(() => undefined);
    // A notice, not a state: after a moment the tab shows the in-use count again (text null
    // clears the tab's own text, so the global badge of tracking.ts shows through; colour has no
    // such reset, so the tab gets the global one; the title is the tab's in-use title again).
    const tabId = sender.tabId;
    setTimeout(() => void (async () => {
      await chrome.action.setBadgeText({ tabId, text: null } as never);
      await chrome.action.setBadgeBackgroundColor({ tabId, color: await chrome.action.getBadgeBackgroundColor({}) });
      await restoreToolbarTab(tabId);
    })().catch(() => undefined), PTZ_BADGE_SHOWN_MS);
    return null;
  });
}

/** The frame's own session takes the position it reports (clamped to the camera's ranges); a
 * frame can only set where the sliders of its own capture stand. */
function positionReported(values: unknown, sender: ContentSender): Promise<null> {
  return serialized(async () => {
    if (!index.mayHave(sender.tabId)) return null;
    const state = await load();
    const own = state.sessions.filter((s) => s.tabId === sender.tabId && s.frameId === sender.frameId &&
      s.documentId === sender.documentId && s.active);
    if (!own.length) return null;
    let changed = false;
    for (const session of own) {
      const at = checkMove(values, session.ranges);
      if (!at) throw new MessageError("TypeError", "malformed PTZ position");
      for (const axis of Object.keys(at) as PtzAxis[]) {
        if (session.values[axis] !== at[axis]) {
          session.values = { ...session.values, [axis]: at[axis] };
          changed = true;
        }
      }
    }
    if (changed) await save(state);
    return null;
  });
}

function ended(match: (s: Session) => boolean, onlyTab?: number): void {
  void serialized(async () => {
    if (!index.mayHave(onlyTab)) return;
    const state = await load();
    const before = state.sessions.length;
    state.sessions = state.sessions.filter((s) => !match(s));
    if (state.sessions.length === before) return;
    if (state.owner && !state.sessions.some((s) => s.site === state.owner)) {
      // The site in control is gone: the most recent other session gets control back.
      const latest = [...state.sessions].sort((a, b) => b.startedAt - a.startedAt)[0];
      await giveControl(state, latest?.site ?? null);
    } else {
      await save(state);
    }
  });
}

/** UI call `ui.ptz.get`: the tab's live PTZ capture for the popup, or null. */
export async function controlView(tabId: unknown): Promise<PtzControlView | null> {
  if (typeof tabId !== "number") throw new MessageError("TypeError", "tabId must be a number");
  const session = (await load()).sessions.filter((s) => s.tabId === tabId).sort((a, b) => b.startedAt - a.startedAt)[0];
  return session ? { origin: session.origin, ranges: session.ranges, values: session.values, active: session.active } : null;
}

/** UI call `ui.ptz.move`: the user moved a slider (or pressed Reset) in the popup. */
export function moveCamera(tabId: unknown, values: unknown): Promise<PtzControlView | null> {
  return serialized(async () => {
    const state = await load();
    const sessions = state.sessions.filter((s) => s.tabId === tabId);
    if (!sessions.length) throw new MessageError("NotFoundError", "No camera with pan, tilt or zoom in this tab.");
    for (const session of sessions) {
      const move = checkMove(values, session.ranges);
      if (!move) throw new MessageError("TypeError", "malformed values");
      session.values = { ...session.values, ...move };
      await pushToFrame(session, "ptz.move", move);
    }
    await save(state);
    return null;
  }).then(() => controlView(tabId));
}

/**
 * A keyboard command (manifest "commands"): one step of pan, tilt or zoom for the live PTZ capture
 * of `tabId` (the active tab: a hidden page cannot move the camera), through the same `ptz.move`
 * push as the popup's sliders. Nothing happens while another site controls PTZ, or when the
 * capture has no such axis. Resolves with the axis values sent, or null when nothing was sent.
 */
export function ptzCommand(command: string, tabId: number | undefined): Promise<Partial<Record<PtzAxis, number>> | null> {
  const known = PTZ_COMMANDS[command];
  if (!known || tabId === undefined) return Promise.resolve(null);
  const [axis, direction] = known;
  return serialized(async () => {
    const state = await load();
    const session = state.sessions.filter((s) => s.tabId === tabId && s.active && s.ranges[axis])
      .sort((a, b) => b.startedAt - a.startedAt)[0];
    if (!session) return null;
    const range = session.ranges[axis]!;
    const move = { [axis]: stepValue(session.values[axis] ?? range.min, range, direction) };
    // Every frame of the tab that shows this site's capture moves with it, as with the sliders.
    for (const s of state.sessions) {
      if (s.tabId !== tabId || !s.active || !s.ranges[axis]) continue;
      const clamped = checkMove(move, s.ranges)!;
      s.values = { ...s.values, ...clamped };
      await pushToFrame(s, "ptz.move", clamped);
    }
    await save(state);
    return move;
  });
}

/** A frame's PTZ captures all ended (the page stopped them, or the user did in the popup). */
export function ptzFrameEnded(tabId: number, frameId: number, documentId: string | undefined): void {
  ended((s) => s.tabId === tabId && s.frameId === frameId && s.documentId === documentId);
}

export function startPtzControlListeners(): void {
  onWatchedTabRemoved((tabId) => ended((s) => s.tabId === tabId));
  onWatchedTabUpdated((tabId, change) => {
    if (change.status === "unloaded") ended((s) => s.tabId === tabId); // crashed or discarded
  });
  // Whether a session is open in some tab (./navigation-watch.ts).
  void load().catch(() => undefined);
  onNavigationCommitted((d) =>
    ended((s) => s.tabId === d.tabId && (d.frameId === 0 || s.frameId === d.frameId), d.tabId));
}
