/**
 * Brings the isolated half of the bridge into frames that did not get it at load. The manifest
 * gives it to top frames only, the flag scripts to every frame of sites with settings of their
 * own; any other frame asks for it when its page first uses a feature (see WAKE_MESSAGE in
 * src/bridge/protocol.ts), through its top frame's half, which reports the asking frame's origin
 * as the browser set it on the message event.
 */
import { bridgeFile, framesToInject } from "./bridge-file";
import { MessageError, type ContentSender } from "./messenger";
import { CONNECT_HOOK } from "../content/site-flags/flags";

/** Content call `bridge.inject` {origin}; only a tab's top frame may make it. */
export async function injectBridge(params: unknown, sender: ContentSender): Promise<{ frames: number }> {
  if (sender.frameId !== 0) throw new MessageError("NotAllowedError", "only a top frame relays wake requests");
  const origin = (params as { origin?: unknown } | null)?.origin;
  if (typeof origin !== "string" || origin.length > 2048) throw new MessageError("TypeError", "origin must be a string");
  const frames = await chrome.webNavigation.getAllFrames({ tabId: sender.tabId }) ?? [];
  const frameIds = framesToInject(frames, origin);
  if (!frameIds.length) return { frames: 0 };
  await chrome.scripting.executeScript({
    target: { tabId: sender.tabId, frameIds },
    files: [bridgeFile()],
    injectImmediately: true,
  }).catch(() => undefined); // frames that went away meanwhile
  return { frames: frameIds.length };
}

/**
 * After the extension is reloaded or updated, the isolated halves in open pages belong to the old
 * copy and can no longer reach the service worker. A new half goes into every frame of every tab;
 * the main world takes its handshake once the old half stops answering (src/bridge/page-bridge.ts)
 * and reports its live captures again.
 */
export async function reconnectOpenPages(): Promise<void> {
  const file = bridgeFile();
  const tabs = await chrome.tabs.query({});
  await Promise.all(tabs.map(async (tab) => {
    if (tab.id === undefined) return;
    const target = { tabId: tab.id, allFrames: true };
    try {
      await chrome.scripting.executeScript({ target, files: [file], injectImmediately: true });
      // A top frame's half otherwise waits for its page to need it: shake hands now, so that the
      // main world hears at once that the extension changed (and reports its live captures).
      await chrome.scripting.executeScript({
        target, injectImmediately: true, args: [CONNECT_HOOK],
        func: (hook: string) => { (globalThis as unknown as Record<string, (() => void) | undefined>)[hook]?.(); },
      });
    } catch {
      // A page the extension may not run on.
    }
  }));
}
