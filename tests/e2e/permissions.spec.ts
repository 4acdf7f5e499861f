/**
 * The browser's own camera and microphone permission per site, shown and changed in the popup and
 * options page through chrome.contentSettings, remembered devices with Forget, and one-time grants
 * undone once no tab shows the site.
 *
 * These tests run WITHOUT --use-fake-ui-for-media-stream: the fake UI grants everything and ignores
 * "block". Headless Chromium then denies getUserMedia unless the site is allowed.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, extensionWorker, launch, openExtensionPage, tabIdOf, test as base, type FreshBrowser } from "./fixtures";

const test = base.extend<{ realUi: FreshBrowser }>({
  realUi: async ({}, use) => {
    const { context, close } = await launch({ extension: true, fakeUi: false });
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    await use({ context, extensionId });
    await close();
  },
});

type Kind = "video" | "audio";


async function openSite(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/index.html`);
  return page;
}

async function openPopupFor(context: BrowserContext, extensionId: string, page: Page): Promise<Page> {
  return openExtensionPage(context, extensionId, `popup/index.html?tab=${await tabIdOf(context, page.url())}`);
}

/** What the site gets from getUserMedia: "live" or the error's name. Tracks are kept on window. */
function capture(page: Page, kind: Kind): Promise<string> {
  return page.evaluate(async (kind) => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: true });
      ((window as unknown as { tracks?: MediaStreamTrack[] }).tracks ??= []).push(...stream.getTracks());
      return stream.getTracks()[0].readyState;
    } catch (e) {
      return (e as Error).name;
    }
  }, kind);
}

function trackStates(page: Page): Promise<string[]> {
  return page.evaluate(() => ((window as unknown as { tracks?: MediaStreamTrack[] }).tracks ?? []).map((t) => t.readyState));
}

function permissionState(page: Page, kind: Kind): Promise<string> {
  return page.evaluate(async (name) => (await navigator.permissions.query({ name: name as PermissionName })).state,
    kind === "video" ? "camera" : "microphone");
}

/** The content setting as the service worker reads it, for an origin. */
async function contentSetting(context: BrowserContext, origin: string, kind: Kind): Promise<string> {
  const worker = await extensionWorker(context);
  return worker.evaluate(async ({ origin, kind }) => {
    const type = kind === "video" ? chrome.contentSettings.camera : chrome.contentSettings.microphone;
    return (await type.get({ primaryUrl: `${origin}/` })).setting;
  }, { origin, kind });
}

async function setContentSetting(context: BrowserContext, origin: string, kind: Kind, setting: string): Promise<void> {
  const worker = await extensionWorker(context);
  await worker.evaluate(async ({ origin, kind, setting }) => {
    const type = kind === "video" ? chrome.contentSettings.camera : chrome.contentSettings.microphone;
    const url = new URL(origin);
    const port = url.port || (url.protocol === "https:" ? "443" : "80");
    await type.set({ primaryPattern: `${url.protocol}//${url.hostname}:${port}/*`, setting: setting as "allow" });
  }, { origin, kind, setting });
}

test.describe("browser permission in the popup", () => {
  test("Allow grants the site at once; Block ends its tracks and denies it; other sites are untouched", async ({ realUi: { context, extensionId }, site }) => {
    const page = await openSite(context, site.origin);
    const other = await openSite(context, site.otherOrigin);
    expect(await permissionState(page, "video")).toBe("prompt");

    const popup = await openPopupFor(context, extensionId, page);
    const camera = popup.getByRole("combobox", { name: "Camera", exact: true });
    const microphone = popup.getByRole("combobox", { name: "Microphone", exact: true });
    await expect(camera).toHaveValue("ask");
    await expect(microphone).toHaveValue("ask");

    await camera.selectOption({ label: "Allow" });
    await expect.poll(() => permissionState(page, "video")).toBe("granted");
    expect(await capture(page, "video")).toBe("live");
    // Only the camera, and only this origin (the other one differs by host only).
    expect(await capture(page, "audio")).toBe("NotAllowedError");
    expect(await capture(other, "video")).toBe("NotAllowedError");
    expect(await permissionState(other, "video")).not.toBe("granted");

    await microphone.selectOption({ label: "Allow" });
    await expect.poll(() => permissionState(page, "audio")).toBe("granted");
    expect(await capture(page, "audio")).toBe("live");

    await camera.selectOption({ label: "Block" });
    await expect.poll(() => permissionState(page, "video")).toBe("denied");
    expect(await capture(page, "video")).toBe("NotAllowedError");
    // The camera track ended (as the popup says); the microphone track did not.
    await expect.poll(() => trackStates(page)).toEqual(["ended", "live"]);
    expect(await contentSetting(context, site.origin, "video")).toBe("block");

    // The choice is what the popup shows next time.
    await popup.reload();
    await expect(popup.getByRole("combobox", { name: "Camera", exact: true })).toHaveValue("block");
    await expect(popup.getByRole("combobox", { name: "Microphone", exact: true })).toHaveValue("allow");
  });

  test("Ask takes back an Allow and ends the site's tracks", async ({ realUi: { context, extensionId }, site }) => {
    const page = await openSite(context, site.origin);
    await setContentSetting(context, site.origin, "video", "allow");
    expect(await capture(page, "video")).toBe("live");
    const popup = await openPopupFor(context, extensionId, page);
    const camera = popup.getByRole("combobox", { name: "Camera", exact: true });
    await expect(camera).toHaveValue("allow");
    await camera.selectOption("ask");
    await expect.poll(() => trackStates(page)).toEqual(["ended"]);
    expect(await capture(page, "video")).toBe("NotAllowedError");
    expect(await contentSetting(context, site.origin, "video")).toBe("ask");
  });

  test("the popup shows a permission set elsewhere", async ({ realUi: { context, extensionId }, site }) => {
    const page = await openSite(context, site.origin);
    await setContentSetting(context, site.origin, "audio", "allow");
    // Headless Chromium answers its own prompt with "Block" and stores it as the user's choice.
    expect(await capture(page, "video")).toBe("NotAllowedError");
    const popup = await openPopupFor(context, extensionId, page);
    const camera = popup.getByRole("combobox", { name: "Camera", exact: true });
    await expect(camera).toHaveValue("block");
    await expect(popup.getByRole("combobox", { name: "Microphone", exact: true })).toHaveValue("allow");

    // Keyboard only: focus the select and pick "Ask" with the arrow keys.
    await camera.focus();
    await popup.keyboard.press("ArrowUp");
    await expect(camera).toHaveValue("ask");
    await expect.poll(() => permissionState(page, "video")).toBe("prompt");
  });
});

test.describe("remembered devices", () => {
  test("are listed in the popup and the options page, and Forget removes them", async ({ realUi: { context, extensionId }, site }) => {
    const page = await openSite(context, site.origin);
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate((origin) => chrome.storage.local.set({
      rememberedDevices: { [origin]: { video: "fake_device_1", audio: "Fake Audio Input 1" }, "https://kept.example": { video: "Cam" } },
    }), site.origin);

    const popup = await openPopupFor(context, extensionId, page);
    await expect(popup.getByText("Remembered camera: fake_device_1")).toBeVisible();
    await expect(popup.getByText("Remembered microphone: Fake Audio Input 1")).toBeVisible();
    await popup.getByRole("button", { name: "Forget the remembered camera" }).click();
    await expect(popup.getByText("Remembered camera: fake_device_1")).toHaveCount(0);
    // Focus stays on the camera row, not lost to the page.
    await expect(popup.getByRole("combobox", { name: "Camera", exact: true })).toBeFocused();
    const stored = () => options.evaluate(() => chrome.storage.local.get("rememberedDevices").then((s) => s.rememberedDevices));
    expect(await stored()).toEqual({ [site.origin]: { audio: "Fake Audio Input 1" }, "https://kept.example": { video: "Cam" } });

    // The options page lists sites that only have remembered devices, with their permissions.
    await options.reload();
    await expect(options.getByRole("cell", { name: site.origin, exact: true })).toBeVisible();
    await expect(options.getByRole("cell", { name: "https://kept.example", exact: true })).toBeVisible();
    await expect(options.getByRole("combobox", { name: `Camera permission for ${site.origin}` })).toHaveValue("ask");
    await expect(options.getByText("Remembered microphone: Fake Audio Input 1")).toBeVisible();
    await options.getByRole("button", { name: `Forget the remembered microphone of ${site.origin}` }).click();
    // Nothing is left for the site: its row goes away.
    await expect(options.getByRole("cell", { name: site.origin, exact: true })).toHaveCount(0);
    expect(await stored()).toEqual({ "https://kept.example": { video: "Cam" } });

    await popup.reload();
    await expect(popup.getByRole("combobox", { name: "Camera", exact: true })).toBeVisible();
    await expect(popup.getByText(/Remembered/)).toHaveCount(0);
  });

  test("the options page changes a listed site's permission", async ({ realUi: { context, extensionId }, site }) => {
    const page = await openSite(context, site.origin);
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate((origin) => chrome.runtime.sendMessage({
      type: "ui.setSiteSettings", origin, patch: { hideLabels: true },
    }), site.origin);
    await options.reload();
    await options.getByRole("combobox", { name: `Microphone permission for ${site.origin}` }).selectOption("allow");
    await expect.poll(() => permissionState(page, "audio")).toBe("granted");
    expect(await contentSetting(context, site.origin, "video")).toBe("ask");
  });
});

test("forged or malformed permission calls are refused with a clear error and change nothing", async ({ realUi: { context, extensionId }, site }) => {
  const options = await openExtensionPage(context, extensionId, "options/index.html");
  await options.evaluate((origin) => chrome.storage.local.set({ rememberedDevices: { [origin]: { video: "fake_device_1" } } }), site.origin);
  const results = await options.evaluate(async (origin) => {
    const attempts: Record<string, unknown>[] = [
      { type: "ui.setPermission", origin: "javascript:alert(1)", kind: "video", setting: "allow" },
      { type: "ui.setPermission", origin: `${origin}/index.html`, kind: "video", setting: "allow" },
      { type: "ui.setPermission", origin: "*://*/*", kind: "video", setting: "allow" },
      { type: "ui.setPermission", kind: "video", setting: "allow" },
      { type: "ui.setPermission", origin, kind: "screen", setting: "allow" },
      { type: "ui.setPermission", origin, kind: "video", setting: "session_only" },
      { type: "ui.setPermission", origin, kind: "video" },
      { type: "ui.setPermission", origin: "http://[::1]:8080", kind: "video", setting: "allow" },
      { type: "ui.getPermissions", origin: 42 },
      { type: "ui.forgetDevice", origin, kind: "everything" },
      { type: "ui.forgetDevice", origin: "file:///etc/passwd" },
    ];
    const out: string[] = [];
    for (const attempt of attempts) {
      out.push(await chrome.runtime.sendMessage(attempt).then(() => "accepted", (e: Error) => e.message));
    }
    return out;
  }, site.origin);
  const badOrigin = "origin must be an http(s) origin such as https://example.com";
  expect(results).toEqual([
    badOrigin, badOrigin, badOrigin, badOrigin,
    'kind must be "video" or "audio"', 'setting must be "allow", "ask" or "block"', 'setting must be "allow", "ask" or "block"',
    "the browser cannot keep a camera or microphone permission for http://[::1]:8080",
    badOrigin, 'kind must be "video" or "audio"', badOrigin,
  ]);
  expect(await contentSetting(context, site.origin, "video")).toBe("ask");
  expect(await contentSetting(context, "http://[::1]:8080", "video")).toBe("ask");
  expect(await options.evaluate(() => chrome.storage.local.get("rememberedDevices").then((s) => s.rememberedDevices)))
    .toEqual({ [site.origin]: { video: "fake_device_1" } });
  // A valid call through the same path works, so the refusals above are the validation's doing.
  const answer = await options.evaluate((origin) => chrome.runtime.sendMessage({ type: "ui.getPermissions", origin }), site.origin);
  expect(answer).toEqual({ video: "ask", audio: "ask", remembered: { video: "fake_device_1" } });
});

test.describe("one-time grants", () => {
  /** Plants what grantForPicker leaves behind for a one-time grant: the site allowed, and the record. */
  async function plantGrant(context: BrowserContext, extensionId: string, records: { origin: string; kind: Kind }[]) {
    for (const { origin, kind } of records) await setContentSetting(context, origin, kind, "allow");
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate((records) => chrome.storage.local.set({
      oneTimeGrants: records.map((r) => ({ ...r, previous: "ask" })),
    }), records);
    return options;
  }
  const grantsLeft = (page: Page) => page.evaluate(() => chrome.storage.local.get("oneTimeGrants").then((s) => s.oneTimeGrants ?? []));

  test("last until no tab shows the site, and live tracks survive until then", async ({ realUi: { context, extensionId }, site }) => {
    const unrelated = "https://unrelated.example";
    const capturing = await openSite(context, site.origin);
    const second = await openSite(context, site.origin);
    const options = await plantGrant(context, extensionId, [
      { origin: site.origin, kind: "video" }, { origin: unrelated, kind: "video" },
    ]);
    expect(await capture(capturing, "video")).toBe("live");

    // Closing one of two tabs of the site: the check runs (the site without tabs is undone) ...
    await second.close();
    await expect.poll(() => contentSetting(context, unrelated, "video")).toBe("ask");
    // ... but this site keeps its grant and its track.
    expect(await contentSetting(context, site.origin, "video")).toBe("allow");
    expect(await trackStates(capturing)).toEqual(["live"]);
    expect(await grantsLeft(options)).toEqual([{ origin: site.origin, kind: "video", previous: "ask" }]);

    // Leaving the site in its last tab undoes the grant.
    await capturing.goto(`${site.otherOrigin}/index.html`);
    await expect.poll(() => contentSetting(context, site.origin, "video")).toBe("ask");
    expect(await grantsLeft(options)).toEqual([]);
    const back = await openSite(context, site.origin);
    expect(await capture(back, "video")).toBe("NotAllowedError");
  });

  test("left over after the worker stopped are undone when it starts again", async ({ realUi: { context, extensionId }, site }) => {
    // No tab may open, close or navigate from here until the worker restarts: a tab event would
    // run the check in the running worker and prove nothing about start-up.
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await setContentSetting(context, site.origin, "audio", "allow");
    const worker = await extensionWorker(context);
    await worker.evaluate((origin) => chrome.storage.local.set({
      oneTimeGrants: [{ origin, kind: "audio", previous: "ask" }],
    }), site.origin);
    const cdp = await context.newCDPSession(options);
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await cdp.detach();
    expect(await grantsLeft(options)).toHaveLength(1);

    // Any event starts the worker again; a message from an extension page is one.
    await options.evaluate(() => chrome.runtime.sendMessage({ type: "ui.getState" }));
    await expect.poll(() => grantsLeft(options)).toEqual([]);
    const siteTab = await openSite(context, site.origin);
    expect(await permissionState(siteTab, "audio")).toBe("prompt");
    expect(await capture(siteTab, "audio")).toBe("NotAllowedError");
  });

  test("the popup says a one-time Allow lasts until the site is closed, and Keep allowing makes it lasting", async ({ realUi: { context, extensionId }, site }) => {
    const page = await openSite(context, site.origin);
    const options = await plantGrant(context, extensionId, [{ origin: site.origin, kind: "video" }]);
    const popup = await openPopupFor(context, extensionId, page);
    await expect(popup.getByRole("combobox", { name: "Camera", exact: true })).toHaveValue("allow");
    await expect(popup.getByText("Allowed until you close the site.")).toHaveCount(1); // the camera only
    await popup.getByRole("button", { name: "Keep allowing" }).click();
    await expect(popup.getByText("Allowed until you close the site.")).toHaveCount(0);
    await expect.poll(() => grantsLeft(options)).toEqual([]);
    await page.close();
    const other = await openSite(context, site.otherOrigin);
    await other.close();
    expect(await contentSetting(context, site.origin, "video")).toBe("allow");
  });

  test("a permission the user sets is never undone by an older one-time grant", async ({ realUi: { context, extensionId }, site }) => {
    const page = await openSite(context, site.origin);
    const options = await plantGrant(context, extensionId, [{ origin: site.origin, kind: "video" }]);
    const popup = await openPopupFor(context, extensionId, page);
    const camera = popup.getByRole("combobox", { name: "Camera", exact: true });
    await expect(camera).toHaveValue("allow");
    // The user blocks, then allows again: both are their own choices.
    await camera.selectOption("block");
    await expect.poll(() => grantsLeft(options)).toEqual([]);
    await camera.selectOption("allow");
    await expect.poll(() => contentSetting(context, site.origin, "video")).toBe("allow");
    await page.close();
    await popup.close();
    // Another tab event runs the check: the user's Allow stays.
    const other = await openSite(context, site.otherOrigin);
    await other.close();
    expect(await contentSetting(context, site.origin, "video")).toBe("allow");
  });
});
