/**
 * Warm sites (extension/background/warm-sites.ts): a site the user captured on lately loads the
 * pack in its top frames at start, so that its first getUserMedia does not wait for it; its other
 * frames, and every other site, load it on demand; clearing the history clears the list.
 *
 * Whether a frame's pack came before its first call shows in when that call reads a getter of its
 * constraints (which makes the call one the pack decides): during the call where the pack is in,
 * later where the call brings it.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, extensionWorker, openExtensionPage, test } from "./fixtures";

/** Whether `frame`'s first getUserMedia read its constraints during the call (the pack was in). */
const readDuringCall = (frame: Page | ReturnType<Page["mainFrame"]>) => frame.evaluate(async () => {
  // Long enough for a pack asked for at start to be in.
  await new Promise((r) => setTimeout(r, 1000));
  let read = false;
  const asked = navigator.mediaDevices.getUserMedia({ get video() { read = true; return true; } } as MediaStreamConstraints);
  const during = read;
  (await asked).getTracks().forEach((t) => t.stop());
  return during;
});

const warmMatches = async (context: BrowserContext) => {
  const worker = await extensionWorker(context);
  return worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts({ ids: ["site-warm"] }))[0]?.matches ?? []);
};

test("a site captured on lately loads the pack at start in its top frames only; clearing the history makes it cold again", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const port = new URL(site.origin).port;
  const page = await context.newPage();
  await page.goto(`${site.origin}/index.html`);
  // Cold: the first call brings the pack, and reads its constraints once it is in.
  expect(await readDuringCall(page)).toBe(false);
  // That capture ended: the history has it, and the site is warm.
  await expect.poll(() => warmMatches(context), { timeout: 10_000 }).toEqual([`http://localhost:${port}/*`]);

  await page.goto(`${site.origin}/index.html`);
  expect(await readDuringCall(page)).toBe(true);
  // Its iframes are not warm, nor is another site.
  await page.goto(`${site.origin}/index.html`);
  await page.evaluate(() => new Promise((r) => {
    const f = document.createElement("iframe");
    f.src = "/frame.html";
    f.onload = r;
    document.body.append(f);
  }));
  expect(await readDuringCall(page.frames()[1])).toBe(false);
  const other = await context.newPage();
  await other.goto(`${site.otherOrigin}/index.html`);
  expect(await readDuringCall(other)).toBe(false);
  await other.close();

  const options = await openExtensionPage(context, extensionId, "options/index.html");
  await options.evaluate(() => chrome.runtime.sendMessage({ type: "ui.history.clear" }));
  await expect.poll(() => warmMatches(context), { timeout: 10_000 }).toEqual([]);
  await page.goto(`${site.origin}/index.html`);
  expect(await readDuringCall(page)).toBe(false);
});
