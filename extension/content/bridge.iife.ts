/**
 * The isolated-world half of the bridge. Runs at document_start in top frames and in every frame of
 * sites with settings of their own (with the flag scripts), and is injected into other frames when
 * their page first uses a feature (each isolated world costs about a millisecond per frame, which a
 * page with many iframes would pay at every load). Costs nothing more until the page's main-world
 * half asks for something: in a top frame even the handshake waits for that (NEED_EVENT).
 */
import { fromJson } from "../../src/lib/json";
import {
  ACK_EVENT, ASK_EVENT, isPageToExtension, isSiteConfig, NEED_EVENT, OFFER_EVENT, SITE_SWITCHES, TO_EXTENSION_EVENT, TO_PAGE_EVENT, WAKE_MESSAGE,
  type ExtensionToPage, type SiteConfig,
} from "../../src/bridge/protocol";
import {
  isContentDeferred, isContentError, isPagePushMessage, isRpcResultMessage, isToContentMessage,
} from "../lib/messages";
import {
  CONNECT_HOOK, FLAG_BLUR_BACKGROUND, FLAG_FRAME_FACE, FLAG_HIDE_LABELS, FLAG_POWER_SAVING, FLAG_USER_CHOOSES, readSiteFlags, WARM_HOOK,
} from "./site-flags/flags";

const node = document.createElement("span");
let pushedConfig: SiteConfig | null = null;
/** Calls the service worker answers later (the picker): deferred id -> the page's request id. */
const deferred = new Map<string, string>();

function currentConfig(): SiteConfig {
  if (pushedConfig) return pushedConfig;
  const flags = readSiteFlags();
  return {
    semantics: flags & FLAG_USER_CHOOSES ? "user-chooses" : "browser-chooses",
    hideLabels: (flags & FLAG_HIDE_LABELS) !== 0,
    powerSaving: (flags & FLAG_POWER_SAVING) !== 0,
    blurBackground: (flags & FLAG_BLUR_BACKGROUND) !== 0,
    frameFace: (flags & FLAG_FRAME_FACE) !== 0,
  };
}

function toPage(message: ExtensionToPage): void {
  // This world's JSON.stringify: the page's prototypes are not this world's (the main world's half
  // needs its own serializer, src/lib/json.ts; this one is native, and fast for the pack's text).
  node.dispatchEvent(new CustomEvent(TO_PAGE_EVENT, { detail: JSON.stringify(message) }));
}


let shook = false;
/** Shakes hands once (a later handshake of this copy would only be ignored). */
function connect(): void {
  if (shook) return;
  shook = true;
  handshake();
}

/** See ASK_EVENT in src/bridge/protocol.ts. The main-world script always runs first (it is
 * declared first; flag scripts and on-demand injections come later still). */
function handshake(): void {
  let connected = false;
  node.addEventListener(OFFER_EVENT, (event) => {
    const host = (event as MouseEvent).relatedTarget;
    if (connected || !(host instanceof HTMLElement)) return;
    const root = chrome.dom.openOrClosedShadowRoot(host);
    if (root instanceof ShadowRoot && !root.firstChild) root.appendChild(node);
  });
  node.addEventListener(ACK_EVENT, () => { connected = true; }, { once: true });
  window.dispatchEvent(new MouseEvent(ASK_EVENT, { relatedTarget: node }));
}

/** Frames of sites without their own settings have no isolated half until they use a feature;
 * they post WAKE_MESSAGE to the top frame, and the service worker injects the half into the
 * frames of that origin (event.origin is set by the browser, not by the page). */
function relayWakeRequests(): void {
  // At most one injection per origin a second; a request within that second (another frame of
  // the origin, made since) is answered by one more injection at its end, not dropped.
  const lastAsked = new Map<string, number>();
  const later = new Set<string>();
  const inject = (origin: string) => {
    lastAsked.set(origin, Date.now());
    chrome.runtime.sendMessage({ type: "bridge.inject", params: { origin } }).catch(() => undefined);
  };
  window.addEventListener("message", (event) => {
    if (event.data !== WAKE_MESSAGE || event.source === window) return;
    const origin = event.origin, since = Date.now() - (lastAsked.get(origin) ?? -Infinity);
    wake();
    if (since >= 1000) return inject(origin);
    if (later.has(origin)) return;
    later.add(origin);
    setTimeout(() => {
      later.delete(origin);
      inject(origin);
    }, 1000 - since);
  });
}

// chrome.* is touched only once the page uses a media API: instantiating the extension bindings
// in every frame of every page is measurable (see the benchmark in the README).
let awake = false;
function wake(): void {
  if (awake) return;
  awake = true;
  chrome.runtime.onMessage.addListener((message: unknown, sender) => {
    // Only the service worker sends here (pages cannot reach chrome.runtime in this world).
    if (sender.id !== chrome.runtime.id || sender.tab) return;
    if (isRpcResultMessage(message)) {
      const id = deferred.get(message.deferredId);
      if (id === undefined) return;
      deferred.delete(message.deferredId);
      toPage(message.ok ? { kind: "reply", id, ok: true, value: message.value } : { kind: "reply", id, ok: false, error: message.error });
      return;
    }
    if (isPagePushMessage(message)) {
      toPage({ kind: "push", topic: message.topic, data: message.data });
      return;
    }
    if (!isToContentMessage(message)) return;
    askConfig();
  });
  // The flags were fixed when this document loaded; settings may have changed since. Asked after
  // the call that woke this half (sent in a microtask), which is usually a first getUserMedia
  // waiting for the pack: the worker reads the settings from storage for this answer.
  setTimeout(askConfig, 0);
}

/** This frame's site's settings now, from the worker (which takes the site from the sender). */
function askConfig(): void {
  chrome.runtime.sendMessage({ type: "site.config" }).then(
    (config: unknown) => { if (isSiteConfig(config)) updateConfig(config); },
    () => undefined,
  );
}

function updateConfig(config: SiteConfig): void {
  const before = currentConfig();
  pushedConfig = config;
  if (before.semantics !== config.semantics || before.hideLabels !== config.hideLabels || before.ptz !== config.ptz ||
      SITE_SWITCHES.some((name) => !before[name] !== !config[name])) {
    toPage({ kind: "configChanged", config });
  }
}

/** The extension was reloaded, updated or removed since this script started: this copy can no
 * longer reach it (the new copy brings its own half, see reconnectOpenPages). */
const orphaned = () => !chrome.runtime?.id;
const unreachable = (id: string) => toPage({
  kind: "reply", id, ok: false, error: { name: "NotSupportedError", message: "Capture Control was reloaded or updated." },
});

node.addEventListener(TO_EXTENSION_EVENT, (event) => {
  const message = fromJson((event as CustomEvent).detail);
  if (!isPageToExtension(message)) return;
  if (orphaned()) {
    // No siteConfig answer: the main world takes that as "gone" and accepts the new half's
    // handshake. Calls fail at once as when the extension cannot be reached (features go native).
    if (message.kind === "rpc") unreachable(message.id);
    return;
  }
  if (message.kind === "siteConfig") toPage({ kind: "siteConfig", config: currentConfig() });
  if (message.kind !== "rpc") {
    // After the page's task: a first getUserMedia asks for the config just before it calls the
    // browser, which should not wait for the extension's bindings to be made here.
    queueMicrotask(wake);
    return;
  }
  wake();
  const { id, call, params } = message;
  const sent = Promise.resolve().then(() => call.startsWith("tracking.") ? report(call, params) : ask(call, params));
  sent.then(
    (value: unknown) => {
      if (isContentDeferred(value)) deferred.set(value.$deferred, id);
      else if (isContentError(value)) toPage({ kind: "reply", id, ok: false, error: value.$error });
      else toPage({ kind: "reply", id, ok: true, value });
    },
    (error: unknown) => {
      if (orphaned()) unreachable(id); // invalidated between the check and the call
      else toPage({ kind: "reply", id, ok: false, error: { name: "AbortError", message: (error as Error).message } });
    },
  );
});

/** The worker's answer. Every handler answers something (null at least): a worker that stopped
 * before answering resolves the call with undefined (measured) or rejects it, and either way the
 * call fails here (a reply without a value would never reach the page, which would wait forever). */
function ask(call: string, params: unknown): Promise<unknown> {
  return chrome.runtime.sendMessage({ type: call, params }).then((value: unknown) => {
    if (value === undefined) throw new Error("The extension did not answer.");
    return value;
  });
}

/** An in-use report that a stopping worker dropped is sent again (twice at most, a moment later):
 * the worker takes a report it already has as a no-op, and a start that arrives after its own end
 * as one it has seen end (background/tracking.ts). */
function report(call: string, params: unknown, left = 2): Promise<unknown> {
  return ask(call, params).catch((error: unknown) => left > 0 && !orphaned()
    ? new Promise((resolve) => setTimeout(resolve, 200)).then(() => report(call, params, left - 1))
    : Promise.reject(error));
}

// Injected more than once into a frame (manifest, a site's flag scripts, on demand): one runs.
// Last in this file: the main world may send queued calls the moment the handshake completes.
const shared = globalThis as { captureControlBridge?: boolean };
if (!shared.captureControlBridge) {
  shared.captureControlBridge = true;
  // The warm flag's hook (site-flags/warm.iife.ts): a site the user captured on lately loads the
  // pack at start, so that its first getUserMedia need not wait for it.
  (shared as Record<string, unknown>)[WARM_HOOK] = () => {
    connect();
    toPage({ kind: "push", topic: "warm", data: null });
  };
  (shared as Record<string, unknown>)[CONNECT_HOOK] = connect;
  if (window === window.top) {
    // A top frame's main world asks for the handshake when it first needs the channel (NEED_EVENT):
    // a page that never uses a media feature never has this world make the handshake (~0.4 ms of
    // every page load, measured). First listener on the window: the page never sees a NEED.
    window.addEventListener(NEED_EVENT, (event) => {
      event.stopImmediatePropagation();
      connect();
    }, true);
    relayWakeRequests();
  } else {
    // A frame's half is here because its page uses a feature now (injected on demand), or with the
    // flag scripts of a site with its own settings: a frame's main world cannot ask (NEED would be
    // the page's to see where there is no half), so the half shakes hands at once.
    connect();
  }
}
