/**
 * Shared by the faceFraming and backgroundBlur suites: a generated track sent to the page's own
 * worker (tests/pages/transfer/skin-worker.js), and the popup's per-site switches that force an
 * effect on a site.
 */
import type { BrowserContext, Locator, Page } from "@playwright/test";
import { expect, extensionWorker, openExtensionPage, tabIdOf } from "./fixtures";

/** Opens the camera with `constraints` and transfers its track to skin-worker.js: what the worker
 * reports of the track it got, whether its label is the page's, and the page's track's readyState
 * after. `ask` sends the worker a message and resolves with its reply. */
export async function trackToWorker(page: Page, constraints: MediaTrackConstraints) {
  const info = await page.evaluate(async (video) => {
    const stream = await navigator.mediaDevices.getUserMedia({ video });
    const [track] = stream.getVideoTracks();
    const label = track.label;
    const worker = new Worker("transfer/skin-worker.js");
    (window as unknown as { effectWorker: Worker }).effectWorker = worker;
    const reply = new Promise<MessageEvent>((r) => (worker.onmessage = r));
    worker.postMessage({ track }, [track]);
    const { data } = await reply;
    return { ...data, label: data.label === label, here: track.readyState } as Record<string, unknown>;
  }, constraints);
  const ask = (message: unknown) => page.evaluate((m) => new Promise<Record<string, unknown>>((resolve) => {
    const worker = (window as unknown as { effectWorker: Worker }).effectWorker;
    worker.onmessage = ({ data }) => resolve(data);
    worker.postMessage(m);
  }), message);
  return { info, ask };
}

/** The popup of `page`'s tab with its switch `name` turned on; `done()` turns it off again (the
 * suites share one browser) and closes the popup. */
export async function forcedFromPopup(context: BrowserContext, page: Page, name: string): Promise<{ toggle: Locator; done: () => Promise<void> }> {
  const extensionId = new URL((await extensionWorker(context)).url()).host;
  const popup = await openExtensionPage(context, extensionId, `popup/index.html?tab=${await tabIdOf(context, page.url())}`);
  const toggle = popup.getByRole("switch", { name });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  return {
    toggle,
    done: async () => {
      if (await toggle.isChecked()) await toggle.uncheck();
      await popup.close();
    },
  };
}

/** Run in a page (`page.evaluate(trapBuiltins)`): replaces the built-ins an effect pipeline could
 * use (stream and track methods, Worker, MessagePort, EventTarget, setPrototypeOf, object URLs,
 * Array.prototype.push, and the constructors of the frame pipeline) with wrappers that note each
 * call, by name, in `window.builtinCalls`, and then call the real one. */
export function trapBuiltins(): void {
  const calls: string[] = [];
  (window as unknown as { builtinCalls: string[] }).builtinCalls = calls;
  const trap = (holder: Record<string, unknown>, name: string) => {
    const real = holder[name] as (...a: unknown[]) => unknown;
    holder[name] = function (this: unknown, ...args: unknown[]) {
      calls[calls.length] = name; // (not push: that is replaced too)
      return real.apply(this, args);
    };
  };
  const targets: [object, string[]][] = [
    [MediaStream.prototype, ["addTrack", "removeTrack", "getVideoTracks"]], [Worker.prototype, ["postMessage", "terminate"]],
    [MessagePort.prototype, ["postMessage"]], [EventTarget.prototype, ["addEventListener", "dispatchEvent"]],
    [MediaStreamTrack.prototype, ["stop", "clone"]], [Reflect, ["setPrototypeOf"]], [Object, ["setPrototypeOf"]],
    [URL, ["createObjectURL", "revokeObjectURL"]], [Array.prototype, ["push"]],
  ];
  for (const [holder, names] of targets) for (const name of names) trap(holder as Record<string, unknown>, name);
  const g = window as unknown as Record<string, unknown>;
  for (const name of ["MediaStreamTrackGenerator", "MediaStreamTrackProcessor", "MessageChannel", "Worker", "Blob"]) {
    const Real = g[name] as new (...a: unknown[]) => object;
    g[name] = function (...args: unknown[]) {
      calls[calls.length] = name;
      return new Real(...args);
    };
  }
}
