/**
 * The device-picker prompt queue. A frame's getUserMedia with "user-chooses" semantics (and more
 * than one device left) arrives here as a `picker.open` call; the service worker opens the picker
 * (extension/picker/, a popup window the page cannot draw over, read or click) and answers the
 * frame later with an `rpc.result` push addressed by tab, frame and document.
 *
 * All state is in chrome.storage.session, so a worker restart while the picker is open loses
 * nothing: the picker page, the window and tab listeners all find the prompt again by its id.
 * One picker per tab at a time; further requests from that tab wait their turn.
 */
import browser from "webextension-polyfill";
import { serialQueue } from "./serial";
import {
  CAPTURE_KINDS, isPickerChoice, type PickerChoice, type PickerRequest,
  type PromptView,
} from "../lib/picker";
import type { RpcResultMessage } from "../lib/messages";
import { isPickerAsk, planPicker } from "../lib/picker-plan";
import { isInt, isOptionalString, isStringOrNull, parseEntries, readChecked } from "./checked-storage";
import { frameAlive, MessageError, sendToFrame, type ContentSender } from "./messenger";
import { canKeepPermission, getSitePermission, grantForPicker } from "./permissions";
import { rememberDevice, rememberedFor } from "./remembered";
import { getSiteSettings, setSiteSettings } from "./settings-store";
import type { PtzPolicy } from "../../src/bridge/protocol";
import { onNavigationCommitted, onWatchedTabRemoved, onWatchedTabUpdated, watchedCollection } from "./navigation-watch";
import { tabIndex } from "./tab-index";

export const PROMPTS_KEY = "prompts";
/** Requests one tab may have waiting; more are refused (a page cannot flood the user). */
const MAX_PER_TAB = 4;
/** The most a picker request may hold, as JSON: the constraints of any real page fit many times. */
const MAX_ASK_LENGTH = 32_000;
const PICKER_PATH = "extension/picker/index.html";

export interface Prompt {
  id: string;
  tabId: number;
  frameId: number;
  documentId: string | undefined;
  origin: string;
  topOrigin: string | null;
  request: PickerRequest;
  /** The PTZ question the picker asks too (the site's PTZ setting was Ask). */
  ptz?: { browser: string };
  /** The site's PTZ setting, when the request asked for PTZ and the setting already answers it. */
  ptzPolicy?: PtzPolicy;
  createdAt: number;
  /** Set when the picker's Allow does not set the browser's permission: for a frame another site
   * embeds (Chrome's permission is the top-level site's, and its own prompt names that site), or
   * an origin the browser cannot keep a permission for. The browser then asks itself. */
  noGrant?: true;
  /** Asked from a private (incognito) window: nothing of it is stored (no grant, no remembered
   * device, no PTZ answer), the page just gets what the user chose. */
  incognito?: true;
  /** Set once the picker window is open. */
  windowId: number | null;
  /** The user's answer, stored before it is carried out: a worker stopped in between carries it
   * out when it starts again (the page never waits for an answer that was lost). */
  answer?: Answer;
}

interface Answer {
  choice: PickerChoice | null;
  remember: boolean;
  /** With choice null: no device satisfies this constraint of the page. */
  overconstrained?: string;
  /** The PTZ question's checkbox, when the picker asked it. */
  ptz?: boolean;
}

const isAnswer = (v: unknown): v is Answer => typeof v === "object" && v !== null &&
  ((v as Answer).choice === null || isPickerChoice((v as Answer).choice)) && typeof (v as Answer).remember === "boolean" &&
  ((v as Answer).overconstrained === undefined || typeof (v as Answer).overconstrained === "string") &&
  ((v as Answer).ptz === undefined || typeof (v as Answer).ptz === "boolean");

type Prompts = Record<string, Prompt>;

const serialized = serialQueue();

function isPrompt(key: string, v: unknown): v is Prompt {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  return p.id === key && isInt(p.tabId) && isInt(p.frameId) && isOptionalString(p.documentId) && typeof p.origin === "string" &&
    isStringOrNull(p.topOrigin) && typeof p.request === "object" && p.request !== null && Number.isFinite(p.createdAt) &&
    (p.windowId === null || isInt(p.windowId)) && (p.answer === undefined || isAnswer(p.answer));
}

/** The queue; requests that cannot be read are backed up and reported (checked-storage.ts). */
const index = tabIndex<Prompts>((prompts) => Object.values(prompts).map((p) => p.tabId), watchedCollection("picker prompts"));
const load = (): Promise<Prompts> => index.load(() =>
  readChecked("session", PROMPTS_KEY, (raw) => parseEntries(raw, isPrompt, "waiting device picker requests")));

const save = (prompts: Prompts) => index.save(prompts, (value) => browser.storage.session.set({ [PROMPTS_KEY]: value }));

function byAge(prompts: Prompts, tabId: number): Prompt[] {
  return Object.values(prompts).filter((p) => p.tabId === tabId).sort((a, b) => a.createdAt - b.createdAt);
}

async function showWindow(prompt: Prompt): Promise<number | null> {
  const win = await browser.windows.create({
    type: "popup",
    url: browser.runtime.getURL(`${PICKER_PATH}?prompt=${encodeURIComponent(prompt.id)}`),
    width: 440,
    height: 620,
    focused: true,
  }).catch(() => null);
  return win?.id ?? null;
}

/** Marks the oldest waiting prompt of the tab for showing if none is showing. Runs inside
 * `serialized`; the caller saves, then opens the windows with `openWindows`. Saving first matters:
 * the picker page asks for its prompt as soon as it loads, and must find it. */
function showNext(prompts: Prompts, tabId: number): Prompt[] {
  const waiting = byAge(prompts, tabId);
  if (!waiting.length || waiting.some((p) => p.windowId !== null)) return [];
  waiting[0].windowId = OPENING;
  return [waiting[0]];
}

/** A window id that no real window has: the prompt's window is being opened. */
const OPENING = -1;

/** Opens the windows of prompts `showNext` marked, records their ids, and returns the prompts
 * whose window could not be opened (or was closed before Chrome said it was open): those fail
 * like a dismissal. */
async function openWindows(marked: Prompt[]): Promise<Prompt[]> {
  const failed: Prompt[] = [];
  const queue = [...marked];
  for (let prompt = queue.shift(); prompt; prompt = queue.shift()) {
    const windowId = await showWindow(prompt);
    const id = prompt.id;
    const recorded = await serialized(async () => {
      const prompts = await load();
      const current = prompts[id];
      if (!current || current.windowId !== OPENING) return false;
      if (windowId === null || !(await windowOpen(windowId))) {
        delete prompts[id];
        failed.push(current);
        queue.push(...showNext(prompts, current.tabId));
      } else {
        current.windowId = windowId;
      }
      await save(prompts);
      return true;
    });
    // The prompt was answered or dismissed while its window opened: the window has nothing to show.
    if (!recorded) await closeWindow(windowId);
  }
  return failed;
}

const windowOpen = (windowId: number) => browser.windows.get(windowId).then(() => true, () => false);

const deliver = (prompt: Prompt, message: RpcResultMessage) => sendToFrame(prompt, message);

const refusal = (id: string, name: string, message: string): RpcResultMessage =>
  ({ type: "rpc.result", deferredId: id, ok: false, error: { name, message } });

async function closeWindow(windowId: number | null): Promise<void> {
  if (windowId !== null && windowId !== OPENING) await browser.windows.remove(windowId).catch(() => undefined);
}

/** Content call `picker.open`: `{native: true}` when the browser may choose, else queues the
 * prompt and answers `{$deferred: id}`. */
export async function openPicker(params: unknown, sender: ContentSender):
  Promise<{ $deferred: string } | { native: true; ptz?: PtzPolicy } | PickerChoice> {
  // (Bounded: the prompt waits in chrome.storage.session, which all sites share.)
  if (!isPickerAsk(params) || JSON.stringify(params).length > MAX_ASK_LENGTH) throw new MessageError("TypeError", "malformed picker request");
  // An opaque origin (a sandboxed frame without allow-same-origin) cannot capture: the browser
  // refuses it with a SecurityError. No picker, and no grant for the site that embeds it.
  if (sender.origin === "null") return { native: true };
  // A page being prerendered (the user has not gone to it): no window of ours for it. The browser
  // holds its call until the page is shown, and then chooses.
  if (sender.lifecycle === "prerender") return { native: true };
  const plan = planPicker(params);
  // PTZ asked along: the site's setting now (it may have changed since the page last heard it).
  const ptz = params.ptz ? (await getSiteSettings(sender.origin)).ptz : undefined;
  // No picker needed: the page asks the PTZ prompt itself when the answer is still "ask". A kind
  // narrowed to one device gets that one, as if the user had picked it (without a PTZ question:
  // a choice would answer it).
  if (plan.native) {
    if (plan.pin && !params.ptz) return plan.pin;
    return ptz ? { native: true, ptz } : { native: true };
  }
  return serialized(async () => {
    const prompts = await load();
    if (byAge(prompts, sender.tabId).length >= MAX_PER_TAB) {
      throw new MessageError("NotAllowedError", "Too many pending device requests from this tab.");
    }
    const topOrigin = sender.topOrigin !== sender.origin ? sender.topOrigin : null;
    // The site the user sees named is the one the grant is for, or there is none.
    const grantable = !sender.incognito && topOrigin === null && (sender.frameId === 0 || sender.topOrigin === sender.origin) &&
      canKeepPermission(sender.origin);
    const prompt: Prompt = {
      id: crypto.randomUUID(),
      tabId: sender.tabId,
      frameId: sender.frameId,
      documentId: sender.documentId,
      origin: sender.origin,
      topOrigin,
      ...(grantable ? {} : { noGrant: true as const }),
      ...(sender.incognito ? { incognito: true as const } : {}),
      request: plan.request,
      ...(ptz === "ask" ? { ptz: { browser: params.ptz!.browser } } : {}),
      ...(ptz && ptz !== "ask" ? { ptzPolicy: ptz } : {}),
      createdAt: Date.now(),
      windowId: null,
    };
    prompts[prompt.id] = prompt;
    const marked = showNext(prompts, sender.tabId);
    await save(prompts);
    return { prompt, marked };
  }).then(async ({ prompt, marked }) => {
    const failed = await openWindows(marked);
    if (failed.some((p) => p.id === prompt.id)) {
      throw new MessageError("NotAllowedError", "Permission dismissed");
    }
    return { $deferred: prompt.id };
  });
}

/** Whose browser permission covers the prompt's frame: the tab's top-level site. */
const permissionOrigin = (prompt: Prompt): string => prompt.topOrigin ?? prompt.origin;

/** UI call `ui.picker.get`: what the picker shows. */
export async function promptView(promptId: unknown): Promise<PromptView> {
  const prompt = typeof promptId === "string" ? (await load())[promptId] : undefined;
  if (!prompt) throw new MessageError("NotFoundError", "This request is no longer waiting.");
  const kinds = CAPTURE_KINDS.filter((k) => prompt.request[k]);
  const permission = { video: "ask", audio: "ask" } as PromptView["permission"];
  for (const kind of kinds) permission[kind] = await getSitePermission(permissionOrigin(prompt), kind).catch(() => "ask" as const);
  return {
    id: prompt.id,
    origin: prompt.origin,
    topOrigin: prompt.topOrigin,
    request: prompt.request,
    remembered: await rememberedFor(prompt.origin),
    permission,
    grants: !prompt.noGrant,
    ...(prompt.incognito ? { incognito: true } : {}),
    ...(prompt.ptz ? { ptz: prompt.ptz } : {}),
  };
}

/** Removes a prompt and returns it, opening the tab's next one. */
function take(promptId: string): Promise<{ prompt: Prompt | undefined; failed: Prompt[] }> {
  return serialized(async () => {
    const prompts = await load();
    const prompt = prompts[promptId];
    if (!prompt) return { prompt: undefined, marked: [] as Prompt[] };
    delete prompts[promptId];
    const marked = showNext(prompts, prompt.tabId);
    await save(prompts);
    return { prompt, marked };
  }).then(async ({ prompt, marked }) => ({ prompt, failed: prompt ? await openWindows(marked) : [] }));
}

async function failAll(prompts: Prompt[]): Promise<void> {
  for (const p of prompts) await deliver(p, refusal(p.id, "NotAllowedError", "Permission dismissed"));
}

/** UI call `ui.picker.answer`: the user's choice (null: Cancel). */
export async function answerPrompt(
  promptId: unknown, choice: unknown, remember: unknown, overconstrained?: unknown, ptzAnswer?: unknown,
): Promise<void> {
  if (typeof promptId !== "string") throw new MessageError("TypeError", "promptId must be a string");
  if (overconstrained !== undefined && (choice !== null || typeof overconstrained !== "string" ||
    !/^[A-Za-z]{0,64}$/.test(overconstrained))) {
    throw new MessageError("TypeError", "overconstrained must name a constraint, with no choice");
  }
  if (choice !== null && !isPickerChoice(choice)) throw new MessageError("TypeError", "malformed choice");
  const current = (await load())[promptId];
  if (!current) throw new MessageError("NotFoundError", "This request is no longer waiting.");
  const kinds = CAPTURE_KINDS.filter((k) => current.request[k]);
  if (choice && (kinds.some((k) => !choice[k]) || CAPTURE_KINDS.some((k) => choice[k] && !current.request[k]))) {
    throw new MessageError("TypeError", "the choice must name one device for each requested kind");
  }
  const answer: Answer = { choice: choice as PickerChoice | null, remember: remember === true };
  if (typeof overconstrained === "string") answer.overconstrained = overconstrained;
  if (typeof ptzAnswer === "boolean") answer.ptz = ptzAnswer;
  const stored = await serialized(async () => {
    const prompts = await load();
    const prompt = prompts[promptId];
    if (!prompt || prompt.answer) return false;
    prompt.answer = answer;
    await save(prompts);
    return true;
  });
  if (!stored) throw new MessageError("NotFoundError", "This request is no longer waiting.");
  await carryOut(promptId);
}

/** Carries out a stored answer (again, after a worker restart: each step may safely run twice),
 * then removes the prompt, closes its window and opens the tab's next one. */
async function carryOut(promptId: string): Promise<void> {
  const prompt = (await load())[promptId];
  if (!prompt?.answer) return;
  const { choice, remember, overconstrained, ptz: ptzAnswer } = prompt.answer;
  const kinds = CAPTURE_KINDS.filter((k) => prompt.request[k]);
  if (choice) {
    // One prompt, not two: the picker's Allow also gives the site the browser's permission. For an
    // iframe, Chrome checks the top-level site's permission (the iframe's `allow` delegates it).
    // grantForPicker leaves kinds that are already allowed alone, and a remembered choice turns an
    // earlier one-time grant into a lasting one.
    // What cannot be carried out (the storage is full, say) is left out, this time: the page still
    // gets its devices, and the browser asks for what was not granted. A prompt that stayed would
    // keep its tab's later requests waiting for good.
    const warn = (what: string) => (e: unknown) => console.warn(`Capture Control: ${what}`, e);
    if (!prompt.noGrant) await grantForPicker(permissionOrigin(prompt), kinds, { persistent: remember }).catch(warn("no grant"));
    if (remember && !prompt.incognito) {
      for (const kind of kinds) await rememberDevice(prompt.origin, kind, choice[kind]!.label).catch(warn("not remembered"));
    }
    // The PTZ question: ticked is the PTZ prompt's Allow (remembered for the site); left
    // unticked, this request goes without PTZ and the site stays at Ask.
    let ptz = prompt.ptzPolicy;
    if (prompt.ptz) {
      ptz = ptzAnswer === true ? "allow" : "block";
      if (ptz === "allow" && !prompt.incognito) await setSiteSettings(prompt.origin, { ptz: "allow" }).catch(warn("PTZ not remembered"));
    }
    const value = ptz ? { ...choice, ptz } : choice;
    await deliver(prompt, { type: "rpc.result", deferredId: prompt.id, ok: true, value });
  } else if (overconstrained !== undefined) {
    // The page's OverconstrainedError: `message` carries the constraint's name.
    await deliver(prompt, refusal(prompt.id, "OverconstrainedError", overconstrained));
  } else {
    await deliver(prompt, refusal(prompt.id, "NotAllowedError", "Permission denied"));
  }
  const { failed } = await take(promptId);
  await closeWindow(prompt.windowId);
  await failAll(failed);
}

/** Ends prompts matching `match` with NotAllowedError, closing their windows (those the user
 * answered are carried out instead). */
async function dismissWhere(match: (p: Prompt) => boolean, onlyTab?: number): Promise<void> {
  const { gone, marked, answered } = await serialized(async () => {
    if (!index.mayHave(onlyTab)) return { gone: [] as Prompt[], marked: [] as Prompt[], answered: [] as Prompt[] };
    const prompts = await load();
    const answered = Object.values(prompts).filter((p) => match(p) && p.answer);
    const gone = Object.values(prompts).filter((p) => match(p) && !p.answer);
    if (!gone.length) return { gone, marked: [] as Prompt[], answered };
    for (const p of gone) delete prompts[p.id];
    const marked: Prompt[] = [];
    for (const tabId of new Set(gone.map((p) => p.tabId))) marked.push(...showNext(prompts, tabId));
    await save(prompts);
    return { gone, marked, answered };
  });
  for (const p of answered) await carryOut(p.id);
  // Always told: a frame that is gone ignores it, and the document id keeps it from a newer page.
  for (const p of gone) {
    await deliver(p, refusal(p.id, "NotAllowedError", "Permission dismissed"));
    await closeWindow(p.windowId);
  }
  await failAll(await openWindows(marked));
}

/** UI call `ui.picker.check`, made every second by an open picker: whether its request still
 * waits. A page whose renderer crashed sends nothing and Chrome fires no event for it: this is how
 * its picker closes (with nothing to answer). */
export async function checkPrompt(promptId: unknown): Promise<boolean> {
  const prompt = typeof promptId === "string" ? (await load())[promptId] : undefined;
  if (!prompt) return false;
  if (await frameAlive(prompt)) {
    misses.delete(prompt.id);
    return true;
  }
  // Twice in a row before the picker goes: one answer from a busy browser is not enough.
  const missed = (misses.get(prompt.id) ?? 0) + 1;
  misses.set(prompt.id, missed);
  if (missed < 2) return true;
  misses.delete(prompt.id);
  await dismissWhere((p) => p.id === prompt.id);
  return false;
}

/** Failed checks in a row, per prompt (lost with the worker: it only delays a dismissal). */
const misses = new Map<string, number>();

/** After a worker stop: prompts whose window was being opened get the window Chrome opened for
 * them, or a new one. */
async function recoverOpening(): Promise<void> {
  const opening = Object.values(await load()).filter((p) => p.windowId === OPENING && !p.answer);
  if (!opening.length) return;
  const contexts = await chrome.runtime.getContexts({ contextTypes: [chrome.runtime.ContextType.TAB] }).catch(() => []);
  const reopen: Prompt[] = [];
  await serialized(async () => {
    const prompts = await load();
    for (const { id } of opening) {
      const prompt = prompts[id];
      if (!prompt || prompt.windowId !== OPENING) continue;
      const shown = contexts.find((c) => c.documentUrl?.includes(`prompt=${encodeURIComponent(id)}`));
      if (shown && shown.windowId >= 0) prompt.windowId = shown.windowId;
      else reopen.push(prompt);
    }
    await save(prompts);
  });
  await failAll(await openWindows(reopen));
}

/** Window, tab and navigation listeners; registered at the worker's top level so that they wake
 * a stopped worker. */
export function startPromptListeners(): void {
  // Answers a stopped worker had not carried out yet.
  void load().then((prompts) => Promise.all(Object.values(prompts).filter((p) => p.answer).map((p) => carryOut(p.id))))
    .catch(() => undefined);
  void recoverOpening().catch(() => undefined);
  // The user closed the picker window: a dismissal.
  browser.windows.onRemoved.addListener((windowId) => void dismissWhere((p) => p.windowId === windowId));
  // The tab went away: nothing to answer, the picker closes.
  onWatchedTabRemoved((tabId) => void dismissWhere((p) => p.tabId === tabId));
  // A discarded tab (status "unloaded"); crashes fire nothing, see checkPrompt.
  onWatchedTabUpdated((tabId, change) => {
    if (change.status === "unloaded") void dismissWhere((p) => p.tabId === tabId);
  });
  // The asking document went away (navigation or reload of it or of its tab).
  onNavigationCommitted((details) => {
    void dismissWhere((p) => p.tabId === details.tabId && (details.frameId === 0 || p.frameId === details.frameId), details.tabId);
  });
}
