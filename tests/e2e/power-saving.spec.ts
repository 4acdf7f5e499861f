/**
 * "Save camera power", an effect the user forces on a site from the popup (issues 7 and 8): the
 * site's camera captures get powerEfficient as if the page had asked for it, live captures switch
 * at once with configurationchange, new pages know it before their first script, and the page's
 * own getConstraints() never shows it. Fake camera: native modes 640x480 and 1280x720 among
 * others, so 1000x600 is a software crop that power saving replaces by the native 1280x720.
 */
import type { Page } from "@playwright/test";
import { expect, openExtensionPage, stopServiceWorkers, tabIdOf, test } from "./fixtures";

type Shot = { width: number; height: number; powerEfficient: unknown; resizeMode: unknown; constraints: unknown; changes: number };

/** Opens a 1000x600 capture on `page` and keeps it (window.cam) with a configurationchange count. */
async function capture(page: Page): Promise<Shot> {
  await page.evaluate(async () => {
    const w = window as unknown as { cam: MediaStreamTrack; changes: number };
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1000, height: 600 } });
    w.cam = stream.getVideoTracks()[0];
    w.changes = 0;
    w.cam.addEventListener("configurationchange", () => w.changes++);
  });
  return shot(page);
}

function shot(page: Page): Promise<Shot> {
  return page.evaluate(() => {
    const w = window as unknown as { cam: MediaStreamTrack; changes: number };
    const s = w.cam.getSettings() as MediaTrackSettings & Record<string, unknown>;
    return { width: s.width!, height: s.height!, powerEfficient: s.powerEfficient, resizeMode: s.resizeMode,
      constraints: w.cam.getConstraints(), changes: w.changes };
  });
}

const CROPPED = { width: 1000, height: 600, powerEfficient: false, resizeMode: "crop-and-scale" };
const NATIVE = { width: 1280, height: 720, powerEfficient: true, resizeMode: "none" };
const ASKED = { width: 1000, height: 600 };

test("Save camera power: a live capture switches with configurationchange; new loads and workers restarts keep it; other sites do not get it", async ({ fresh: { context, extensionId }, site }) => {
  const page = await context.newPage();
  const url = `${site.origin}/probe.html`;
  await page.goto(url);
  expect(await capture(page)).toEqual({ ...CROPPED, constraints: ASKED, changes: 0 });

  const popup = await openExtensionPage(context, extensionId, `popup/index.html?tab=${await tabIdOf(context, url)}`);
  const toggle = popup.getByRole("switch", { name: "Save camera power" });
  await expect(toggle).not.toBeChecked();
  await toggle.check();

  // The live track changes mode; the page hears of it once and its constraints stay its own.
  await expect.poll(() => shot(page)).toEqual({ ...NATIVE, constraints: ASKED, changes: 1 });

  // A new load knows it from its first capture (site flag), also after the worker stopped.
  await stopServiceWorkers(context, extensionId);
  await page.reload();
  expect(await capture(page)).toEqual({ ...NATIVE, constraints: ASKED, changes: 0 });
  // The page's own choice wins: it names powerEfficient itself.
  const own = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1000, height: 600, powerEfficient: false } as MediaTrackConstraints });
    const [t] = stream.getVideoTracks();
    const out = { width: t.getSettings().width, constraints: t.getConstraints() };
    t.stop();
    return out;
  });
  expect(own).toEqual({ width: 1000, constraints: { width: 1000, height: 600, powerEfficient: false } });

  // Another site keeps the default.
  const other = await context.newPage();
  await other.goto(`${site.otherOrigin}/probe.html`);
  expect(await capture(other)).toEqual({ ...CROPPED, constraints: ASKED, changes: 0 });

  // Off again: the live capture goes back to what the page asked for.
  await popup.reload();
  await popup.getByRole("switch", { name: "Save camera power" }).uncheck();
  await expect.poll(() => shot(page)).toEqual({ ...CROPPED, constraints: ASKED, changes: 1 });
  expect((await shot(other)).changes).toBe(0);
});
