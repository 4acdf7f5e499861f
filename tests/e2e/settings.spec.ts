/**
 * Settings: per-site choices made in the popup reach the site (open pages at once, new pages before
 * their first script), survive service-worker restarts, and corrupt storage is backed up, reported
 * and never silently wiped.
 */
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, extensionWorker, openExtensionPage, stopServiceWorkers, tabIdOf, test } from "./fixtures";


async function firstScriptSemantics(page: Page, url: string) {
  await page.goto(url);
  return page.evaluate(() => (window as unknown as { firstScript: { semantics: string; blankFrame: string } }).firstScript);
}

test.describe("site settings", () => {
  test("the popup switch reaches the site at once, on reload and after a worker restart", async ({ fresh: { context, extensionId }, site }) => {
    const page = await context.newPage();
    const url = `${site.origin}/first-script.html`;
    expect((await firstScriptSemantics(page, url)).semantics).toBe("browser-chooses");

    const popup = await openExtensionPage(context, extensionId, `popup/index.html?tab=${await tabIdOf(context, url)}`);
    await expect(popup.getByText(site.origin, { exact: true })).toBeVisible();
    const toggle = popup.getByRole("switch", { name: /Let me choose devices/ });
    await expect(toggle).not.toBeChecked();
    await toggle.check();
    await expect(popup.getByText("Has its own settings")).toBeVisible();

    // The open page learns it without a reload.
    await expect.poll(() => page.evaluate(() => navigator.mediaDevices.defaultSemantics)).toBe("user-chooses");
    // A new load sees it in its first script, also in its about:blank iframe.
    expect(await firstScriptSemantics(page, url)).toMatchObject({ semantics: "user-chooses", blankFrame: "user-chooses" });
    // Another origin keeps the default.
    expect((await firstScriptSemantics(page, `${site.otherOrigin}/first-script.html`)).semantics).toBe("browser-chooses");

    await stopServiceWorkers(context, extensionId);
    expect((await firstScriptSemantics(page, url)).semantics).toBe("user-chooses");
    await popup.reload();
    await expect(popup.getByRole("switch", { name: /Let me choose devices/ })).toBeChecked();

    // Reset returns the site to the defaults.
    await popup.getByRole("button", { name: "Reset to defaults" }).click();
    await expect(popup.getByText("Follows your defaults")).toBeVisible();
    expect((await firstScriptSemantics(page, url)).semantics).toBe("browser-chooses");
  });

  test("a global default applies to every site except those with their own setting", async ({ fresh: { context, extensionId }, site }) => {
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate((origin) => chrome.runtime.sendMessage({
      type: "ui.setSiteSettings", origin, patch: { semantics: "browser-chooses" },
    }), site.otherOrigin);
    await options.reload();
    await options.locator("#defaults-user-chooses").check();
    await expect(options.getByRole("cell", { name: site.otherOrigin, exact: true })).toBeVisible();
    const page = await context.newPage();
    expect((await firstScriptSemantics(page, `${site.origin}/first-script.html`)).semantics).toBe("user-chooses");
    expect((await firstScriptSemantics(page, `${site.otherOrigin}/first-script.html`)).semantics).toBe("browser-chooses");
    // Its own setting gone, it follows the default too: the registration updated in place keeps
    // no exception of before.
    await options.evaluate((origin) => chrome.runtime.sendMessage({ type: "ui.resetSite", origin }), site.otherOrigin);
    await expect.poll(async () => (await firstScriptSemantics(page, `${site.otherOrigin}/first-script.html`)).semantics)
      .toBe("user-chooses");
  });

  test("the options page edits a site's own settings in its row, and the site gets them", async ({ fresh: { context, extensionId }, site }) => {
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await installWritesDone(options);
    await options.evaluate((origin) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin, patch: { ptz: "allow" } }), site.origin);
    await options.reload();
    const edit = options.getByRole("button", { name: `Edit ${site.origin}` });
    await expect(edit).toHaveAttribute("aria-expanded", "false");
    await edit.click();
    await expect(edit).toHaveAttribute("aria-expanded", "true");
    const group = options.getByRole("group", { name: `Settings for ${site.origin}` });
    // It shows what the site gets: its own PTZ choice, the defaults for the rest.
    await expect(group.getByRole("combobox", { name: "Pan, tilt and zoom" })).toHaveValue("allow");
    await group.getByRole("switch", { name: "Let me choose devices" }).check();
    await expect.poll(() => options.evaluate(() => chrome.storage.local.get("settings").then((s) => (s.settings as { sites: unknown }).sites)))
      .toEqual({ [site.origin]: { ptz: "allow", semantics: "user-chooses" } });
    await expect(options.getByRole("cell", { name: /Let me choose devices: On/ })).toBeVisible();
    const page = await context.newPage();
    expect((await firstScriptSemantics(page, `${site.origin}/first-script.html`)).semantics).toBe("user-chooses");
    expect((await firstScriptSemantics(page, `${site.otherOrigin}/first-script.html`)).semantics).toBe("browser-chooses");
    await edit.click();
    await expect(group).toHaveCount(0);
  });

  test("the popup lists the sites in the page's frames that have settings of their own, and resets them", async ({ fresh: { context, extensionId }, site }) => {
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate((o) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: o, patch: { hideLabels: true } }), site.otherOrigin);
    const page = await context.newPage();
    const url = `${site.origin}/gum-frame.html?src=${encodeURIComponent(`${site.otherOrigin}/gum.html`)}`;
    await page.goto(url);
    await expect.poll(() => page.frames().some((f) => f.url().startsWith(site.otherOrigin))).toBe(true);
    const popup = await openExtensionPage(context, extensionId, `popup/index.html?tab=${await tabIdOf(context, url)}`);
    const frames = popup.getByRole("region", { name: "Sites in this page's frames" });
    await expect(frames).toContainText(site.otherOrigin);
    await expect(frames).toContainText("Hide device names: On");
    await frames.getByRole("button", { name: `Reset the settings of ${site.otherOrigin}` }).click();
    await expect(popup.getByRole("region", { name: "Sites in this page's frames" })).toHaveCount(0);
    expect(await options.evaluate(async (o) =>
      ((await chrome.storage.local.get("settings")).settings as { sites: Record<string, unknown> }).sites[o], site.otherOrigin)).toBeUndefined();
  });

  test("the popup says so plainly on pages where the extension cannot run", async ({ fresh: { context, extensionId } }) => {
    const page = await context.newPage();
    await page.goto("chrome://version");
    // Without the "tabs" permission Chrome hides the URL of pages outside the host permissions.
    const worker = await extensionWorker(context);
    const tabId = await worker.evaluate(async () => (await chrome.tabs.query({})).find((t) => !t.url)!.id!);
    const popup = await openExtensionPage(context, extensionId, `popup/index.html?tab=${tabId}`);
    await expect(popup.getByText(/cannot run on this page/)).toBeVisible();
  });

  test("the popup says so on the Web Store and on extension pages", async ({ fresh: { context, extensionId } }) => {
    // Offline, the store's address shows an error page, but the tab has the store's URL, which is
    // what the popup goes by. (Serving the store with page.route takes the browser down.)
    const store = "https://chromewebstore.google.com/detail/capture-control/abcdefghijklmnopabcdefghijklmnop";
    const page = await context.newPage();
    await page.goto(store).catch(() => undefined);
    // The error page may still be committing.
    const worker = await extensionWorker(context);
    await expect.poll(() => worker.evaluate(async (u) => (await chrome.tabs.query({})).some((t) => t.url === u), store)).toBe(true);
    const popup = await openExtensionPage(context, extensionId, `popup/index.html?tab=${await tabIdOf(context, store)}`);
    await expect(popup.getByText(/cannot run on this page/)).toBeVisible();
    await expect(popup.getByRole("switch")).toHaveCount(0);

    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await popup.goto(`chrome-extension://${extensionId}/popup/index.html?tab=${await tabIdOf(context, options.url())}`);
    await expect(popup.getByText(/cannot run on this page/)).toBeVisible();
  });

  test("malformed settings from an extension page are refused with a clear error", async ({ fresh: { context, extensionId } }) => {
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await installWritesDone(options);
    const outcomes = await options.evaluate(async () => {
      const attempts = [
        { type: "ui.setSiteSettings", origin: "javascript:alert(1)", patch: { hideLabels: true } },
        { type: "ui.setSiteSettings", origin: "https://a.example", patch: { hideLabels: "yes" } },
        { type: "ui.setSiteSettings", origin: "https://a.example", patch: { evil: 1 } },
        { type: "ui.setDefaults", patch: null },
        { type: "ui.noSuchCall" },
      ];
      const results: string[] = [];
      for (const attempt of attempts) {
        results.push(await chrome.runtime.sendMessage(attempt).then(() => "accepted", (e: Error) => e.message));
      }
      const stored = await chrome.storage.local.get("settings");
      return { results, stored: stored.settings as { sites: unknown } };
    });
    expect(outcomes.results).toEqual([
      "not an http(s) origin", 'invalid value for "hideLabels"', 'unknown setting "evil"',
      "settings must be an object", "unknown call ui.noSuchCall",
    ]);
    expect(outcomes.stored.sites).toEqual({});
  });
});

/** The worker writes fresh settings on install; a test that plants data waits for that first. */
async function installWritesDone(page: Page) {
  await expect.poll(() => page.evaluate(() => chrome.storage.local.get("settings").then((s) => !!s.settings))).toBe(true);
}

test.describe("stored data that cannot be read", () => {
  const cases: [string, unknown][] = [
    ["not an object", "{{garbage"],
    ["a newer version", { version: 99, defaults: { semantics: "user-chooses" }, sites: {}, future: true }],
    ["partly invalid", {
      version: 1, defaults: { semantics: "bogus", hideLabels: true },
      sites: { "not a url": { hideLabels: true }, "https://kept.example": { hideLabels: true, ptz: "sideways" } },
    }],
  ];
  for (const [name, corrupt] of cases) {
    test(`is kept as a backup and reported: ${name}`, async ({ fresh: { context, extensionId } }) => {
      const options = await openExtensionPage(context, extensionId, "options/index.html");
      await installWritesDone(options);
      await options.evaluate((value) => chrome.storage.local.set({ settings: value }), corrupt);
      // The worker notices the change and repairs at once; the repair must survive a restart.
      await expect.poll(() => options.evaluate(() => chrome.storage.local.get("storageProblems")
        .then((s) => (s.storageProblems as unknown[] | undefined)?.length ?? 0))).toBe(1);
      await stopServiceWorkers(context, extensionId);
      await options.reload();
      await expect(options.getByRole("alert")).toContainText("could not be read");
      const stored = await options.evaluate(() => chrome.storage.local.get(null)) as Record<string, any>;
      const problems = stored.storageProblems as { backupKey: string; reason: string }[];
      expect(problems).toHaveLength(1);
      expect(stored[problems[0].backupKey]).toEqual(corrupt);
      expect(stored.settings.version).toBe(3);
      if (name === "partly invalid") {
        // What could be read survives.
        expect(stored.settings.defaults.hideLabels).toBe(true);
        expect(stored.settings.sites).toEqual({ "https://kept.example": { hideLabels: true } });
      }
      // Reading again finds nothing new to report.
      await options.reload();
      await expect(options.getByRole("alert")).toBeVisible();
      expect((await options.evaluate(() => chrome.storage.local.get("storageProblems"))).storageProblems).toHaveLength(1);
      // The copy can be downloaded as it was, and the notice dismissed; the copy stays.
      const downloading = options.waitForEvent("download");
      await options.getByRole("button", { name: "Download the copy kept for problem 1" }).click();
      const file = await (await downloading).path();
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(corrupt);
      await options.getByRole("button", { name: "Dismiss problem 1 (its copy is kept)" }).click();
      await expect(options.getByRole("alert")).toHaveCount(0);
      const after = await options.evaluate(() => chrome.storage.local.get(null)) as Record<string, any>;
      expect(after.storageProblems).toEqual([]);
      expect(after[problems[0].backupKey]).toEqual(corrupt);
    });
  }

  test("settings from before versioning are migrated without loss", async ({ fresh: { context, extensionId } }) => {
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await installWritesDone(options);
    await options.evaluate(() => chrome.storage.local.set({
      settings: { userChooses: true, hideLabels: false, perSite: { "https://legacy.example": { userChooses: false, hideLabels: true } } },
    }));
    // The worker notices the change and migrates (its write may come after the reload).
    await expect.poll(() => options.evaluate(() => chrome.storage.local.get("settings")
      .then((s) => (s.settings as { version?: number }).version))).toBe(3);
    await options.reload();
    const stored = await options.evaluate(() => chrome.storage.local.get(null));
    expect(stored.settings).toEqual({
      version: 3,
      defaults: { semantics: "user-chooses", hideLabels: false, ptz: "ask", powerSaving: false, blurBackground: false, frameFace: false },
      sites: { "https://legacy.example": { semantics: "browser-chooses", hideLabels: true } },
    });
    expect(stored.storageProblems ?? []).toEqual([]);
    await expect(options.locator("#defaults-user-chooses")).toBeChecked();
  });
});
