/**
 * Onboarding: installing the extension opens the welcome page, which explains the three features,
 * gets the extension's own camera and microphone grant (tracks stopped at once) and reloads the
 * tabs that have no content scripts because they were open before the install.
 */
import type { BrowserContext, ConsoleMessage, Page } from "@playwright/test";
import { expect, extensionWorker, launch, openExtensionPage, stopServiceWorkers, test } from "./fixtures";
import { welcomePage } from "../../scripts/welcome-page.mjs";

function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m: ConsoleMessage) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

async function tabIdOf(context: BrowserContext, url: string): Promise<number> {
  const worker = await extensionWorker(context);
  return worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, url);
}

test("install opens the welcome page once; its button gets the extension's own grant and stops the tracks", async () => {
  // Without the fake UI, so that the grant is the browser's answer (set through CDP, as a person
  // would answer the prompt) and not given to everyone in advance.
  const { context, close } = await launch({ extension: true, welcome: true, fakeUi: false });
  try {
    const page = await welcomePage(context);
    expect(page).not.toBeNull();
    const welcome = page!;
    const errors = consoleErrors(welcome);
    const extensionId = new URL(welcome.url()).host;
    await expect(welcome).toHaveTitle("Welcome to Capture Control");
    await expect(welcome.getByRole("heading", { level: 1 })).toHaveText("Welcome to Capture Control");
    for (const name of [/choose the device/, /Moving your camera/, /which site uses what/]) {
      await expect(welcome.getByRole("heading", { level: 3, name })).toBeVisible();
    }
    // Record the streams the page gets, to see that every track is stopped.
    await welcome.evaluate(() => {
      const native = MediaDevices.prototype.getUserMedia;
      const streams: MediaStream[] = [];
      (window as unknown as { streams: MediaStream[] }).streams = streams;
      MediaDevices.prototype.getUserMedia = async function (constraints) {
        const stream = await native.call(this, constraints);
        streams.push(stream);
        return stream;
      };
    });
    const cdp = await context.newCDPSession(welcome);
    const answer = async (setting: "granted" | "denied") => {
      for (const name of ["camera", "microphone"]) {
        await cdp.send("Browser.setPermission", { permission: { name }, setting, origin: `chrome-extension://${extensionId}` });
      }
    };
    const button = welcome.getByRole("button", { name: "Give Capture Control access" });
    const status = welcome.locator("#access-heading ~ [role=status]");

    await answer("denied");
    await button.click();
    await expect(status).toContainText("The browser did not give Capture Control access (NotAllowedError)");

    await answer("granted");
    await button.click();
    await expect(status).toContainText("Done: Capture Control sees your devices by name");
    await expect(status.getByRole("list", { name: "Your devices" })).toContainText("fake_device_0");
    await expect(button).toHaveCount(0);
    const tracks = await welcome.evaluate(() => (window as unknown as { streams: MediaStream[] }).streams
      .flatMap((s) => s.getTracks().map((t) => `${t.kind}:${t.readyState}`)));
    expect(tracks.sort()).toEqual(["audio:ended", "video:ended"]);

    // Opened again later, it says the grant is there.
    await welcome.reload();
    await expect(welcome.locator("#access-heading ~ [role=status]")).toContainText("already has access");
    expect(errors).toEqual([]);

    // Only an install opens it: a worker restart does not.
    await stopServiceWorkers(context, extensionId);
    await openExtensionPage(context, extensionId, "options/index.html");
    await new Promise((r) => setTimeout(r, 1000));
    expect(context.pages().filter((p) => p.url().includes("/welcome/"))).toHaveLength(1);
    await cdp.detach();
  } finally {
    await close();
  }
});

test("lists the tabs without Capture Control and reloads them", async ({ fresh: { context, extensionId }, site }) => {
  const before = await context.newPage();
  await before.goto(`${site.origin}/gum.html`);
  const after = await context.newPage();
  await after.goto(`${site.otherOrigin}/index.html`);
  // A tab opened before the install has no isolated-world bridge: take it out of the first one.
  const worker = await extensionWorker(context);
  const beforeTab = await tabIdOf(context, `${site.origin}/gum.html`);
  await worker.evaluate((tabId) => chrome.scripting.executeScript({
    target: { tabId }, func: () => { delete (globalThis as { captureControlBridge?: boolean }).captureControlBridge; },
  }), beforeTab);
  for (const page of [before, after]) await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1; });

  const welcome = await openExtensionPage(context, extensionId, "welcome/index.html");
  const errors = consoleErrors(welcome);
  const list = welcome.getByRole("list", { name: "Tabs to reload" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list).toContainText("getUserMedia test page");
  const reloaded = before.waitForEvent("load");
  await welcome.getByRole("button", { name: "Reload these tabs" }).click();
  await reloaded;
  await expect(welcome.getByRole("status").filter({ hasText: "Reloaded" })).toBeVisible();
  expect(await before.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
  // The untouched tab was not reloaded, and the reloaded one now has Capture Control.
  expect(await after.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  expect(await before.evaluate(() => typeof navigator.mediaDevices.defaultSemantics)).toBe("string");
  await welcome.reload();
  await expect(welcome.getByText("No open tab needs a reload.")).toBeVisible();
  expect(errors).toEqual([]);
});
