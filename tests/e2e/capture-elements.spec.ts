/**
 * Captures made with Chromium's capture elements (<usermedia>, <camera>, <microphone>, M151+),
 * activated by Playwright's trusted clicks under --use-fake-ui-for-media-stream: they are listed in
 * "In use now" and the history like getUserMedia's, Stop ends them, hidden labels apply, and a
 * site blocked in chrome.contentSettings gets no capture. Page: tests/pages/capture-elements.html.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, extensionWorker, launch, liveCaptureCount, openExtensionPage, test } from "./fixtures";
import { activate, outcome, type Id } from "./element-helpers";
import { setSitePtz } from "./ptz-helpers";

const CAMERA = "fake_device_0";
const MIC = "Fake Default Audio Input";

const openPopup = (context: BrowserContext, id: string) => openExtensionPage(context, id, "popup/index.html");
const row = (popup: Page, origin: string, kind: "Camera" | "Microphone", label: string) =>
  popup.getByRole("listitem", { name: `${origin} ${kind} ${label}`, exact: true });
const rows = (popup: Page) => popup.locator(".in-use-row");

const states = (page: Page, id: Id) =>
  page.evaluate((i) => (window as any).tracksOf(i).map((t: MediaStreamTrack) => `${t.kind}:${t.readyState}`), id);

async function history(extPage: Page): Promise<{ origin: string; kind: string; label: string }[]> {
  return extPage.evaluate(async () =>
    ((await chrome.storage.local.get("captureHistory")).captureHistory as { entries?: never[] } | undefined)?.entries ?? []);
}

test("<usermedia>: both tracks are listed with the badge, Stop ends one with an ended event, history records them", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const page = await context.newPage();
  await page.goto(`${site.origin}/capture-elements.html`);
  await activate(page, "both", page.locator("#both"));
  expect(await states(page, "both")).toEqual(["audio:live", "video:live"]);
  await page.evaluate(() => {
    (window as any).ended = [];
    for (const t of (window as any).tracksOf("both")) t.addEventListener("ended", () => (window as any).ended.push(t.kind));
  });

  const popup = await openPopup(context, extensionId);
  await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
  await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
  await expect(rows(popup)).toHaveCount(2);
  await expect.poll(() => popup.evaluate(() => chrome.action.getBadgeText({}))).toBe("2");

  await row(popup, site.origin, "Camera", CAMERA).getByRole("button", { name: "Stop" }).click();
  await expect.poll(() => states(page, "both")).toEqual(["audio:live", "video:ended"]);
  expect(await page.evaluate(() => (window as any).ended)).toEqual(["video"]);
  await expect(row(popup, site.origin, "Camera", CAMERA)).toHaveCount(0);
  await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();

  // The page's own stop() ends the other entry, as for getUserMedia's tracks.
  await page.evaluate(() => (window as any).tracksOf("both")[0].stop());
  await expect(rows(popup)).toHaveCount(0);
  await expect.poll(() => popup.evaluate(() => chrome.action.getBadgeText({}))).toBe("");
  // (Ended captures reach the stored history within a second.)
  await expect.poll(async () => (await history(popup)).length).toBe(2);
  const entries = await history(popup);
  expect(entries.map((e) => [e.origin, e.kind, e.label]).sort()).toEqual([
    [site.origin, "audio", MIC], [site.origin, "video", CAMERA],
  ]);
});

test("<camera> whose track the page never reads is listed once; reading it later adds nothing; a new click after Stop is a new capture", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const page = await context.newPage();
  await page.goto(`${site.origin}/capture-elements.html`);
  await activate(page, "cam", page.locator("#cam"));
  const popup = await openPopup(context, extensionId);
  await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
  // The page reads the track now, several times: still one capture.
  expect(await page.evaluate(() => { (window as any).tracksOf("cam"); return (window as any).tracksOf("cam").length; })).toBe(1);
  await expect.poll(() => liveCaptureCount(popup)).toBe(1);
  await page.waitForTimeout(400); // past the page's report batching
  expect(await liveCaptureCount(popup)).toBe(1);

  await row(popup, site.origin, "Camera", CAMERA).getByRole("button", { name: "Stop" }).click();
  await expect.poll(() => states(page, "cam")).toEqual(["video:ended"]);
  await expect(rows(popup)).toHaveCount(0);

  // The element captures again on the next click: a new track, a new entry.
  await activate(page, "cam", page.locator("#cam"));
  expect(await states(page, "cam")).toEqual(["video:live"]);
  await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
  expect(await liveCaptureCount(popup)).toBe(1);
});

test("a <microphone> in a closed shadow root, read by the page's own listener, is listed and Stop ends it", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const page = await context.newPage();
  await page.goto(`${site.origin}/capture-elements.html`);
  await activate(page, "shadow", page.locator("#host"));
  expect(await page.evaluate(() => (window as any).shadowTrack?.readyState)).toBe("live");
  const popup = await openPopup(context, extensionId);
  await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
  await row(popup, site.origin, "Microphone", MIC).getByRole("button", { name: "Stop" }).click();
  await expect.poll(() => page.evaluate(() => (window as any).shadowTrack.readyState)).toBe("ended");
  await expect(rows(popup)).toHaveCount(0);
});

test("a <camera> in a same-origin iframe is listed and stopped; in a cross-origin iframe Chromium refuses it, extension or not", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const page = await context.newPage();
  await page.goto(`${site.origin}/capture-elements-frame.html?cross=${encodeURIComponent(site.otherOrigin)}`);
  const same = page.frame({ url: `${site.origin}/capture-elements.html` })!;
  const cross = page.frame({ url: `${site.otherOrigin}/capture-elements.html` })!;
  for (const f of [same, cross]) await expect.poll(() => f.evaluate(() => typeof (window as any).tracksOf)).toBe("function");
  await activate(same, "cam", same.locator("#cam"));
  const popup = await openPopup(context, extensionId);
  await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();

  // Measured without the extension too (docs/ARCHITECTURE.md): even with allow="camera", the
  // element of a cross-origin frame only ever fires `error`.
  await page.waitForTimeout(1000);
  for (let i = 0; i < 2; i++) {
    await cross.evaluate(() => { (window as any).outcomes.cam = "pending"; });
    await cross.locator("#cam").click();
    await expect.poll(() => outcome(cross, "cam")).toBe("error");
  }
  expect(await cross.evaluate(() => String((document.getElementById("cam") as any).error)))
    .toBe("InvalidStateError: The permission element is not registered in the browser process.");
  await expect(rows(popup)).toHaveCount(1);

  await row(popup, site.origin, "Camera", CAMERA).getByRole("button", { name: "Stop" }).click();
  await expect.poll(() => same.evaluate(() => (window as any).tracksOf("cam")[0].readyState)).toBe("ended");
  await expect(rows(popup)).toHaveCount(0);
});

test("hidden device labels apply to the elements' tracks; the popup still names the device", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const options = await openExtensionPage(context, extensionId, "options/index.html");
  await options.evaluate((origin) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin, patch: { hideLabels: true } }), site.origin);
  const page = await context.newPage();
  await page.goto(`${site.origin}/capture-elements.html`);
  await activate(page, "both", page.locator("#both"));
  expect(await page.evaluate(() => (window as any).tracksOf("both").map((t: MediaStreamTrack) => t.label))).toEqual(["", ""]);
  await activate(page, "mic", page.locator("#mic"));
  expect(await page.evaluate(() => (window as any).tracksOf("mic")[0].label)).toBe("");
  const popup = await openPopup(context, extensionId);
  await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
  // (One row per device and site: two microphone captures, three in all.)
  await expect.poll(() => liveCaptureCount(popup)).toBe(3);
});

// Without --use-fake-ui-for-media-stream: the fake UI grants everything and ignores "block" (for
// the elements as for getUserMedia). Headless Chromium then denies what the site is not allowed.
test("the per-site permission from chrome.contentSettings holds for the elements: a blocked camera gets no capture, an allowed microphone does", async ({ site }) => {
  const { context, close } = await launch({ extension: true, fakeUi: false });
  try {
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate(async (origin) => {
      await chrome.runtime.sendMessage({ type: "ui.setPermission", origin, kind: "video", setting: "block" });
      await chrome.runtime.sendMessage({ type: "ui.setPermission", origin, kind: "audio", setting: "allow" });
    }, site.origin);
    await expect.poll(() => options.evaluate(async (origin) => [
      (await chrome.contentSettings.camera.get({ primaryUrl: `${origin}/` })).setting,
      (await chrome.contentSettings.microphone.get({ primaryUrl: `${origin}/` })).setting,
    ], site.origin)).toEqual(["block", "allow"]);
    const page = await context.newPage();
    await page.goto(`${site.origin}/capture-elements.html`);
    await activate(page, "mic", page.locator("#mic"));
    expect(await states(page, "mic")).toEqual(["audio:live"]);
    // The cool-down is over (the microphone captured): this click counts, and the browser refuses
    // as its prompt would have been dismissed (events promptdismiss, then cancel).
    await page.locator("#cam").click();
    await expect.poll(() => outcome(page, "cam")).toBe("cancel: NotAllowedError: Permission dismissed");
    expect(await states(page, "cam")).toEqual([]);
    const popup = await openPopup(context, extensionId);
    await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
    await page.waitForTimeout(400); // past the page's report batching
    expect(await liveCaptureCount(popup)).toBe(1);
  } finally {
    await close();
  }
});

test("the PTZ gate applies to a <camera>'s track: hidden while the site is at Ask, shown once it is allowed", async ({ site }) => {
  // Natively (measured), with the browser's PTZ grant a <camera> track lists pan/tilt/zoom even
  // though the element was never asked for PTZ.
  const { context, close } = await launch({ extension: true, extra: ["--use-fake-device-for-media-stream=device-count=3,hardware-support=pan-tilt-zoom"] });
  try {
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Browser.setPermission", { permission: { name: "camera", panTiltZoom: true }, setting: "granted", origin: site.origin });
    await page.goto(`${site.origin}/capture-elements.html`);
    await activate(page, "cam", page.locator("#cam"));
    const ptz = () => page.evaluate(() => {
      const track = (window as any).tracksOf("cam")[0] as MediaStreamTrack;
      return ["pan" in track.getCapabilities(), "pan" in track.getSettings()];
    });
    expect(await ptz()).toEqual([false, false]);
    const blocked = await page.evaluate(() => (window as any).tracksOf("cam")[0].applyConstraints({ advanced: [{ pan: 200 }] })
      .then(() => "resolved", (e: Error) => `${e.name}: ${e.message}`));
    expect(blocked).toBe("OverconstrainedError: Unsupported constraint");
    // The popup does not say "Pan/tilt/zoom in use" for PTZ the page cannot see.
    const ext = await openExtensionPage(context, extensionId, "options/index.html");
    const flags = () => ext.evaluate(async () =>
      Object.values((await chrome.storage.session.get("liveCaptures")).liveCaptures ?? {}).map((c: any) => !!c.ptz));
    await expect.poll(flags).toEqual([false]);
    await setSitePtz(context, extensionId, site.origin, "allow");
    await expect.poll(ptz).toEqual([true, true]);
    // A capture started while the site is allowed does use it.
    await page.evaluate(() => (window as any).tracksOf("cam")[0].stop());
    await activate(page, "cam", page.locator("#cam"));
    await expect.poll(flags).toEqual([true]);
  } finally {
    await close();
  }
});

test("a hostile page cannot hide its element captures: replaced globals, Array iterator and getters after start, forged events", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const page = await context.newPage();
  await page.goto(`${site.origin}/capture-elements.html`);
  const tampered = await page.evaluate(() => {
    const w = window as any;
    // Before the first click: the interfaces' globals and the built-ins the extension might use.
    w.HTMLCameraElement = function HTMLCameraElement() {};
    w.HTMLUserMediaElement = { prototype: {} };
    w.MediaStream = function MediaStream() { throw new Error("page's MediaStream"); };
    // (Aimed at what the extension might do, since Playwright's own evaluate runs in this world too:
    // `new MediaStream([track])` iterates an array of a track, though Chromium 156 converts an array
    // without the page's iterator (measured); a list of getters built by index.)
    const values = Array.prototype[Symbol.iterator];
    const isTrackOrFunction = (v: unknown) => v instanceof MediaStreamTrack || typeof v === "function";
    Array.prototype[Symbol.iterator] = function (this: unknown[]) {
      if (isTrackOrFunction(Object.getOwnPropertyDescriptor(this, 0)?.value)) throw new Error("page's iterator");
      return values.call(this);
    } as typeof values;
    Object.defineProperty(Array.prototype, "0", {
      set(this: unknown[], v: unknown) {
        if (isTrackOrFunction(v)) throw new Error("page's index setter");
        Object.defineProperty(this, 0, { value: v, writable: true, enumerable: true, configurable: true });
      },
      configurable: true,
    });
    Object.defineProperty(Event.prototype, "type", { get() { return "nothing"; }, configurable: true });
    Object.defineProperty(Event.prototype, "target", { get() { return null; }, configurable: true });
    // Forged events on real elements, before anything captured: nothing to list, nothing thrown.
    document.getElementById("cam")!.dispatchEvent(new Event("track"));
    document.getElementById("both")!.dispatchEvent(new Event("stream"));
    return true;
  });
  expect(tampered).toBe(true);
  await activate(page, "cam", page.locator("#cam"));
  await activate(page, "both", page.locator("#both"));
  const popup = await openPopup(context, extensionId);
  await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
  await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
  await expect.poll(() => liveCaptureCount(popup)).toBe(3);
  // The page never read the <camera>'s track (its listener only notes the event); Stop still ends it.
  await popup.getByRole("listitem", { name: `${site.origin} Camera ${CAMERA}`, exact: true }).getByRole("button", { name: "Stop" }).click();
  await expect(rows(popup)).toHaveCount(1);
  expect(await page.evaluate(() => {
    const cam = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(document.getElementById("cam")), "track")!.get!;
    return cam.call(document.getElementById("cam")).readyState;
  })).toBe("ended");
});
