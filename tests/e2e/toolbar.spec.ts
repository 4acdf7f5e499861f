/**
 * The toolbar button shows live capture state per tab: a tab that uses the camera or microphone
 * gets the live icon (red dot) and a title saying what it uses; when its captures end it gets the
 * normal icon and the global title back. Chrome has no getIcon, so the icon is checked through
 * the look the worker records after Chrome accepted setIcon and setTitle (storage.session).
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, extensionWorker, stopServiceWorkers, tabIdOf, test } from "./fixtures";

async function ask(page: Page, key: string, constraints: unknown): Promise<void> {
  await page.evaluate(([k, c]) => (window as any).ask(k, c), [key, constraints] as const);
  await expect.poll(() => page.evaluate((k) => (window as any).outcome(k)?.state, key)).toBe("ok");
}

const stop = (page: Page, key: string) =>
  page.evaluate((k) => (window as any).streams[k].getTracks().forEach((t: MediaStreamTrack) => t.stop()), key);


/** The tab's title as Chrome shows it, and the icon the worker last gave it ("none": Chrome's default). */
async function toolbar(context: BrowserContext, tabId: number): Promise<{ title: string; icon: string }> {
  const worker = await extensionWorker(context);
  return worker.evaluate(async (id) => {
    const stored = (await chrome.storage.session.get("toolbarTabs")).toolbarTabs as { tabs: Record<string, string> } | undefined;
    const look = stored?.tabs[id];
    return { title: await chrome.action.getTitle({ tabId: id }), icon: look === undefined || look === "idle" ? "normal" : "live" };
  }, tabId);
}

const NOTHING = "Capture Control";
const CAMERA = "Capture Control: this tab is using your camera";
const MIC = "Capture Control: this tab is using your microphone";
const BOTH = "Capture Control: this tab is using your camera and microphone";

test("a tab's toolbar icon and title follow its own captures", async ({ fresh: { context, extensionId }, site }) => {
  const a = await context.newPage();
  const urlA = `${site.origin}/gum.html`;
  await a.goto(urlA);
  const b = await context.newPage();
  const urlB = `${site.otherOrigin}/gum.html`;
  await b.goto(urlB);
  const idle = await context.newPage();
  await idle.goto(`${site.origin}/index.html`);
  const [tabA, tabB, tabIdle] = [await tabIdOf(context, urlA), await tabIdOf(context, urlB), await tabIdOf(context, idle.url())];

  await ask(a, "v", { video: true });
  await expect.poll(() => toolbar(context, tabA)).toEqual({ title: CAMERA, icon: "live" });
  await ask(b, "m", { audio: true });
  await expect.poll(() => toolbar(context, tabB)).toEqual({ title: MIC, icon: "live" });
  // A tab that uses nothing shows what is in use anywhere.
  expect(await toolbar(context, tabIdle)).toEqual({ title: "Capture Control: your camera and microphone are in use", icon: "normal" });
  await ask(a, "m", { audio: true });
  await expect.poll(() => toolbar(context, tabA)).toEqual({ title: BOTH, icon: "live" });

  await stop(a, "v");
  await expect.poll(() => toolbar(context, tabA)).toEqual({ title: MIC, icon: "live" });
  await stop(a, "m");
  // Back to the normal icon and the global title, which follows the other tab's microphone.
  await expect.poll(() => toolbar(context, tabA)).toEqual({ title: "Capture Control: your microphone is in use", icon: "normal" });

  // The worker may stop in between: the state is in storage.session.
  await stopServiceWorkers(context, extensionId);
  await stop(b, "m");
  await expect.poll(() => toolbar(context, tabB)).toEqual({ title: NOTHING, icon: "normal" });
  expect(await toolbar(context, tabA)).toEqual({ title: NOTHING, icon: "normal" });

  // A navigation ends the tab's captures; Chrome drops the tab's own values, and the next
  // capture in the new document shows again.
  await ask(a, "again", { video: true });
  await expect.poll(() => toolbar(context, tabA)).toEqual({ title: CAMERA, icon: "live" });
  await a.goto(`${site.origin}/gum.html?next`);
  await expect.poll(() => toolbar(context, tabA)).toEqual({ title: NOTHING, icon: "normal" });
  await ask(a, "new", { video: true });
  await expect.poll(() => toolbar(context, tabA)).toEqual({ title: CAMERA, icon: "live" });
  await a.close();
  await expect.poll(async () => (await extensionWorker(context)).evaluate(() => chrome.action.getTitle({}))).toBe(NOTHING);
});
