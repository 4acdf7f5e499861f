/**
 * The device picker page on its own, through its demo prompt (?demo=...), which never talks to
 * the service worker. The full flow (a site asks, the user picks, the site gets the device) is
 * tested with the prompt queue.
 */
import type { Page } from "@playwright/test";
import { expect, extensionWorker, launch, openExtensionPage, test } from "./fixtures";

async function openDemo(page: Page, extensionId: string, query: string): Promise<void> {
  await page.goto(`chrome-extension://${extensionId}/extension/picker/index.html?${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.paintedAt !== undefined);
}

const demoAnswer = async (page: Page) =>
  JSON.parse((await page.getByRole("status").innerText()).replace(/^[^{]*/, "")) as unknown;

test("names the site, offers devices by label and pre-selects the remembered one", async ({ page, extensionId }) => {
  await openDemo(page, extensionId, "demo=1");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("https://meet.rather-long-subdomain");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("wants to use your camera and microphone");
  await expect(page.getByText("Embedded in https://intranet.example.org")).toBeVisible();
  await expect(page.getByRole("group", { name: "Camera" }).getByRole("radio")).toHaveCount(3);
  await expect(page.getByRole("radio", { name: "fake_device_0" })).toBeChecked();
  await expect(page.getByRole("radio", { name: "Fake Audio Input 2" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Remember for this site" })).toBeChecked();
  await expect(page.getByRole("meter", { name: "Microphone level" })).toBeVisible();
  await expect.poll(() => page.locator("video").evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
});

test("Allow stays inactive for a moment after the window appears or regains focus", async ({ page, extensionId }) => {
  // Timestamps of the Allow button's states, taken in the page, so a slow machine cannot blur them.
  await page.addInitScript(() => {
    const log: [string, number][] = [];
    (window as unknown as { allowLog: typeof log }).allowLog = log;
    let last: string | null = null;
    new MutationObserver(() => {
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent?.startsWith("Allow"));
      const state = button ? (button.disabled ? "disabled" : "enabled") : null;
      if (state && state !== last) log.push([state, performance.now()]);
      last = state;
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await openDemo(page, extensionId, "demo=video");
  const allow = page.getByRole("button", { name: /^Allow/ });
  await expect(allow).toBeEnabled();
  const log = () => page.evaluate(() => (window as unknown as { allowLog: [string, number][] }).allowLog);
  const [appeared, armed] = await log();
  expect(appeared[0]).toBe("disabled");
  expect(armed[0]).toBe("enabled");
  expect(armed[1] - appeared[1]).toBeGreaterThanOrEqual(400);

  const focusedAt = await page.evaluate(async () => {
    window.dispatchEvent(new FocusEvent("blur"));
    const at = performance.now();
    window.dispatchEvent(new FocusEvent("focus"));
    // Enter while disarmed does nothing.
    await new Promise(requestAnimationFrame);
    document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    return at;
  });
  await expect(allow).toBeEnabled();
  const after = (await log()).slice(2);
  expect(after[0][0]).toBe("disabled");
  expect(after[1][0]).toBe("enabled");
  expect(after[1][1] - focusedAt).toBeGreaterThanOrEqual(400);
  await expect(page.getByRole("status")).toHaveCount(0);
});

test("answers with the chosen devices' label and ordinal, and stops every preview first", async ({ page, extensionId }) => {
  await page.addInitScript(() => {
    const native = MediaDevices.prototype.getUserMedia;
    const streams: MediaStream[] = [];
    (window as unknown as { previewStreams: MediaStream[] }).previewStreams = streams;
    MediaDevices.prototype.getUserMedia = async function (constraints) {
      const stream = await native.call(this, constraints);
      streams.push(stream);
      return stream;
    };
  });
  await openDemo(page, extensionId, "demo=1");
  await page.getByRole("radio", { name: "fake_device_2" }).check();
  await expect.poll(() => page.locator("video").evaluate((v: HTMLVideoElement) =>
    (v.srcObject as MediaStream | null)?.getVideoTracks()[0]?.label)).toBe("fake_device_2");
  await page.getByRole("radio", { name: "Fake Audio Input 1" }).check();
  await page.getByRole("checkbox", { name: "Remember for this site" }).uncheck();
  await expect(page.getByRole("button", { name: /^Allow/ })).toBeEnabled();
  await page.keyboard.press("Enter");
  expect(await demoAnswer(page)).toEqual({
    choice: { video: { label: "fake_device_2", ordinal: 0 }, audio: { label: "Fake Audio Input 1", ordinal: 0 } },
    remember: false,
  });
  const states = await page.evaluate(() => (window as unknown as { previewStreams: MediaStream[] }).previewStreams
    .flatMap((s) => s.getTracks().map((t) => t.readyState)));
  expect(states.length).toBeGreaterThan(0);
  expect(states.every((s) => s === "ended")).toBe(true);
});

test("Escape cancels; the disclosure says when the site already has the permission", async ({ page, extensionId }) => {
  await openDemo(page, extensionId, "demo=audio&allowed=1");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("wants to use your microphone");
  await expect(page.getByRole("button", { name: /^Allow/ })).toHaveAccessibleDescription(/already use all your microphones/);
  await page.keyboard.press("Escape");
  expect(await demoAnswer(page)).toEqual({ choice: null, remember: true });
});

test("a prompt that is gone says so and closes", async ({ extContext, extensionId }) => {
  const page = await openExtensionPage(extContext, extensionId, "extension/picker/index.html?prompt=no-such-prompt");
  await expect(page.getByRole("alert")).toContainText("no longer waiting");
  await page.waitForEvent("close", { timeout: 5000 });
});

test("without its own grant the picker asks for it and keeps Allow off until labels are known", async () => {
  const { context, close } = await launch({ extension: true, fakeUi: false });
  try {
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    const page = await context.newPage();
    await openDemo(page, extensionId, "demo=1");
    const give = page.getByRole("button", { name: "Give Capture Control access" });
    await expect(give).toBeVisible();
    await expect(page.getByRole("radio")).toHaveCount(0);
    await page.waitForTimeout(500);
    await expect(page.getByRole("button", { name: /^Allow/ })).toBeDisabled();
    // Headless Chromium without fake UI denies: the picker says so.
    await give.click();
    await expect(page.getByRole("alert")).toContainText("did not give Capture Control access");
    // As onboarding would: the extension's own origin gets the grant; now the labels show.
    const cdp = await context.newCDPSession(page);
    for (const name of ["camera", "microphone"]) {
      await cdp.send("Browser.setPermission", { permission: { name }, setting: "granted", origin: `chrome-extension://${extensionId}` });
    }
    await give.click();
    await expect(page.getByRole("radio", { name: "fake_device_0" })).toBeChecked();
    await expect(page.getByRole("button", { name: /^Allow/ })).toBeEnabled();
  } finally {
    await close();
  }
});
