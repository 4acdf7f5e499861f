/**
 * PTZ on a hidden page (issue 4). Chromium refuses every pan/tilt/zoom constraint of a page that
 * is not visible with SecurityError "the page is not visible", and checks that before it looks at
 * the PTZ permission; the extension must keep exactly that, whatever the site's PTZ setting.
 *
 * Both browsers come from launchUnfocused(): under Playwright's own launch no page ever becomes
 * hidden (see fixtures.ts). Here a tab is hidden the way a user hides it: another tab in front.
 */
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { expect, extensionWorker, launchUnfocused, test } from "./fixtures";
import { setSitePtz } from "./ptz-helpers";

const PTZ_CAMERA = "--use-fake-device-for-media-stream=device-count=3,hardware-support=pan-tilt-zoom";
const HIDDEN = "SecurityError|the page is not visible|";
/** Every way a page can name PTZ in applyConstraints: plain, ideal, mandatory, advanced, out of range, `true`. */
const MOVES: unknown[] = [
  { advanced: [{ pan: 300 }] }, { pan: 300 }, { tilt: { exact: 300 } }, { zoom: { ideal: 300 } }, { pan: { min: 300 } },
  { advanced: [{ zoom: 1000 }] }, { tilt: true },
];

const start = (page: Page, key: string, constraints: unknown) =>
  page.evaluate(([k, c]) => (window as any).start(k, c), [key, constraints] as const);
const ptz = (page: Page, key: string) => page.evaluate((k) => (window as any).ptz(k), key);
const move = (page: Page, key: string, constraints: unknown) =>
  page.evaluate(([k, c]) => (window as any).move(k, c), [key, constraints] as const);
const visibility = (page: Page) => page.evaluate(() => document.visibilityState);
/** The page's tracks (a top-level `const` of ptz.html, so not a property of window). */
declare const tracks: Record<string, { applyConstraints(c: unknown): Promise<void> }>;
/** What kind of object the rejection is, beyond its name and message. */
const rejection = (page: Page, key: string) => page.evaluate((k) => tracks[k].applyConstraints({ pan: 300 }).then(
  () => null,
  (e: any) => ({ domException: e instanceof DOMException, code: e.code, ownKeys: Object.getOwnPropertyNames(e) }),
), key);

interface Side {
  context: BrowserContext;
  /** A page of the site whose PTZ is granted (the browser's, and the extension's when it is there). */
  granted: Page;
  /** A page of a site without PTZ: natively not granted; with the extension, granted by the browser, blocked by the extension. */
  denied: Page;
  /** Holds the browser's permission overrides (Chromium drops them with the session that set them). */
  cdp: CDPSession;
  close: () => Promise<void>;
}

/** A browser with a live PTZ track on each site, the granted one moved to a known position. */
async function prepare(extension: boolean, origin: string, otherOrigin: string): Promise<Side> {
  const { context, close } = await launchUnfocused({ extension, extra: [PTZ_CAMERA] });
  try {
    return await ready(context, close, extension, origin, otherOrigin);
  } catch (error) {
    await close();
    throw error;
  }
}

async function ready(context: BrowserContext, close: () => Promise<void>, extension: boolean, origin: string, otherOrigin: string): Promise<Side> {
  if (extension) {
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    await setSitePtz(context, extensionId, origin, "allow");
    await setSitePtz(context, extensionId, otherOrigin, "block");
  }
  const granted = await context.newPage();
  await granted.goto(`${origin}/ptz.html`);
  const cdp = await context.newCDPSession(granted);
  const grant = (o: string) =>
    cdp.send("Browser.setPermission", { permission: { name: "camera", panTiltZoom: true }, setting: "granted", origin: o });
  await grant(origin);
  if (extension) await grant(otherOrigin); // so that the extension's Block is all that stands in the way
  expect(await start(granted, "a", { video: { pan: true, tilt: true, zoom: true } })).toBe("ok");
  expect(await move(granted, "a", { pan: 222, tilt: 333 })).toBe("ok");
  const denied = await context.newPage(); // a new tab in front: from now on `granted` is hidden
  await denied.goto(`${otherOrigin}/ptz.html`);
  expect(await start(denied, "a", { video: { pan: true } })).toBe("ok");
  expect((await ptz(denied, "a")).hasPan).toBe(false);
  return { context, granted, denied, cdp, close };
}

/** Puts a new tab in front of the window: every other tab is then hidden. */
async function hideAll(side: Side): Promise<void> {
  const front = await side.context.newPage();
  await front.bringToFront();
  for (const page of [side.granted, side.denied]) await expect.poll(() => visibility(page)).toBe("hidden");
}

async function show(page: Page): Promise<void> {
  await page.bringToFront();
  await expect.poll(() => visibility(page)).toBe("visible");
}

test("a hidden page's PTZ: SecurityError exactly as natively, with or without PTZ; getUserMedia as natively; moves again once visible", async ({ site }) => {
  const launched = await Promise.allSettled([true, false].map((extension) => prepare(extension, site.origin, site.otherOrigin)));
  const [ext, native] = launched.map((r) => (r.status === "fulfilled" ? r.value : undefined));
  try {
    for (const r of launched) if (r.status === "rejected") throw r.reason;
    if (!ext || !native) return;
    await Promise.all([hideAll(ext), hideAll(native)]);

    for (const side of ["granted", "denied"] as const) {
      const nativeResults: string[] = [];
      const extResults: string[] = [];
      for (const c of MOVES) {
        nativeResults.push(await move(native[side], "a", c));
        extResults.push(await move(ext[side], "a", c));
      }
      // Measured natively (Chromium 156): the same SecurityError for every form, PTZ granted or not.
      expect(nativeResults, side).toEqual(MOVES.map(() => HIDDEN));
      expect(extResults, side).toEqual(nativeResults);
      expect(await rejection(ext[side], "a"), side).toEqual(await rejection(native[side], "a"));
      // Nothing moved, and the tracks still look as they did.
      expect(await ptz(ext[side], "a"), side).toEqual(await ptz(native[side], "a"));
    }
    expect((await ptz(native.granted, "a")).settings).toEqual({ pan: 222, tilt: 333, zoom: 100 });
    expect((await rejection(native.granted, "a"))?.domException).toBe(true);

    // getUserMedia on a hidden page: it resolves; a position asked for is not applied, and the track
    // reads where the camera is (the extension's reset at session start cannot move it either).
    for (const [key, constraints] of [["b", { video: { pan: true } }], ["c", { video: { pan: 250, zoom: true } }]] as const) {
      expect(await start(native.granted, key, constraints)).toBe("ok");
      expect(await start(ext.granted, key, constraints)).toBe("ok");
      expect(await ptz(ext.granted, key), key).toEqual(await ptz(native.granted, key));
      expect(await start(native.denied, key, constraints)).toBe("ok");
      expect(await start(ext.denied, key, constraints)).toBe("ok");
      expect(await ptz(ext.denied, key), key).toEqual(await ptz(native.denied, key));
    }
    expect((await ptz(native.granted, "c")).settings).toEqual({ pan: 222, tilt: 333, zoom: 100 });
    expect((await ptz(native.denied, "c")).hasPan).toBe(false);

    // Visible again: the granted site moves the camera; the other one meets the usual no-PTZ answer.
    // With the extension, the sessions started while hidden get their reset once visible: tilt,
    // which the page left open, goes back to its default (pan and zoom were asked for or moved).
    for (const side of [ext, native]) {
      await show(side.granted);
      expect(await move(side.granted, "a", { advanced: [{ pan: 300 }] })).toBe("ok");
      expect((await ptz(side.granted, "a")).settings).toEqual({ pan: 300, tilt: side === ext ? 100 : 333, zoom: 100 });
      await show(side.denied);
      expect(await move(side.denied, "a", { advanced: [{ pan: 300 }] })).toBe("OverconstrainedError|Unsupported constraint|pan");
      expect(await move(side.denied, "a", { pan: 300 })).toBe("ok"); // ignored without PTZ
    }
  } finally {
    await Promise.all([ext?.close(), native?.close()]);
  }
});
