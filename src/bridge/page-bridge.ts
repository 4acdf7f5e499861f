import { fromJson, toJson } from "../lib/json";
import {
  addEventListener, apply, customEventDetail, CustomEventCtor, dispatchEvent, EventCtor, MapCtor, mapDelete,
  mapGet, mapSet, mouseEventRelatedTarget, randomId, removeEventListener, stopImmediatePropagation,
} from "../lib/natives";
import {
  ACK_EVENT, ASK_EVENT, DEFAULT_SITE_CONFIG, HELLO_EVENT, isExtensionToPage, TO_EXTENSION_EVENT, TO_PAGE_EVENT,
  type ExtensionToPage, type PageToExtension, type PushTopic, type RpcCalls, type RpcName, type SiteConfig,
} from "./protocol";

/**
 * The page half of the bridge. It runs in the page's own realm, so the extension never trusts it:
 * the service worker re-derives the site from what Chrome attaches to each message.
 */
export interface PageBridge {
  /** False when the isolated half is missing (then every feature stays native). */
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
}

type Pending = (error: { name: string; message: string } | null, value?: unknown) => void;

export function connectPageBridge(): PageBridge {
  let node: EventTarget | null = null;
  const onHello = (event: Event) => {
    apply(stopImmediatePropagation, event, []);
    if (node) return;
    const target = apply(mouseEventRelatedTarget, event, []) as EventTarget | null;
    if (target) node = target;
  };
  // The isolated script may have started first (then it answers ASK) or may start later (then it
  // sends HELLO itself); both happen before any page script runs.
  apply(addEventListener, window, [HELLO_EVENT, onHello, true]);
  apply(dispatchEvent, window, [new EventCtor(ASK_EVENT)]);
  apply(removeEventListener, window, [HELLO_EVENT, onHello, true]);
  if (!node) {
    // Not answered yet: keep listening until the isolated script starts (same task, before the page).
    const late = (event: Event) => {
      onHello(event);
      if (node) {
        apply(removeEventListener, window, [HELLO_EVENT, late, true]);
        finishHandshake();
      }
    };
    apply(addEventListener, window, [HELLO_EVENT, late, true]);
  } else {
    finishHandshake();
  }

  const pending = new MapCtor<string, Pending>();
  const pushListeners = new MapCtor<string, (data: unknown) => void>();
  let configListener: ((config: SiteConfig) => void) | null = null;
  let lastConfig: SiteConfig | null = null;

  function finishHandshake(): void {
    apply(addEventListener, node!, [TO_PAGE_EVENT, onDown]);
    apply(dispatchEvent, node!, [new EventCtor(ACK_EVENT)]);
  }

  function send(message: PageToExtension): void {
    if (!node) return;
    apply(dispatchEvent, node, [new CustomEventCtor(TO_EXTENSION_EVENT, { detail: toJson(message) })]);
  }

  function onDown(event: Event): void {
    const message = fromJson(apply(customEventDetail, event, []));
    if (!isExtensionToPage(message)) return;
    handle(message);
  }

  function handle(message: ExtensionToPage): void {
    if (message.kind === "siteConfig") {
      lastConfig = message.config;
    } else if (message.kind === "configChanged") {
      lastConfig = message.config;
      if (configListener) configListener(message.config);
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
      return node !== null;
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
      if (!node) {
        done({ name: "NotSupportedError", message: "Capture Control is not available in this frame." });
        return;
      }
      const id = randomId();
      apply(mapSet, pending, [id, done as Pending]);
      send({ kind: "rpc", id, call: name, params });
    },
    onConfigChanged(listener) {
      configListener = listener;
    },
    onPush(topic, listener) {
      apply(mapSet, pushListeners, [topic, listener]);
    },
  };
}
