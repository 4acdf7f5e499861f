/**
 * In-use tracking (issue 5), each live entry's state: paused (the page set `enabled = false` on
 * every track of a capture), PTZ in use, and the wrapped `enabled` setter's native behaviour.
 *
 * Not covered here: muted. Fake devices never mute a track, and the only mute a test could cause is
 * the extension's own synthetic `mute` event (PTZ control moving to another site), which leaves
 * the native `muted` false and so is, correctly, not reported. Its aggregation is unit-tested
 * (tests/unit/tracking-registry.test.ts).
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, extensionWorker, launch, openExtensionPage, test } from "./fixtures";
import { setSitePtz } from "./ptz-helpers";

const CAMERA = "fake_device_0";
const PTZ_CAMERA = "--use-fake-device-for-media-stream=device-count=3,hardware-support=pan-tilt-zoom";

const openPopup = (context: BrowserContext, id: string) => openExtensionPage(context, id, "popup/index.html");
const cameraRow = (popup: Page, origin: string, label = CAMERA) =>
  popup.getByRole("listitem", { name: `${origin} Camera ${label}`, exact: true });

async function ask(page: Page, key: string, constraints: unknown): Promise<void> {
  await page.evaluate(([k, c]) => (window as any).ask(k, c), [key, constraints] as const);
  await expect.poll(() => page.evaluate((k) => (window as any).outcome(k)?.state, key)).not.toBe("pending");
  expect(await page.evaluate((k) => (window as any).outcome(k), key)).toEqual(expect.objectContaining({ state: "ok" }));
}

async function registry(extPage: Page): Promise<{ origin: string; kind: string; paused?: boolean; muted?: boolean; ptz?: boolean }[]> {
  return extPage.evaluate(async () => Object.values((await chrome.storage.session.get("liveCaptures")).liveCaptures ?? {}));
}

test.describe("in use now: state of each entry", () => {
  test("a page that disables its video track is shown paused, and not once it enables it again (clones count)", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const page = await context.newPage();
    await page.goto(`${site.origin}/gum.html`);
    await ask(page, "v", { video: true });
    const popup = await openPopup(context, extensionId);
    const row = cameraRow(popup, site.origin);
    await expect(row).toBeVisible();
    await expect(row).not.toContainText("Paused");

    await page.evaluate(() => { (window as any).streams.v.getVideoTracks()[0].enabled = false; });
    await expect(row).toContainText("Paused by the site");
    await expect(row).toHaveAccessibleDescription("Paused by the site");
    expect((await registry(popup)).map((c) => [c.paused, c.muted, c.ptz])).toEqual([[true, false, undefined]]);

    await page.evaluate(() => { (window as any).streams.v.getVideoTracks()[0].enabled = true; });
    await expect(row).not.toContainText("Paused");
    await expect(row).toHaveAccessibleDescription("");

    // A clone belongs to the capture: paused only while every live track of it is disabled.
    await page.evaluate(() => {
      const w = window as any;
      w.copy = w.streams.v.getVideoTracks()[0].clone();
      w.streams.v.getVideoTracks()[0].enabled = false;
    });
    await page.waitForTimeout(600); // two report batches
    await expect(row).not.toContainText("Paused");
    await page.evaluate(() => { (window as any).copy.enabled = false; });
    await expect(row).toContainText("Paused by the site");
    // The disabled original stops: the clone alone decides.
    await page.evaluate(() => { (window as any).streams.v.getVideoTracks()[0].stop(); (window as any).copy.enabled = true; });
    await expect(row).not.toContainText("Paused");
    await expect(row).toBeVisible();
  });

  test("the wrapped enabled setter looks and behaves as the native one", async ({ page, nativePage, site }) => {
    const probe = async () => {
      const failure = (run: () => unknown) => {
        try {
          return `ok: ${String(run())}`;
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      const d = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, "enabled")!;
      const set = d.set!;
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const [track] = stream.getTracks();
      const values: unknown[] = [];
      for (const v of [0, "yes", null, false, {}, undefined]) {
        (track as any).enabled = v;
        values.push(track.enabled);
      }
      const result = {
        shape: [set.name, set.length, Function.prototype.toString.call(set), "prototype" in set, Reflect.ownKeys(set).map(String)],
        attributes: [d.enumerable, d.configurable, typeof d.get, Function.prototype.toString.call(d.get)],
        values,
        errors: [
          failure(() => set.call({}, false)),
          failure(() => set.call(undefined, true)),
          failure(() => set.call(track, false)),
          failure(() => (set as Function).call(track)),
          failure(() => Reflect.construct(set as any, [])),
        ],
        after: track.enabled,
        frozen: failure(() => { "use strict"; (Object.freeze(track.clone()) as any).enabled = true; }),
      };
      for (const t of stream.getTracks()) t.stop();
      return result;
    };
    await page.goto(`${site.origin}/gum.html`);
    await nativePage.goto(`${site.origin}/gum.html`);
    const native = await nativePage.evaluate(probe);
    expect(await page.evaluate(probe)).toEqual(native);
    expect(native.shape[0]).toBe("set enabled");
    expect(native.errors[0]).toMatch(/^TypeError/);
  });

  test("a capture with pan/tilt/zoom is shown as using PTZ; one without is not", async ({ site }) => {
    const { context, close } = await launch({ extension: true, extra: [PTZ_CAMERA] });
    try {
      const extensionId = new URL((await extensionWorker(context)).url()).host;
      // One CDP session on a page that stays open (Chromium drops the override with its session).
      const cdp = await context.newCDPSession(await context.newPage());
      await cdp.send("Browser.setPermission", { permission: { name: "camera", panTiltZoom: true }, setting: "granted", origin: site.origin });
      await setSitePtz(context, extensionId, site.origin, "allow");

      const ptzPage = await context.newPage();
      await ptzPage.goto(`${site.origin}/ptz.html`);
      expect(await ptzPage.evaluate(() => (window as any).start("a", { video: { pan: true, tilt: true, zoom: true } }))).toBe("ok");
      expect((await ptzPage.evaluate(() => (window as any).ptz("a"))).hasPan).toBe(true);
      const plain = await context.newPage();
      await plain.goto(`${site.otherOrigin}/ptz.html`);
      expect(await plain.evaluate(() => (window as any).start("b", { video: true }))).toBe("ok");
      expect((await plain.evaluate(() => (window as any).ptz("b"))).hasPan).toBe(false);

      const popup = await openPopup(context, extensionId);
      await expect(cameraRow(popup, site.origin)).toContainText("Pan/tilt/zoom in use");
      await expect(cameraRow(popup, site.origin)).toHaveAccessibleDescription("Pan/tilt/zoom in use");
      await expect(cameraRow(popup, site.otherOrigin)).toBeVisible();
      await expect(cameraRow(popup, site.otherOrigin)).not.toContainText("Pan/tilt/zoom");
    } finally {
      await close();
    }
  });
});
