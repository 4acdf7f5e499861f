/**
 * Export and import of all settings on the options page (issue 8): a file exported in one profile
 * restores the same settings in a new one, and open pages get them at once; a bad file is refused
 * with its reason and changes nothing in chrome.storage.local, from the page and sent straight to
 * the worker; Cancel changes nothing.
 */
import type { Download, Page } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { expect, extensionWorker, launch, openExtensionPage, test } from "./fixtures";

/** The worker writes fresh settings on install; a test that compares storage waits for that first. */
async function installWritesDone(page: Page) {
  await expect.poll(() => page.evaluate(() => chrome.storage.local.get("settings").then((s) => !!s.settings))).toBe(true);
}

const transfer = (options: Page) => options.getByRole("region", { name: "Export and import settings" });
const storedLocal = (page: Page): Promise<Record<string, any>> => page.evaluate(() => chrome.storage.local.get(null));
const readDownload = async (download: Download) => readFile((await download.path())!, "utf8");

async function pickFile(options: Page, name: string, text: string | Buffer) {
  await options.locator("#settings-import-file").setInputFiles({
    name, mimeType: "application/json", buffer: typeof text === "string" ? Buffer.from(text) : text,
  });
}

async function exportFrom(options: Page): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    options.waitForEvent("download"), options.getByRole("button", { name: "Export settings" }).click(),
  ]);
  return { name: download.suggestedFilename(), text: await readDownload(download) };
}

async function semanticsOf(page: Page) {
  return page.evaluate(() => navigator.mediaDevices.defaultSemantics);
}

test.describe("settings export and import", () => {
  test("a file exported in one profile restores the same settings in a new one, and open pages get them", async ({ fresh, site }) => {
    const source = await openExtensionPage(fresh.context, fresh.extensionId, "options/index.html");
    await installWritesDone(source);
    await source.evaluate(async ({ origin, otherOrigin }) => {
      await chrome.runtime.sendMessage({ type: "ui.setDefaults", patch: { ptz: "block" } });
      await chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin, patch: { semantics: "user-chooses", hideLabels: true } });
      await chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: otherOrigin, patch: { ptz: "allow" } });
      await chrome.storage.local.set({ rememberedDevices: { [origin]: { video: "fake_device_1" } } });
    }, site);
    const exported = await storedLocal(source);

    const file = await exportFrom(source);
    expect(file.name).toMatch(/^capture-control-settings-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(file.text);
    expect(doc).toEqual({
      format: "capture-control-settings", version: 3, exportedAt: expect.any(String),
      settings: { defaults: exported.settings.defaults, sites: exported.settings.sites },
      rememberedDevices: exported.rememberedDevices,
    });
    expect(Math.abs(Date.parse(doc.exportedAt) - Date.now())).toBeLessThan(60_000);

    const target = await launch({ extension: true });
    try {
      const extensionId = new URL((await extensionWorker(target.context)).url()).host;
      const page = await target.context.newPage();
      await page.goto(`${site.origin}/first-script.html`);
      expect(await semanticsOf(page)).toBe("browser-chooses");

      const options = await openExtensionPage(target.context, extensionId, "options/index.html");
      await installWritesDone(options);
      const before = await storedLocal(options);
      await pickFile(options, file.name, file.text);
      const confirm = options.getByRole("group", { name: `Replace your settings with those in ${file.name}?` });
      await expect(confirm).toBeFocused();
      await expect(confirm).toContainText("sites with their own settings: 2");
      await expect(confirm).toContainText("Sites with remembered devices: 1");
      await expect(confirm).toContainText("(now 0)");
      // Nothing is stored before the user confirms.
      expect(await storedLocal(options)).toEqual(before);
      await confirm.getByRole("button", { name: "Replace my settings" }).click();
      await expect(transfer(options).getByRole("status")).toHaveText("Settings imported. Sites with their own settings: 2.");
      await expect(options.getByRole("button", { name: "Import settings…" })).toBeFocused();

      const after = await storedLocal(options);
      expect(after.settings).toEqual(exported.settings);
      expect(after.rememberedDevices).toEqual(exported.rememberedDevices);
      // The previous settings are kept, and this is no storage problem to report.
      const backups = Object.keys(after).filter((key) => key.startsWith("backup:settings-import:"));
      expect(backups).toHaveLength(1);
      expect(after[backups[0]]).toEqual({ settings: before.settings, rememberedDevices: null });
      expect(after.storageProblems ?? []).toEqual([]);
      await expect(options.getByRole("cell", { name: site.otherOrigin, exact: true })).toBeVisible();
      await expect(options.locator("#defaults-ptz")).toHaveValue("block");

      // The open page hears of it at once, as after a change in the popup; a new load too.
      await expect.poll(() => semanticsOf(page)).toBe("user-chooses");
      await page.reload();
      expect(await page.evaluate(() => (window as unknown as { firstScript: { semantics: string } }).firstScript.semantics)).toBe("user-chooses");
      const other = await target.context.newPage();
      await other.goto(`${site.otherOrigin}/first-script.html`);
      expect(await semanticsOf(other)).toBe("browser-chooses");
    } finally {
      await target.close();
    }
  });

  test("a bad file is refused with what is wrong in it, and nothing is stored", async ({ fresh, site }) => {
    const options = await openExtensionPage(fresh.context, fresh.extensionId, "options/index.html");
    await installWritesDone(options);
    await options.evaluate((origin) => chrome.runtime.sendMessage({
      type: "ui.setSiteSettings", origin, patch: { hideLabels: true },
    }), site.origin);
    await options.reload();
    const good = JSON.parse((await exportFrom(options)).text);
    const variant = (change: (doc: any) => void) => {
      const doc = structuredClone(good);
      change(doc);
      return JSON.stringify(doc);
    };
    const cases: [string, string | Buffer, string][] = [
      ["not JSON", "settings: yes", "the file is not JSON"],
      ["a history export", JSON.stringify({ format: "capture-control-history", version: 1, entries: [] }),
        'format: expected "capture-control-settings", found "capture-control-history"'],
      ["a newer version", variant((d) => { d.version = 4; }),
        "version: the file is from a newer Capture Control (settings version 4; this one reads up to 3)"],
      ["an unknown setting", variant((d) => { d.settings.defaults.volume = 11; }), "settings.defaults.volume: unknown setting"],
      ["an invalid value", variant((d) => { d.settings.sites["https://a.example"] = { hideLabels: "yes" }; }),
        'settings.sites["https://a.example"].hideLabels: invalid value "yes"'],
      ["a non-http(s) origin", variant((d) => { d.settings.sites["chrome://settings"] = { ptz: "allow" }; }),
        'settings.sites["chrome://settings"]: not an http(s) origin'],
      ["a file over 1 MB", Buffer.alloc(1_000_001, " "), "the file is larger than 1 MB"],
    ];
    const before = await storedLocal(options);
    for (const [name, text, reason] of cases) {
      await pickFile(options, `${name}.json`, text);
      await expect(transfer(options).getByRole("alert")).toHaveText(`${name}.json was not imported: ${reason}. Your settings are unchanged.`);
      await expect(options.getByRole("group", { name: /Replace your settings/ })).toHaveCount(0);
      expect(await storedLocal(options), name).toEqual(before);
    }

    // The worker refuses them on its own, whatever the page checked; a file over 1 MB included.
    const refusals = await options.evaluate(async (texts) => {
      const out: string[] = [];
      for (const text of texts) {
        out.push(await chrome.runtime.sendMessage({ type: "ui.settings.import", text }).then(() => "accepted", (e: Error) => e.message));
      }
      out.push(await chrome.runtime.sendMessage({ type: "ui.settings.import" }).then(() => "accepted", (e: Error) => e.message));
      return out;
    }, [...cases.slice(0, -1).map(([, text]) => text as string), JSON.stringify({ ...good, exportedAt: "x".repeat(1_000_000) })]);
    expect(refusals).toEqual([...cases.slice(0, -1).map(([, , reason]) => reason), "the file is larger than 1 MB", "the file's text is missing"]);
    expect(await storedLocal(options)).toEqual(before);
    await expect(options.getByRole("cell", { name: site.origin, exact: true })).toBeVisible();
  });

  test("Cancel changes nothing", async ({ fresh, site }) => {
    const options = await openExtensionPage(fresh.context, fresh.extensionId, "options/index.html");
    await installWritesDone(options);
    const file = await exportFrom(options);
    const doc = JSON.parse(file.text);
    doc.settings.sites[site.origin] = { semantics: "user-chooses" };
    const page = await fresh.context.newPage();
    await page.goto(`${site.origin}/first-script.html`);
    const before = await storedLocal(options);

    await pickFile(options, file.name, JSON.stringify(doc));
    const confirm = options.getByRole("group", { name: /Replace your settings/ });
    await expect(confirm).toContainText("sites with their own settings: 1");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toHaveCount(0);
    await expect(options.getByRole("button", { name: "Import settings…" })).toBeFocused();
    await expect(transfer(options).getByRole("alert")).toHaveCount(0);
    await expect(transfer(options).getByRole("status")).toHaveText("");
    expect(await storedLocal(options)).toEqual(before);
    expect(await semanticsOf(page)).toBe("browser-chooses");
  });
});
