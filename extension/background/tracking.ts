/**
 * What uses the camera and microphone (issue 5), service-worker side: the live-capture registry
 * (chrome.storage.session, so it survives worker restarts), the toolbar badge, Stop, and the
 * history (chrome.storage.local).
 *
 * A frame reports only its own captures: every entry is keyed by the tab, frame and document that
 * Chrome names as the sender, so a page can end or invent entries of its own frame and nothing
 * else. Nothing here ever goes back to a page. Entries of frames that went away without a word
 * (navigation, tab close, a removed iframe, a crashed renderer) are ended by the listeners below
 * and by `verify`, which asks Chrome whether each entry's document still exists.
 */
import { ptzFrameEnded } from "./ptz-control";
import browser from "webextension-polyfill";
import type { TrackEnd, TrackReport, TrackState } from "../../src/bridge/protocol";
import { frameAlive, frameExists, MessageError, pushToFrame, tabAlive, type ContentSender } from "./messenger";
import { isInt, isStringOrNull, parseEntries, readChecked, removeBackups } from "./checked-storage";
import { serialQueue } from "./serial";
import { loadToolbarState, toolbarTabClosed, toolbarTabNavigated, updateToolbar } from "./toolbar";
import {
  addEntries, clearHistory, isHistoryEntry, isRetentionDays, loadHistory, MAX_HISTORY_ENTRIES, prune, type CaptureKind,
  type HistoryEntry, type StoredHistory,
} from "./tracking-history";
import { syncWarmSites } from "./warm-sites";
import { onNavigationCommitted, onWatchedTabRemoved, onWatchedTabReplaced, onWatchedTabUpdated, watchedCollection } from "./navigation-watch";
import { tabIndex } from "./tab-index";

export const LIVE_KEY = "liveCaptures";
export const HISTORY_KEY = "captureHistory";
/** Ended captures whose history entry is not written yet, in chrome.storage.session: the history
 * (up to 10,000 entries) is written at most once a second, and not at all while storage is full. */
export const PENDING_KEY = "historyPending";
/** Which history write the waiting captures go in (StoredHistory.written). */
const PENDING_BATCH_KEY = "historyPendingBatch";
const HISTORY_EVERY_MS = 1000;
/** Captures one frame, one tab and all tabs may have live at once: a page cannot flood the
 * registry (chrome.storage.session holds 10 MB for everything), nor other sites out of it. */
const MAX_PER_FRAME = 32;
const MAX_PER_TAB = 96;
const MAX_LIVE = 768;
/** Ends remembered for starts still on their way (see capturesEnded). */
const MAX_RECENT_ENDS = 2048;
const MAX_LABEL = 256;
/** How far back a frame may date a start or an end (its reports wait ~250 ms to be batched). */
const MAX_AGO = 5_000;
/** A capture reported again after the extension was reloaded started before the reload. */
const MAX_RESUMED_AGO = 86_400_000;
const clampAgo = (ago: number, max = MAX_AGO) => Math.min(Math.max(0, ago), max);

export interface LiveCapture {
  /** The frame's own id for the capture (see src/tracking/live-tracks.ts). */
  id: string;
  tabId: number;
  frameId: number;
  documentId: string | null;
  origin: string;
  topOrigin: string | null;
  kind: CaptureKind;
  label: string;
  startedAt: number;
  /** The frame's latest `tracking.state` (absent: never reported, i.e. neither). */
  muted?: boolean;
  paused?: boolean;
  /** Started with pan/tilt/zoom. */
  ptz?: boolean;
  /** In a private (incognito) window: listed while live, never written to the history. */
  incognito?: true;
}

type Registry = Record<string, LiveCapture>;

/** What the popup lists: one row per tab, site and device. */
export interface LiveGroup {
  tabId: number;
  origin: string;
  topOrigin: string | null;
  kind: CaptureKind;
  label: string;
  since: number;
  /** How many captures (getUserMedia tracks) the row stands for. */
  count: number;
  /** Every capture of the row is muted / paused (the page disabled its tracks); one uses PTZ. */
  muted: boolean;
  paused: boolean;
  ptz: boolean;
}

const keyOf = (c: { tabId: number; frameId: number; documentId: string | null; id: string }) =>
  `${c.tabId}/${c.frameId}/${c.documentId ?? ""}/${c.id}`;

function isLiveCapture(key: string, v: unknown): v is LiveCapture {
  if (typeof v !== "object" || v === null) return false;
  const c = v as Record<string, unknown>;
  return isId(c.id) && isInt(c.tabId) && isInt(c.frameId) && isStringOrNull(c.documentId) && typeof c.origin === "string" &&
    isStringOrNull(c.topOrigin) && (c.kind === "audio" || c.kind === "video") && typeof c.label === "string" &&
    Number.isFinite(c.startedAt) && key === keyOf(c as unknown as LiveCapture);
}

/** The registry; entries that cannot be read are backed up and reported (checked-storage.ts). */
/** Which tabs the registry holds captures of (./tab-index.ts): a frame's navigation in any other
 * tab costs no storage round trip. */
const liveIndex = tabIndex<Registry>((live) => Object.values(live).map((c) => c.tabId), watchedCollection("captures in use"));
const loadLive = (): Promise<Registry> => liveIndex.load(() =>
  readChecked("session", LIVE_KEY, (raw) => parseEntries(raw, isLiveCapture, "cameras and microphones in use")));

const readPending = (): Promise<HistoryEntry[]> => readChecked("session", PENDING_KEY, (raw) => {
  if (raw === undefined) return { value: [], problem: null };
  const value = Array.isArray(raw) ? raw.filter(isHistoryEntry) : [];
  return { value, problem: Array.isArray(raw) && value.length === raw.length ? null : "Some ended captures could not be read." };
});

/** Whether this worker has checked what a stopped one left waiting. */
let pendingChecked = false;

/** The batch name of this worker's last history write. */
let writtenBatch: string | undefined;

/** The ended captures waiting for the history. A worker stopped between the history write and the
 * registry's next write left them in the session although they are in the history already: the
 * batch name written with them says so (checked against the history at a worker's start, and
 * after that against the worker's own last write, whose next session write may have failed). */
async function loadPending(): Promise<HistoryEntry[]> {
  const pending = await readPending();
  if (!pending.length || (pendingChecked && writtenBatch === undefined)) {
    pendingChecked = true;
    return pending;
  }
  const batch = (await browser.storage.session.get(PENDING_BATCH_KEY))[PENDING_BATCH_KEY];
  if (pendingChecked) return typeof batch === "string" && batch === writtenBatch ? [] : pending;
  pendingChecked = true;
  return typeof batch === "string" && (await readHistory()).written === batch ? [] : pending;
}

/** The history; what cannot be read is backed up to backup:history:<time> and reported on the
 * options page with the settings' problems. */
const readHistory = (): Promise<StoredHistory> => readChecked("local", HISTORY_KEY, (raw) => {
  const { history, problem } = loadHistory(raw);
  return { value: history, problem: problem ?? null };
}, "history");

/**
 * Every change to the registry and the history goes through one queue of jobs. The jobs waiting
 * when a round starts are applied together: one read and one write of the registry for all of
 * them, however many frames report at once, and the history (with the captures that ended) written
 * at once after a second without a write, else at the end of that second (while storage is full, the ended
 * captures wait in chrome.storage.session). A page that opens and stops captures in a loop in many frames therefore
 * cannot make the worker queue up work, and memory, faster than it writes. A job's promise settles
 * once its change is stored (the ended captures at least in chrome.storage.session).
 */
interface Job {
  /** Changes the registry; captures it ends go to `ended`. */
  registry?: (live: Registry, ended: HistoryEntry[]) => unknown;
  /** Changes the history (clear, retention); forces a history write. */
  history?: (history: StoredHistory) => StoredHistory;
  /** Writes the ended captures that wait to the history (writeHistoryLater). */
  flush?: true;
  /** The registry change touches only captures of this tab (a frame's navigation): a round of
   * such jobs for tabs the registry has nothing of reads and writes nothing. */
  onlyTab?: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
let jobs: Job[] = [];
let running = false;
/** When the history was last written, or tried (at most once a second, also while storage is full). */
let lastHistoryWrite = 0;
let historyTimer: ReturnType<typeof setTimeout> | undefined;

function enqueue<T>(job: Pick<Job, "registry" | "history" | "onlyTab" | "flush">): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    jobs.push({ ...job, resolve: resolve as (value: unknown) => void, reject });
    if (!running) void runJobs();
  });
}

const changeRegistry = <T>(change: (live: Registry, ended: HistoryEntry[]) => T): Promise<T> => enqueue<T>({ registry: change });

async function runJobs(): Promise<void> {
  running = true;
  while (jobs.length) {
    const round = jobs;
    jobs = [];
    if (round.every((j) => !liveIndex.mayHave(j.onlyTab))) {
      for (const job of round) job.resolve(0);
      continue;
    }
    const results = new Map<Job, { ok: boolean; value: unknown }>();
    try {
      // (The first round of a worker writes whatever it finds: see loadPending.)
      const mustWrite = !pendingChecked;
      const [live, pending] = await Promise.all([loadLive(), loadPending(), loadRecentlyEnded()]);
      const before = Object.keys(live).length;
      const stored = JSON.stringify(live);
      const ended: HistoryEntry[] = [];
      for (const job of round) {
        if (!job.registry) continue;
        try {
          results.set(job, { ok: true, value: job.registry(live, ended) });
        } catch (error) {
          results.set(job, { ok: false, value: error });
        }
      }
      pending.push(...ended);
      forgetOldEnds(Date.now());
      const ends = recentlyEndedChanged ? { [ENDED_KEY]: Object.fromEntries(recentlyEnded) } : {};
      recentlyEndedChanged = false;
      const historyJobs = round.filter((j) => j.history);
      let written = false;
      // At most once a second: at once after a second without a write (a browser that quits right
      // after a call loses nothing), else in writeHistoryLater's round. (Written whenever nothing
      // else waited, a page that starts and stops captures in a loop had each next getUserMedia
      // wait on the write of the whole history: ~1.1 ms, a third, on two cores.)
      if (historyJobs.length || (pending.length && (round.some((j) => j.flush) || Date.now() - lastHistoryWrite >= HISTORY_EVERY_MS))) {
        const now = Date.now();
        lastHistoryWrite = now;
        const batch = crypto.randomUUID();
        let history: StoredHistory = { ...addEntries(await readHistory(), pending, now), written: batch };
        for (const job of historyJobs) history = prune(job.history!(history), now);
        // The registry and the ended captures first, named by the write they go in; then the
        // history; then they leave the session. A worker stopped between two of these steps loses
        // nothing and adds nothing twice (see loadPending).
        await liveIndex.save(live, (value) => browser.storage.session.set({
          [LIVE_KEY]: value, ...ends, [PENDING_KEY]: pending.slice(-MAX_HISTORY_ENTRIES), [PENDING_BATCH_KEY]: batch,
        }));
        try {
          await browser.storage.local.set({ [HISTORY_KEY]: history });
          writtenBatch = batch;
          void syncWarmSites(history.entries);
          written = true;
          for (const job of historyJobs) results.set(job, { ok: true, value: history });
        } catch (error) {
          console.warn("Capture Control: the history could not be written; ended captures wait in the session", error);
          for (const job of historyJobs) results.set(job, { ok: false, value: error });
        }
      }
      const left = written ? [] : pending.slice(-MAX_HISTORY_ENTRIES);
      // A round that changed nothing (most navigations) writes nothing.
      if (mustWrite || written || ended.length || ENDED_KEY in ends || left.length !== pending.length || JSON.stringify(live) !== stored) {
        // (The batch name goes: what waits from now on is in no history write. Kept, it would tell
        // the next worker that captures which ended after that write were in it, and lose them.)
        await liveIndex.save(live, (value) => browser.storage.session.set({ [LIVE_KEY]: value, ...ends, [PENDING_KEY]: left, [PENDING_BATCH_KEY]: null }));
      }
      if (ended.length || Object.keys(live).length !== before) await toolbarAfterRound(live);
      if (left.length) writeHistoryLater();
    } catch (error) {
      for (const job of round) if (!results.has(job) || results.get(job)!.ok) results.set(job, { ok: false, value: error });
    }
    for (const job of round) {
      const result = results.get(job) ?? { ok: true, value: undefined };
      if (result.ok) job.resolve(result.value);
      else job.reject(result.value);
    }
  }
  running = false;
}

/** Ended captures waiting for the history get there within a second (a round of its own writes
 * them). */
function writeHistoryLater(): void {
  if (historyTimer !== undefined) return;
  historyTimer = setTimeout(() => {
    historyTimer = undefined;
    void enqueue({ flush: true }).catch(() => undefined);
  }, Math.max(0, lastHistoryWrite + HISTORY_EVERY_MS - Date.now()) + 10);
}

/** Captures ended in the last seconds (registry key → when). A report the worker handled just before
 * it stopped, without answering, is sent again (extension/content/bridge.iife.ts): a start sent
 * again after its end must not bring the capture back, nor its end add it to the history twice.
 * Kept in storage.session with the registry, since the worker that gets the report again is often
 * a new one. */
const ENDED_KEY = "liveEnded";
const ENDED_MEMORY_MS = 5_000;
const recentlyEnded = new Map<string, number>();
let recentlyEndedLoaded = false;
let recentlyEndedChanged = false;
let forgetting: ReturnType<typeof setTimeout> | undefined;

async function loadRecentlyEnded(): Promise<void> {
  if (recentlyEndedLoaded) return;
  const raw = (await browser.storage.session.get(ENDED_KEY))[ENDED_KEY];
  if (typeof raw === "object" && raw !== null) {
    for (const [key, at] of Object.entries(raw)) if (Number.isFinite(at) && !recentlyEnded.has(key)) recentlyEnded.set(key, at as number);
  }
  recentlyEndedLoaded = true;
}

function rememberEnd(key: string, now: number): void {
  // The oldest go first beyond the cap (a Map keeps the order they came in).
  if (recentlyEnded.size >= MAX_RECENT_ENDS) recentlyEnded.delete(recentlyEnded.keys().next().value!);
  recentlyEnded.set(key, now);
  recentlyEndedChanged = true;
}

/** Drops what is older than ENDED_MEMORY_MS; a round after that forgets the rest. */
function forgetOldEnds(now: number): void {
  for (const [key, at] of recentlyEnded) {
    if (now - at <= ENDED_MEMORY_MS) continue;
    recentlyEnded.delete(key);
    recentlyEndedChanged = true;
  }
  if (recentlyEnded.size && forgetting === undefined) {
    forgetting = setTimeout(() => {
      forgetting = undefined;
      void changeRegistry(() => undefined).catch(() => undefined);
    }, ENDED_MEMORY_MS + 100);
  }
}

/** Moves the entries matching `match` from the registry to `ended` (for the history). */
function endIn(live: Registry, ended: HistoryEntry[], match: (c: LiveCapture) => boolean, endedAt?: (c: LiveCapture) => number): number {
  const now = Date.now();
  let count = 0;
  for (const [key, c] of Object.entries(live)) {
    if (!match(c)) continue;
    delete live[key];
    rememberEnd(key, now);
    count++;
    if (c.incognito) continue;
    ended.push({
      origin: c.origin, topOrigin: c.topOrigin, kind: c.kind, label: c.label, start: c.startedAt,
      end: Math.max(endedAt ? endedAt(c) : now, c.startedAt),
    });
  }
  return count;
}

/** Removes entries matching `match` from the registry and records them in the history. */
function endWhere(match: (c: LiveCapture) => boolean, endedAt?: (c: LiveCapture) => number): Promise<number> {
  return changeRegistry((live, ended) => endIn(live, ended, match, endedAt));
}

export function groupLive(live: Registry): LiveGroup[] {
  const groups = new Map<string, LiveGroup>();
  for (const c of Object.values(live)) {
    const key = JSON.stringify([c.tabId, c.origin, c.kind, c.label]);
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.since = Math.min(group.since, c.startedAt);
      group.muted &&= !!c.muted;
      group.paused &&= !!c.paused;
      group.ptz ||= !!c.ptz;
    } else {
      groups.set(key, {
        tabId: c.tabId, origin: c.origin, topOrigin: c.topOrigin, kind: c.kind, label: c.label, since: c.startedAt, count: 1,
        muted: !!c.muted, paused: !!c.paused, ptz: !!c.ptz,
      });
    }
  }
  return [...groups.values()].sort((a, b) => a.origin.localeCompare(b.origin) || a.kind.localeCompare(b.kind) || a.since - b.since);
}

/** Toolbar changes outside the registry's rounds (a tab closed or navigated, the PTZ notice over)
 * run one at a time; inside a round, the round calls updateBadge itself. */
const serialized = serialQueue();

/** The toolbar button follows the registry (toolbar.ts). */
function updateBadge(live: Registry, force?: number): Promise<void> {
  return updateToolbar(groupLive(live), force);
}

/**
 * The toolbar after a round that changed what is live: at once, unless it changed within the last
 * TOOLBAR_EVERY_MS; then once at the end of that spell, with what is live by then. A page that
 * starts and stops captures in a burst would otherwise have the browser redraw the button for each
 * of them: its next three getUserMedia calls took ~1.2 ms (40%) longer each (bench, two cores).
 * (A worker stopped meanwhile loses the last update; the next one's verify() makes it.)
 */
const TOOLBAR_EVERY_MS = 250;
let toolbarAt = 0;
let toolbarTimer: ReturnType<typeof setTimeout> | undefined;
function toolbarAfterRound(live: Registry): Promise<void> | undefined {
  if (toolbarTimer !== undefined) return undefined; // the update to come shows this round's change
  const wait = toolbarAt + TOOLBAR_EVERY_MS - Date.now();
  if (wait <= 0) {
    toolbarAt = Date.now();
    return updateBadge(live);
  }
  toolbarTimer = setTimeout(() => {
    toolbarTimer = undefined;
    toolbarAt = Date.now();
    void loadLive().then((now) => updateBadge(now)).catch(() => undefined);
  }, wait);
  return undefined;
}

/** Sets the tab's toolbar icon and title again, after the PTZ notice changed its title. */
export function restoreToolbarTab(tabId: number): Promise<void> {
  return serialized(async () => updateBadge(await loadLive(), tabId));
}

const isId = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 64;

function isTrackReport(v: unknown): v is TrackReport {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return isId(r.id) && (r.kind === "audio" || r.kind === "video") && typeof r.label === "string" && Number.isFinite(r.ago) &&
    (r.ptz === undefined || typeof r.ptz === "boolean") && (r.resumed === undefined || typeof r.resumed === "boolean");
}

function isTrackState(v: unknown): v is TrackState {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return isId(r.id) && typeof r.muted === "boolean" && typeof r.paused === "boolean";
}

function isTrackEnd(v: unknown): v is TrackEnd {
  return typeof v === "object" && v !== null && isId((v as TrackEnd).id) && Number.isFinite((v as TrackEnd).ago);
}

/** Content call `tracking.started`. */
export async function capturesStarted(params: unknown, sender: ContentSender): Promise<null> {
  const captures = (params as { captures?: unknown } | null)?.captures;
  if (!Array.isArray(captures) || !captures.length || captures.length > MAX_PER_FRAME || !captures.every(isTrackReport)) {
    throw new MessageError("TypeError", "malformed capture report");
  }
  const documentId = sender.documentId ?? null;
  const senders = (c: LiveCapture) => c.tabId === sender.tabId && c.frameId === sender.frameId && c.documentId === documentId;
  return changeRegistry((live) => {
    const all = Object.values(live);
    const mine = all.filter(senders);
    const tab = all.filter((c) => c.tabId === sender.tabId);
    // (A report sent again, after a worker restart, adds nothing.)
    const added = (captures as TrackReport[]).filter((r) =>
      !Object.hasOwn(live, keyOf({ tabId: sender.tabId, frameId: sender.frameId, documentId, id: r.id }))).length;
    if (mine.length + added > MAX_PER_FRAME || tab.length + added > MAX_PER_TAB || all.length + added > MAX_LIVE) {
      throw new MessageError("QuotaExceededError", "too many live captures");
    }
    const now = Date.now();
    for (const r of captures as TrackReport[]) {
      const capture: LiveCapture = {
        id: r.id, tabId: sender.tabId, frameId: sender.frameId, documentId,
        origin: sender.origin, topOrigin: sender.topOrigin !== sender.origin ? sender.topOrigin : null,
        kind: r.kind, label: r.label.slice(0, MAX_LABEL), startedAt: now - clampAgo(r.ago, r.resumed ? MAX_RESUMED_AGO : MAX_AGO),
      };
      if (r.ptz) capture.ptz = true;
      if (sender.incognito) capture.incognito = true;
      const key = keyOf(capture);
      if (!recentlyEnded.has(key)) live[key] ??= capture;
    }
    return null;
  }).then(async () => {
    // The tab's close or navigation may have come before this report, while nothing else of the
    // tab was in use (./navigation-watch.ts): the worker was not listening then. Only the
    // sender's document is in question.
    if (!(await frameAlive(sender))) await endWhere(senders);
    return null;
  });
}

/** Content call `tracking.ended`: only the sender's own frame and document. */
export async function capturesEnded(params: unknown, sender: ContentSender): Promise<null> {
  const ended = (params as { ended?: unknown } | null)?.ended;
  if (!Array.isArray(ended) || ended.length > MAX_PER_FRAME || !ended.every(isTrackEnd)) throw new MessageError("TypeError", "malformed ends");
  const documentId = sender.documentId ?? null;
  const now = Date.now();
  const ago = new Map((ended as TrackEnd[]).map((e) => [e.id, clampAgo(e.ago)]));
  const here = (c: LiveCapture) => c.tabId === sender.tabId && c.frameId === sender.frameId && c.documentId === documentId;
  const ptzLeft = await changeRegistry((live, endedOut) => {
    // Also the ends of captures whose start has not arrived (a dropped start is sent again).
    for (const id of ago.keys()) rememberEnd(keyOf({ tabId: sender.tabId, frameId: sender.frameId, documentId, id }), now);
    endIn(live, endedOut, (c) => here(c) && ago.has(c.id), (c) => now - ago.get(c.id)!);
    return Object.values(live).some((c) => here(c) && c.ptz);
  });
  // The frame's last PTZ capture ended: its PTZ session ends (control passes on at once).
  if (!ptzLeft) ptzFrameEnded(sender.tabId, sender.frameId, sender.documentId);
  return null;
}

/** Content call `tracking.state`: changes the sender's own frame and document's entries only. */
export async function capturesState(params: unknown, sender: ContentSender): Promise<null> {
  const states = (params as { states?: unknown } | null)?.states;
  if (!Array.isArray(states) || states.length > MAX_PER_FRAME || !states.every(isTrackState)) {
    throw new MessageError("TypeError", "malformed capture states");
  }
  return changeRegistry((live) => {
    const documentId = sender.documentId ?? null;
    for (const s of states as TrackState[]) {
      const capture = live[keyOf({ tabId: sender.tabId, frameId: sender.frameId, documentId, id: s.id })];
      if (!capture) continue;
      capture.muted = s.muted;
      capture.paused = s.paused;
    }
    return null;
  });
}

/** Ends the entries whose document no longer exists (a crash, a removed iframe, a missed event). */
export async function verify(tabId?: number): Promise<void> {
  const live = await loadLive();
  const gone = new Set<string>();
  const tabs = new Map<number, Promise<boolean>>();
  await Promise.all(Object.entries(live).map(async ([key, c]) => {
    if (tabId !== undefined && c.tabId !== tabId) return;
    if (!tabs.has(c.tabId)) tabs.set(c.tabId, tabAlive(c.tabId));
    if (!(await tabs.get(c.tabId)) || !(await frameExists({ ...c, documentId: c.documentId ?? undefined }))) gone.add(key);
  }));
  if (gone.size) await endWhere((c) => gone.has(keyOf(c)));
  else if (tabId === undefined) await serialized(async () => updateBadge(await loadLive()));
}

async function liveNow(): Promise<LiveGroup[]> {
  await verify();
  return groupLive(await loadLive());
}

/** UI call `ui.tracking.stop`: ends the captures of one row of the popup (tab, site, device). */
async function stopGroup(message: Record<string, unknown>): Promise<number> {
  const { tabId, origin, kind, label } = message;
  if (!Number.isInteger(tabId) || typeof origin !== "string" || (kind !== "audio" && kind !== "video") || typeof label !== "string") {
    throw new MessageError("TypeError", "malformed stop request");
  }
  const live = await loadLive();
  const targets = new Map<string, { tabId: number; frameId: number; documentId?: string; ids: string[] }>();
  for (const c of Object.values(live)) {
    if (c.tabId !== tabId || c.origin !== origin || c.kind !== kind || c.label !== label) continue;
    const frameKey = `${c.frameId}/${c.documentId ?? ""}`;
    const target = targets.get(frameKey) ?? { tabId: c.tabId, frameId: c.frameId, documentId: c.documentId ?? undefined, ids: [] };
    target.ids.push(c.id);
    targets.set(frameKey, target);
  }
  // The frames end the tracks and report them ended, like any other end.
  await Promise.all([...targets.values()].map(({ ids, ...frame }) => pushToFrame(frame, "tracking.stop", { ids })));
  return [...targets.values()].reduce((n, t) => n + t.ids.length, 0);
}

async function goToTab(message: Record<string, unknown>): Promise<void> {
  const { tabId } = message;
  if (!Number.isInteger(tabId)) throw new MessageError("TypeError", "tabId must be an integer");
  const tab = await browser.tabs.update(tabId as number, { active: true });
  if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
}

/** Clears or changes the history, with the ended captures still waiting to be written. */
const changeHistory = (change: (h: StoredHistory) => StoredHistory): Promise<StoredHistory> => enqueue({ history: change });

/** The warm sites' registration from the stored history (after an install, update or browser
 * start: the registered script's file may have moved). */
export const registerWarmSites = async (): Promise<void> => syncWarmSites((await readHistory()).entries, true);

/** The history as the options page shows it, with the ended captures not written yet. */
async function historyNow(): Promise<StoredHistory> {
  const [history, pending] = await Promise.all([readHistory(), loadPending()]);
  return addEntries(history, pending, Date.now());
}

export const trackingContentHandlers = {
  "tracking.started": capturesStarted,
  "tracking.ended": capturesEnded,
  "tracking.state": capturesState,
};

export const trackingUiHandlers: Record<string, (message: Record<string, unknown>) => Promise<unknown>> = {
  "ui.tracking.live": async () => ({ now: Date.now(), groups: await liveNow() }),
  "ui.tracking.stop": stopGroup,
  "ui.tracking.goToTab": goToTab,
  "ui.history.get": historyNow,
  "ui.history.clear": async (message) => {
    const origin = message.origin;
    if (origin !== undefined && typeof origin !== "string") throw new MessageError("TypeError", "origin must be a string");
    const cleared = await changeHistory((h) => clearHistory(h, origin as string | undefined));
    // All of it: the copies kept of unreadable history go too (they would still hold it).
    if (origin === undefined) await removeBackups("history");
    return cleared;
  },
  "ui.history.setRetention": async (message) => {
    if (!isRetentionDays(message.days)) throw new MessageError("TypeError", "retention must be 1 to 3650 days");
    return changeHistory((h) => ({ ...h, retentionDays: message.days as number }));
  },
};

/** Listeners at the worker's top level (they wake a stopped worker), and the reconciliation with
 * the tabs that still exist, which runs on every worker start. */
export function startTracking(): void {
  onWatchedTabRemoved((tabId) => {
    void serialized(() => toolbarTabClosed(tabId));
    void endWhere((c) => c.tabId === tabId);
  });
  onWatchedTabReplaced((_added, removed) => void endWhere((c) => c.tabId === removed));
  // A crashed renderer (sad tab) or a discarded tab.
  onWatchedTabUpdated((tabId, change) => {
    if (change.status === "unloaded") void endWhere((c) => c.tabId === tabId);
  });
  onNavigationCommitted((details) => {
    const documentId = (details as { documentId?: string }).documentId ?? null;
    // A new top-level document: Chrome has dropped the tab's own toolbar icon and title.
    if (details.frameId === 0) void serialized(() => toolbarTabNavigated(details.tabId));
    void enqueue<number>({ onlyTab: details.tabId,
      registry: (live, ended) => endIn(live, ended, (c) => c.tabId === details.tabId && c.frameId === details.frameId && c.documentId !== documentId) })
      // A document's own iframes went with it.
      .then(() => details.frameId === 0 ? verify(details.tabId) : undefined);
  });
  void verify();
  // Whether a tab has toolbar values of its own (./navigation-watch.ts).
  void serialized(loadToolbarState);
  // Ended captures a stopped worker had not written to the history yet.
  void changeRegistry(() => undefined).catch(() => undefined);
}
