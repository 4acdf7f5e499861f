/**
 * The one place where messages enter the service worker. It decides who is talking from the
 * `sender` Chrome attaches (never from the payload), validates the message, and dispatches to a
 * handler map. Content scripts can only reach content handlers; only the extension's own pages
 * reach UI handlers.
 */
import browser, { type Runtime } from "webextension-polyfill";
import type { PushTopic } from "../../src/bridge/protocol";
import type { PagePushMessage } from "../lib/messages";
import { originOf } from "../lib/origin";

export interface ContentSender {
  /** The frame's origin as Chrome reports it. */
  origin: string;
  tabId: number;
  frameId: number;
  documentId: string | undefined;
  /** Origin of the tab's top-level document. */
  topOrigin: string | null;
  /** The tab is in a private (incognito) window: nothing of it is kept after the session. */
  incognito?: boolean;
  /** Chrome's lifecycle of the sender's document: "prerender" for a page the user has not gone to yet. */
  lifecycle?: string;
}

export type ContentHandlers = Record<string, (params: unknown, sender: ContentSender) => Promise<unknown>>;
export type UiHandlers = Record<string, (message: Record<string, unknown>) => Promise<unknown>>;

export class MessageError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}


export function startMessenger(content: ContentHandlers, ui: UiHandlers): void {
  const extensionOrigin = new URL(browser.runtime.getURL("")).origin;
  browser.runtime.onMessage.addListener(((message: unknown, sender: Runtime.MessageSender) => {
    if (sender.id !== browser.runtime.id) return undefined;
    if (typeof message !== "object" || message === null || Array.isArray(message)) return undefined;
    const { type } = message as { type?: unknown };
    if (typeof type !== "string") return undefined;
    const senderOrigin = (sender as { origin?: string }).origin ?? originOf(sender.url);
    if (senderOrigin === extensionOrigin && originOf(sender.url) === extensionOrigin) {
      const handler = Object.hasOwn(ui, type) ? ui[type] : undefined;
      if (!handler) return Promise.reject(new MessageError("NotSupportedError", `unknown call ${type}`));
      return handler(message as Record<string, unknown>);
    }
    // Everything else is a content script speaking for a page.
    const handler = Object.hasOwn(content, type) ? content[type] : undefined;
    if (!handler || !sender.tab || sender.tab.id === undefined || !senderOrigin) return undefined;
    const who: ContentSender = {
      origin: senderOrigin,
      tabId: sender.tab.id,
      frameId: sender.frameId ?? 0,
      documentId: (sender as { documentId?: string }).documentId,
      topOrigin: originOf(sender.tab.url),
      incognito: sender.tab.incognito === true,
      lifecycle: (sender as { documentLifecycle?: string }).documentLifecycle,
    };
    // Errors travel as values: a rejection would reach the page without its DOMException name.
    return handler((message as { params?: unknown }).params, who).catch((error: unknown) => ({
      $error: {
        name: error instanceof MessageError ? error.name : "AbortError",
        message: error instanceof MessageError ? error.message : "Capture Control could not handle the request.",
      },
    }));
  }) as Parameters<typeof browser.runtime.onMessage.addListener>[0]);
}

/** Where a message for one frame goes: its tab, frame and (when known) document. */
export interface FrameTarget {
  tabId: number;
  frameId: number;
  documentId?: string;
}

/** Sends `message` to one frame's isolated-world bridge; frames that are gone are ignored. The
 * document id keeps a message from reaching a newer document in the same frame. */
export async function sendToFrame(target: FrameTarget, message: unknown): Promise<void> {
  const options: { frameId: number; documentId?: string } = { frameId: target.frameId };
  if (target.documentId) options.documentId = target.documentId;
  await browser.tabs.sendMessage(target.tabId, message, options as never).catch(() => undefined);
}

/** Sends `data` under `topic` to one frame's main world (through its isolated-world bridge, which
 * listens once the page has used a media API). */
export function pushToFrame(target: FrameTarget, topic: PushTopic, data: unknown): Promise<void> {
  const message: PagePushMessage = { type: "page.push", topic, data };
  return sendToFrame(target, message);
}

/** A tab whose renderer crashed (or was discarded) keeps its frames in webNavigation but has
 * status "unloaded", and Chrome fires no event for a crash (measured, Chromium 156). */
export async function tabAlive(tabId: number): Promise<boolean> {
  const tab = await browser.tabs.get(tabId).catch(() => undefined);
  return !!tab && tab.status !== "unloaded";
}

/** Whether Chrome still knows the frame's document (not whether its tab crashed: see tabAlive). */
export async function frameExists(target: FrameTarget): Promise<boolean> {
  try {
    const details: { tabId: number; frameId: number; documentId?: string } = { tabId: target.tabId, frameId: target.frameId };
    if (target.documentId) details.documentId = target.documentId;
    const frame = await chrome.webNavigation.getFrame(details);
    return !!frame && !frame.errorOccurred;
  } catch {
    return false;
  }
}

/** The frame's document is still there and its renderer has not crashed. */
export async function frameAlive(target: FrameTarget): Promise<boolean> {
  return await tabAlive(target.tabId) && await frameExists(target);
}
