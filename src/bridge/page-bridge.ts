import { fromJson, toJson } from "../lib/json";
import {
  addEventListener, appendOwn, apply, createElement, customEventDetail, CustomEventCtor,
  dispatchEvent, EventCtor, MapCtor, mapDelete, mapForEach, mapGet, mapSet, nativeMouseEvent, nativeAttachShadow, nodeFirstChild,
  nodeRemoveChild, randomId, setTimeoutFn, stopImmediatePropagation, windowPostMessage, windowTop,
} from "../lib/natives";
import {
  ACK_EVENT, ASK_EVENT, DEFAULT_SITE_CONFIG, isExtensionToPage, NEED_EVENT, OFFER_EVENT, TO_EXTENSION_EVENT, TO_PAGE_EVENT,
  WAKE_MESSAGE,
  type ExtensionToPage, type PageToExtension, type PushTopic, type RpcCalls, type RpcName, type SiteConfig,
} from "./protocol";

/**
 * The page half of the bridge. It runs in the page's own realm, so the extension never trusts it:
 * the service worker re-derives the site from what Chrome attaches to each message.
 */
export interface PageBridge {
  /** False when the isolated half cannot be reached in this frame (then every feature stays
   * native). True while it is connected or may still be brought in on demand. */
  readonly connected: boolean;
  /** The site's configuration, answered synchronously by the isolated world. */
  siteConfig(): SiteConfig;
  /** Calls the service worker. Callback style on purpose: promises would consult the page's
   * `Promise.prototype.then` and `Object.prototype.then`. */
  call<N extends RpcName>(
    name: N, params: RpcCalls[N]["params"],
    done: (error: { name: string; message: string } | null, value?: RpcCalls[N]["result"]) => void,
  ): void;
  /** Called when the user changes this site's settings. */
  onConfigChanged(listener: (config: SiteConfig) => void): void;
  /** Called for each push of `topic` from the service worker (one listener per topic). */
  onPush(topic: PushTopic, listener: (data: unknown) => void): void;
  /** Called when the bridge connects again after the extension was reloaded or updated (its old
   * half can no longer reach it): the new service worker knows nothing of this frame yet. */
  onReconnect(listener: () => void): void;
}

type Pending = (error: { name: string; message: string } | null, value?: unknown) => void;

/** How long a frame waits for the extension's half to arrive after asking for it. */
const WAKE_TIMEOUT_MS = 5000;

export function connectPageBridge(): PageBridge {
  let node: EventTarget | null = null;
  // The trust anchor: a closed shadow root that only this closure holds. Nothing but the
  // extension's isolated world (chrome.dom.openOrClosedShadowRoot) can put a node into it, so a
  // page that forges the handshake can never hand the main world a channel of its own.
  // Made at the first ASK, not at start: most frames never get the isolated half.
  let host: Element | null = null;
  let root: ShadowRoot | null = null;

  const onAsk = (event: Event) => {
    // First listener on the window (added before any page script): the page never sees an ASK.
    apply(stopImmediatePropagation, event, []);
    // Connected: every ASK is ignored while the extension's half still answers. After the extension
    // was reloaded or updated its old half cannot reach it and stops answering (bridge.iife.ts);
    // the new service worker brings a new half, whose ASK is then taken like the first one.
    if (node) {
      const before = configAnswers;
      send({ kind: "siteConfig" });
      if (configAnswers !== before) return;
      dropChannel();
    }
    if (!createElement) return;
    // The browser's own MouseEvent and relatedTarget getter, or no handshake (nativeMouseEvent).
    const mouse = nativeMouseEvent();
    if (!mouse) return;
    const theirs = apply(mouse.relatedTarget, event, []) as EventTarget | null;
    if (!theirs) return;
    if (!root) {
      const attachShadow = topAttachShadow || nativeAttachShadow();
      if (!attachShadow) return;
      host = apply(createElement, document, ["span"]) as Element;
      // (No prototype: the other members of the dictionary are read through it, and a page's
      // Object.prototype getters would run and could make the root clonable or serializable.)
      root = apply(attachShadow, host, [{ __proto__: null, mode: "closed" }]) as ShadowRoot;
    }
    // Offered on the asker's own node, which a page cannot listen to unless it made it.
    apply(dispatchEvent, theirs, [new mouse.ctor(OFFER_EVENT, { __proto__: null, relatedTarget: host } as MouseEventInit)]);
    const placed = apply(nodeFirstChild!, root, []) as Node | null;
    if (!placed) return;
    apply(nodeRemoveChild!, root, [placed]);
    node = placed;
    apply(addEventListener, node, [TO_PAGE_EVENT, onDown]);
    apply(dispatchEvent, node, [new EventCtor(ACK_EVENT)]);
    // Calls made while the half was on its way.
    for (let i = 0; i < queued.length; i++) send(queued[i]);
    queued = [];
    waking = false;
    if (reconnecting) {
      reconnecting = false;
      for (let i = 0; i < reconnectListeners.length; i++) reconnectListeners[i]();
    }
  };

  /** The old half is gone: calls it will never answer fail as a closed picker does. */
  function dropChannel(): void {
    node = null;
    reconnecting = true;
    const waiting: Pending[] = [];
    apply(mapForEach, pending, [(done: Pending) => appendOwn(waiting, done)]);
    pending = new MapCtor<string, Pending>();
    for (let i = 0; i < waiting.length; i++) waiting[i]({ name: "NotAllowedError", message: "Permission dismissed" });
  }
  // (`in`: reading the interface would create it in every frame, ~0.03-0.05 ms; it is needed only
  // at the handshake.)
  if ("MouseEvent" in globalThis) apply(addEventListener, window, [ASK_EVENT, onAsk, true]);

  // A top frame has the isolated half from document_start, and asks it for the handshake when it
  // first needs the channel (NEED_EVENT, see reach). Its attachShadow is read now, before any page
  // script: a page's script (a session recorder, say) may wrap it before the first handshake, which
  // would keep the frame native. Other frames read it at their handshake (most never have one).
  const top = windowTop && apply(windowTop, window, []) === window;
  const topAttachShadow = top && nativeAttachShadow();
  // And MouseEvent's, for the same reason: a page's relatedTarget getter keeps a frame from its
  // handshake (nativeMouseEvent), and a top frame's must not be kept from it by the page.
  if (top) nativeMouseEvent();
  /** In a top frame without the channel: the handshake, now. (Asked again while there is none: after
   * an update the new half may have come.) */
  const reach = () => {
    if (!node && top) apply(dispatchEvent, window, [new EventCtor(NEED_EVENT)]);
  };

  let pending = new MapCtor<string, Pending>();
  let configAnswers = 0;
  let reconnecting = false;
  const reconnectListeners: (() => void)[] = [];
  const pushListeners = new MapCtor<string, (data: unknown) => void>();
  const configListeners: ((config: SiteConfig) => void)[] = [];
  let lastConfig: SiteConfig | null = null;
  let queued: PageToExtension[] = [];
  let waking = false;
  let wakeFailed = !windowTop || !windowPostMessage;

  /** Frames of sites without settings of their own get the isolated half only when they use a
   * feature: the top frame's half asks the service worker to inject it (see WAKE_MESSAGE). */
  function wakeExtension(): void {
    if (waking || !windowTop || !windowPostMessage) return;
    waking = true;
    try {
      apply(windowPostMessage, apply(windowTop, window, []), [WAKE_MESSAGE, "*"]);
    } catch {
      // No top frame to ask: fail the calls below.
    }
    apply(setTimeoutFn, globalThis, [() => {
      if (node) return;
      waking = false;
      wakeFailed = true;
      const failed = queued;
      queued = [];
      for (let i = 0; i < failed.length; i++) {
        const message = failed[i];
        if (message.kind !== "rpc") continue;
        const done = apply(mapGet, pending, [message.id]) as Pending | undefined;
        apply(mapDelete, pending, [message.id]);
        if (done) done({ name: "NotSupportedError", message: "Capture Control is not available in this frame." });
      }
    }, WAKE_TIMEOUT_MS]);
  }

  function send(message: PageToExtension): void {
    reach();
    if (!node) return;
    // (No prototype: the event's other members are read through it, and a page's getter there
    // would see the message as `this.detail`.)
    apply(dispatchEvent, node, [new CustomEventCtor(TO_EXTENSION_EVENT, { __proto__: null, detail: toJson(message) } as CustomEventInit)]);
  }

  function onDown(event: Event): void {
    const message = fromJson(apply(customEventDetail, event, []));
    if (!isExtensionToPage(message)) return;
    handle(message);
  }

  function handle(message: ExtensionToPage): void {
    if (message.kind === "siteConfig") {
      lastConfig = message.config;
      configAnswers++;
    } else if (message.kind === "configChanged") {
      lastConfig = message.config;
      for (let i = 0; i < configListeners.length; i++) configListeners[i](message.config);
    } else if (message.kind === "push") {
      const listener = apply(mapGet, pushListeners, [message.topic]) as ((data: unknown) => void) | undefined;
      if (listener) listener(message.data);
    } else {
      const done = apply(mapGet, pending, [message.id]) as Pending | undefined;
      if (!done) return;
      apply(mapDelete, pending, [message.id]);
      if (message.ok) done(null, message.value);
      else done(message.error);
    }
  }

  return {
    get connected() {
      // Reachable: connected, or able to ask for the isolated half (see wakeExtension).
      return node !== null || !wakeFailed;
    },
    siteConfig() {
      // Asked once: the question wakes the isolated half, which from then on pushes every change
      // (configChanged), so the answer stays current without a dispatch per call.
      if (lastConfig) return lastConfig;
      // The isolated world answers synchronously, inside this dispatch.
      send({ kind: "siteConfig" });
      return lastConfig ?? DEFAULT_SITE_CONFIG;
    },
    call(name, params, done) {
      const id = randomId();
      apply(mapSet, pending, [id, done as Pending]);
      const message: PageToExtension = { kind: "rpc", id, call: name, params };
      // Sent now if there is a channel (after the handshake, if it is due); else queued for it.
      send(message);
      if (node) return;
      appendOwn(queued, message);
      wakeExtension();
    },
    onConfigChanged(listener) {
      appendOwn(configListeners, listener);
    },
    onPush(topic, listener) {
      apply(mapSet, pushListeners, [topic, listener]);
    },
    onReconnect(listener) {
      appendOwn(reconnectListeners, listener);
    },
  };
}
