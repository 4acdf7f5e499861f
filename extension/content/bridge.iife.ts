/**
 * The isolated-world half of the bridge. Runs at document_start in every frame, before any page
 * script; costs nothing more until the page's main-world half asks for something.
 */
import { fromJson, toJson } from "../../src/lib/json";
import {
  ACK_EVENT, ASK_EVENT, HELLO_EVENT, isPageToExtension, isSiteConfig, TO_EXTENSION_EVENT, TO_PAGE_EVENT,
  type ExtensionToPage, type SiteConfig,
} from "../../src/bridge/protocol";
import {
  isContentDeferred, isContentError, isPagePushMessage, isRpcResultMessage, isToContentMessage,
} from "../lib/messages";
import { FLAG_HIDE_LABELS, FLAG_USER_CHOOSES, readSiteFlags } from "./site-flags/flags";

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
  };
}

function toPage(message: ExtensionToPage): void {
  node.dispatchEvent(new CustomEvent(TO_PAGE_EVENT, { detail: toJson(message) }));
}

function sayHello(): void {
  window.dispatchEvent(new MouseEvent(HELLO_EVENT, { relatedTarget: node }));
}

// Whichever half starts second completes the handshake; once the main world acknowledges, the
// window listener goes away, so a page can never ask for the node later.
const onAsk = (event: Event) => {
  event.stopImmediatePropagation();
  sayHello();
};
window.addEventListener(ASK_EVENT, onAsk, true);
node.addEventListener(ACK_EVENT, () => window.removeEventListener(ASK_EVENT, onAsk, true), { once: true });
sayHello();

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
    // self.origin is the frame's real origin, inherited by about:blank frames from their creator.
    updateConfig(Object.hasOwn(message.sites, self.origin) ? message.sites[self.origin] : message.defaults);
  });
  // The flags were fixed when this document loaded; settings may have changed since.
  chrome.runtime.sendMessage({ type: "site.config" }).then(
    (config: unknown) => { if (isSiteConfig(config)) updateConfig(config); },
    () => undefined,
  );
}

function updateConfig(config: SiteConfig): void {
  const before = currentConfig();
  pushedConfig = config;
  if (before.semantics !== config.semantics || before.hideLabels !== config.hideLabels || before.ptz !== config.ptz) {
    toPage({ kind: "configChanged", config });
  }
}

node.addEventListener(TO_EXTENSION_EVENT, (event) => {
  const message = fromJson((event as CustomEvent).detail);
  if (!isPageToExtension(message)) return;
  if (message.kind === "siteConfig") toPage({ kind: "siteConfig", config: currentConfig() });
  wake();
  if (message.kind !== "rpc") return;
  const { id, call, params } = message;
  chrome.runtime.sendMessage({ type: call, params }).then(
    (value: unknown) => {
      if (isContentDeferred(value)) deferred.set(value.$deferred, id);
      else if (isContentError(value)) toPage({ kind: "reply", id, ok: false, error: value.$error });
      else toPage({ kind: "reply", id, ok: true, value });
    },
    (error: unknown) => toPage({
      kind: "reply", id, ok: false,
      error: { name: "AbortError", message: error instanceof Error ? error.message : "The extension did not answer." },
    }),
  );
});
