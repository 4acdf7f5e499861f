/**
 * Found in review (session 15): a PTZ session's reset (src/ptz/ptz.ts startSession, now through a clone) hands the
 * browser a plain object from getConstraints(), which the browser's dictionary conversion reads
 * through Object.prototype. A page that defines a getter there, recognising the reset by its own
 * numeric `pan`, makes the reset fail and reads where another site left the camera.
 */
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { expect, extensionWorker, launch, openExtensionPage, test } from "./fixtures";

const PTZ_CAMERA = "--use-fake-device-for-media-stream=device-count=3,hardware-support=pan-tilt-zoom";
interface Browser { context: BrowserContext; extensionId: string; cdp: CDPSession; close: () => Promise<void> }
let b: Browser;

async function ptzPage(origin: string): Promise<Page> {
  const page = await b.context.newPage();
  await page.goto(`${origin}/ptz.html`);
  await b.cdp.send("Browser.setPermission", { permission: { name: "camera", panTiltZoom: true } as never, setting: "granted", origin });
  const options = await openExtensionPage(b.context, b.extensionId, "options/index.html");
  await options.evaluate((o) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: o, patch: { ptz: "allow" } }), origin);
  await options.close();
  return page;
}

test.describe("PTZ session reset", () => {
  test.beforeEach(async () => {
    const { context, close } = await launch({ extension: true, extra: [PTZ_CAMERA] });
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    b = { context, extensionId, cdp: await context.newCDPSession(await context.newPage()), close };
  });
  test.afterEach(async () => { await b.close(); });

  test("a getter on Object.prototype cannot defeat the reset and read where another site left the camera", async ({ site }) => {
    const holder = await ptzPage(site.origin);
    const prober = await ptzPage(site.otherOrigin);
    // The first site moves the camera and keeps it.
    await holder.evaluate(async () => {
      const t = (await navigator.mediaDevices.getUserMedia({ video: { pan: true, tilt: true, zoom: true } } as MediaStreamConstraints)).getVideoTracks()[0];
      (window as any).kept = t;
      await t.applyConstraints({ pan: 333, tilt: 222, zoom: 300 } as MediaTrackConstraints);
    });
    const seen = await prober.evaluate(async () => {
      Object.defineProperty(Object.prototype, "aspectRatio", {
        configurable: true,
        // (Only the reset has an own numeric pan: the page's own constraints are left alone.)
        get(this: Record<string, unknown>) { return Object.hasOwn(this, "pan") && typeof this.pan === "number" ? { exact: 7 } : undefined; },
      });
      const t = (await navigator.mediaDevices.getUserMedia({ video: { pan: true, tilt: true, zoom: true } } as MediaStreamConstraints)).getVideoTracks()[0];
      const s = t.getSettings() as Record<string, unknown>;
      return [s.pan, s.tilt, s.zoom];
    });
    // The fake camera's default (the reset's centre, clamped to 100..400), as without the getter.
    expect(seen).toEqual([100, 100, 100]);
  });
});
