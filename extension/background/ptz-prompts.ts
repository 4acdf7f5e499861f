/**
 * The PTZ permission: a page's getUserMedia that asks for pan/tilt/zoom arrives as `ptz.request`.
 * The site's setting answers at once when it is Allow or Block; with Ask, the service worker opens
 * the PTZ prompt (extension/ptz-prompt/, a window the page cannot reach), remembers the answer in
 * the site's settings and answers every waiting frame with an `rpc.result` push.
 *
 * Same design as the device picker's queue (prompts.ts): all state in chrome.storage.session, so a
 * worker restart between the prompt and the answer loses nothing. One prompt per site: requests
 * of the same site made while it is open wait for the same answer (never two prompts for one).
 */
import browser from "webextension-polyfill";
import type { PtzPolicy } from "../../src/bridge/protocol";
import type { RpcResultMessage } from "../lib/messages";
import type { PtzPromptView } from "../lib/ptz";
import { isInt, isOptionalString, isStringOrNull, parseEntries, readChecked } from "./checked-storage";
import { frameAlive, MessageError, sendToFrame, type ContentSender } from "./messenger";
import { getSiteSettings, setSiteSettings } from "./settings-store";
import { serialQueue } from "./serial";
import { onNavigationCommitted, onWatchedTabRemoved, onWatchedTabUpdated, watchedCollection } from "./navigation-watch";
import { tabIndex } from "./tab-index";

const KEY = "ptzPrompts";
const PAGE = "extension/ptz-prompt/index.html";
/** Requests that may wait on one prompt; more are refused (a page cannot flood the queue). */
const MAX_WAITING = 8;
/** Prompts (one per site) that requests from one tab may have open at once: a page whose frames
 * come from many sites (other subdomains or ports) cannot open a window for each. */
const MAX_PROMPTS_PER_TAB = 2;

interface Waiter { deferredId: string; tabId: number; frameId: number; documentId: string | undefined }

interface PtzPrompt {
  id: string;
  origin: string;
  topOrigin: string | null;
  browser: string;
  waiters: Waiter[];
  windowId: number | null;
  /** The user's answer, stored before it is carried out (see carryOut). */
  answer?: "allow" | "block";
  /** Asked from a private window: the answer is given, not remembered. */
  incognito?: true;
}
type PtzPrompts = Record<string, PtzPrompt>;

const serialized = serialQueue();

const isWaiter = (v: unknown): v is Waiter => typeof v === "object" && v !== null &&
  typeof (v as Waiter).deferredId === "string" && isInt((v as Waiter).tabId) && isInt((v as Waiter).frameId) &&
  isOptionalString((v as Waiter).documentId);

function isPtzPrompt(key: string, v: unknown): v is PtzPrompt {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  return p.id === key && typeof p.origin === "string" && isStringOrNull(p.topOrigin) && typeof p.browser === "string" &&
    Array.isArray(p.waiters) && p.waiters.every(isWaiter) && (p.windowId === null || isInt(p.windowId)) &&
    (p.answer === undefined || p.answer === "allow" || p.answer === "block");
}

/** The prompts; those that cannot be read are backed up and reported (checked-storage.ts). */
const index = tabIndex<PtzPrompts>((prompts) => Object.values(prompts).flatMap((p) => p.waiters.map((w) => w.tabId)),
  watchedCollection("PTZ prompts"));
const load = (): Promise<PtzPrompts> =>
  index.load(() => readChecked("session", KEY, (raw) => parseEntries(raw, isPtzPrompt, "waiting PTZ prompts")));
const save = (prompts: PtzPrompts) => index.save(prompts, (value) => browser.storage.session.set({ [KEY]: value }));

async function deliver(waiter: Waiter, ptz: PtzPolicy): Promise<void> {
  const message: RpcResultMessage = { type: "rpc.result", deferredId: waiter.deferredId, ok: true, value: { ptz } };
  await sendToFrame(waiter, message);
}

const closeWindow = (id: number | null) => id === null ? undefined : browser.windows.remove(id).catch(() => undefined);

/** Content call `ptz.request`. */
export async function requestPtz(params: unknown, sender: ContentSender): Promise<{ ptz: PtzPolicy } | { $deferred: string }> {
  const browserState = typeof params === "object" && params !== null ? (params as { browser?: unknown }).browser : undefined;
  // An opaque origin cannot capture at all (see openPicker): no prompt, nothing remembered.
  if (sender.origin === "null") return { ptz: "ask" };
  const { ptz } = await getSiteSettings(sender.origin);
  // (A page being prerendered gets no prompt: the user has not gone to it; not granted this time.)
  if (ptz !== "ask" || sender.lifecycle === "prerender") return { ptz };
  return serialized(async (): Promise<{ ptz: PtzPolicy } | { $deferred: string; open: string | null }> => {
    const prompts = await load();
    const waiter: Waiter = {
      deferredId: crypto.randomUUID(), tabId: sender.tabId, frameId: sender.frameId, documentId: sender.documentId,
    };
    // (A private window's request has a prompt of its own: its answer is not remembered.)
    let prompt = Object.values(prompts).find((p) => p.origin === sender.origin && !p.incognito === !sender.incognito);
    let open: string | null = null;
    // Answered a moment ago, and being carried out: this request has its answer already.
    if (prompt?.answer) return { ptz: prompt.answer };
    if (prompt) {
      if (prompt.waiters.length >= MAX_WAITING) throw new MessageError("NotAllowedError", "Too many pending requests.");
      prompt.waiters.push(waiter);
    } else {
      const fromTab = Object.values(prompts).filter((p) => p.waiters.some((w) => w.tabId === sender.tabId));
      if (fromTab.length >= MAX_PROMPTS_PER_TAB) return { ptz: "ask" as const }; // not granted this time
      prompt = {
        id: crypto.randomUUID(),
        origin: sender.origin,
        topOrigin: sender.topOrigin !== sender.origin ? sender.topOrigin : null,
        browser: browserState === "granted" || browserState === "denied" || browserState === "prompt" ? browserState : "unknown",
        waiters: [waiter],
        windowId: null,
        ...(sender.incognito ? { incognito: true as const } : {}),
      };
      prompts[prompt.id] = prompt;
      open = prompt.id;
    }
    // Saved before the window opens: the prompt page asks for its prompt as soon as it loads.
    await save(prompts);
    return { $deferred: waiter.deferredId, open };
  }).then(async (result) => {
    if (!("$deferred" in result)) return result;
    if (result.open) await openWindow(result.open);
    return { $deferred: result.$deferred };
  });
}

/** Opens a new prompt's window and records it. A window that could not be opened (or was closed
 * before Chrome said it was open) is a closed prompt: its frames are not granted this time. */
async function openWindow(promptId: string): Promise<void> {
  const win = await browser.windows.create({
    type: "popup", url: browser.runtime.getURL(`${PAGE}?prompt=${encodeURIComponent(promptId)}`),
    width: 420, height: 320, focused: true,
  }).catch(() => null);
  const open = win?.id !== undefined && await browser.windows.get(win.id).then(() => true, () => false);
  const recorded = await serialized(async () => {
    const prompts = await load();
    const prompt = prompts[promptId];
    if (!prompt || prompt.answer) return !!prompt;
    if (open) prompt.windowId = win!.id!;
    else delete prompts[promptId];
    await save(prompts);
    return open ? true : prompt;
  });
  if (typeof recorded === "object") for (const w of recorded.waiters) await deliver(w, "ask");
  else if (!recorded && win?.id !== undefined) await closeWindow(win.id);
}

/** UI call `ui.ptzPrompt.get`. */
export async function ptzPromptView(promptId: unknown): Promise<PtzPromptView> {
  const prompt = typeof promptId === "string" ? (await load())[promptId] : undefined;
  if (!prompt) throw new MessageError("NotFoundError", "This request is no longer waiting.");
  return { id: prompt.id, origin: prompt.origin, topOrigin: prompt.topOrigin, browser: prompt.browser, ...(prompt.incognito ? { incognito: true } : {}) };
}

/** Removes the prompts that `match` selects and returns them. */
function take(match: (p: PtzPrompt) => boolean): Promise<PtzPrompt[]> {
  return serialized(async () => {
    const prompts = await load();
    const gone = Object.values(prompts).filter(match);
    for (const p of gone) delete prompts[p.id];
    if (gone.length) await save(prompts);
    return gone;
  });
}

/** UI call `ui.ptzPrompt.answer`: Allow or Block, remembered for the site. */
export async function answerPtzPrompt(promptId: unknown, allow: unknown): Promise<void> {
  if (typeof promptId !== "string" || typeof allow !== "boolean") throw new MessageError("TypeError", "malformed answer");
  const stored = await serialized(async () => {
    const prompts = await load();
    const prompt = prompts[promptId];
    if (!prompt || prompt.answer) return false;
    prompt.answer = allow ? "allow" : "block";
    await save(prompts);
    return true;
  });
  if (!stored) throw new MessageError("NotFoundError", "This request is no longer waiting.");
  await carryOut(promptId);
}

/** Carries out a stored answer: remembered for the site, given to every waiting frame; then the
 * prompt goes. A worker stopped in between does it again when it starts (each step may run twice),
 * so that no page waits for an answer that was lost. */
async function carryOut(promptId: string): Promise<void> {
  const prompt = (await load())[promptId];
  if (!prompt?.answer) return;
  const answer = prompt.answer;
  // An answer that cannot be remembered (the storage is full, say) still answers the frames that
  // wait, this time: a prompt that stayed would keep them and the site waiting for good.
  if (!prompt.incognito) {
    await setSiteSettings(prompt.origin, { ptz: answer }).catch((e: unknown) =>
      console.warn("Capture Control: the PTZ answer could not be remembered", e));
  }
  for (const w of prompt.waiters) await deliver(w, answer);
  const [taken] = await take((p) => p.id === promptId);
  // Frames that joined while this ran (requestPtz answers later ones itself).
  for (const w of taken?.waiters ?? []) if (!prompt.waiters.some((d) => d.deferredId === w.deferredId)) await deliver(w, answer);
  await closeWindow(prompt.windowId);
}

/** Removes the waiters `gone` selects; prompts left without any close. */
function dropWaiters(gone: (w: Waiter) => boolean, onlyTab?: number): Promise<void> {
  return serialized(async () => {
    const empty: PtzPrompt[] = [];
    if (!index.mayHave(onlyTab)) return empty;
    const prompts = await load();
    let changed = false;
    for (const p of Object.values(prompts)) {
      const left = p.waiters.filter((w) => !gone(w));
      if (left.length === p.waiters.length) continue;
      changed = true;
      p.waiters = left;
      if (!p.waiters.length && !p.answer) { // (an answer is still carried out: it is remembered)
        empty.push(p);
        delete prompts[p.id];
      }
    }
    if (changed) await save(prompts);
    return empty;
  }).then((empty) => void Promise.all(empty.map((p) => closeWindow(p.windowId))));
}

/** UI call `ui.ptzPrompt.check`, made every second by an open prompt: whether it still waits.
 * Waiters whose page crashed (Chrome fires no event for that) are dropped. */
export async function checkPtzPrompt(promptId: unknown): Promise<boolean> {
  const prompt = typeof promptId === "string" ? (await load())[promptId] : undefined;
  if (!prompt) return false;
  const dead = new Set<string>();
  for (const w of prompt.waiters) if (!(await frameAlive(w))) dead.add(w.deferredId);
  if (!dead.size) return true;
  await dropWaiters((w) => dead.has(w.deferredId));
  return dead.size < prompt.waiters.length;
}

/** Window, tab and navigation listeners, at the worker's top level so that they wake it. */
export function startPtzPromptListeners(): void {
  // Answers a stopped worker had not carried out yet.
  void load().then((prompts) => Promise.all(Object.values(prompts).filter((p) => p.answer).map((p) => carryOut(p.id))))
    .catch(() => undefined);
  // Closing the prompt: not granted this time, nothing remembered (unless the user had answered).
  browser.windows.onRemoved.addListener((windowId) => void take((p) => p.windowId === windowId && !p.answer).then(async (gone) => {
    for (const p of gone) for (const w of p.waiters) await deliver(w, "ask");
    const answered = Object.values(await load()).filter((p) => p.windowId === windowId && p.answer);
    for (const p of answered) await carryOut(p.id);
  }));
  onWatchedTabRemoved((tabId) => void dropWaiters((w) => w.tabId === tabId));
  // A discarded tab (status "unloaded"); crashes fire nothing, see checkPtzPrompt.
  onWatchedTabUpdated((tabId, change) => {
    if (change.status === "unloaded") void dropWaiters((w) => w.tabId === tabId);
  });
  onNavigationCommitted((d) =>
    void dropWaiters((w) => w.tabId === d.tabId && (d.frameId === 0 || w.frameId === d.frameId), d.tabId));
}
