/**
 * Every page of the extension, in the light and the dark colour scheme: no console errors, and
 * axe-core finds no serious or critical violation (contrast, names of controls, structure).
 * The pages are shown with content: a live PTZ capture for the popup (In use now, sliders), a site
 * with its own settings and a history for the options page (also with a settings file to import
 * waiting for confirmation, and with one refused), the picker's and the PTZ prompt's demo
 * views, and the welcome page.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { expect, extensionWorker, launch, test } from "./fixtures";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PTZ_CAMERA = "--use-fake-device-for-media-stream=device-count=3,hardware-support=pan-tilt-zoom";

interface Violation { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }

let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let extensionId: string;
let cdp: CDPSession;
let livePage: Page;
let liveTabId: number;
let blankTabId: number;

async function tabIdOf(url: string): Promise<number> {
  const worker = await extensionWorker(context);
  return worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, url);
}

function pickSettingsFile(page: Page, text: string) {
  return page.locator("#settings-import-file").setInputFiles({ name: "settings.json", mimeType: "application/json", buffer: Buffer.from(text) });
}

const pages: { name: string; path: () => string; ready: (page: Page) => Promise<void> }[] = [
  {
    name: "popup with a live PTZ capture",
    path: () => `popup/index.html?tab=${liveTabId}`,
    ready: async (page) => {
      await expect(page.getByRole("slider", { name: "Pan" })).toBeVisible();
      // Controls are named by what they act on; hints describe, they do not name.
      await expect(page.getByRole("button", { name: /^Stop Camera fake_device_0 on http:\/\/localhost:\d+$/ })).toBeVisible();
      await expect(page.getByRole("switch", { name: "Let me choose devices", exact: true })).toHaveAccessibleDescription(/Ask me which camera/);
      await expect(page.getByRole("combobox", { name: "Camera", exact: true })).toBeVisible();
    },
  },
  {
    name: "popup on a page where it cannot run",
    path: () => `popup/index.html?tab=${blankTabId}`,
    ready: async (page) => { await expect(page.getByText(/cannot run on this page/)).toBeVisible(); },
  },
  {
    name: "options",
    path: () => "options/index.html",
    ready: async (page) => {
      await expect(page.getByRole("heading", { name: "Sites with their own settings" })).toBeVisible();
      await expect(page.locator(".history table").first()).toBeVisible();
    },
  },
  {
    name: "options with a settings file waiting for confirmation",
    path: () => "options/index.html",
    ready: async (page) => {
      await pickSettingsFile(page, JSON.stringify({
        format: "capture-control-settings", version: 1, exportedAt: "2026-12-01T10:00:00.000Z",
        settings: { defaults: { semantics: "user-chooses" }, sites: { "https://a.example": { ptz: "allow" } } },
      }));
      await expect(page.getByRole("button", { name: "Replace my settings" })).toBeVisible();
    },
  },
  {
    name: "options with a refused settings file",
    path: () => "options/index.html",
    ready: async (page) => {
      await pickSettingsFile(page, "not JSON");
      await expect(page.getByRole("alert")).toContainText("was not imported");
    },
  },
  {
    name: "picker",
    path: () => "extension/picker/index.html?demo=1",
    ready: async (page) => {
      await page.waitForFunction(() => document.documentElement.dataset.paintedAt !== undefined);
      await expect(page.getByRole("button", { name: /^Allow/ })).toBeEnabled();
    },
  },
  {
    name: "PTZ prompt",
    path: () => "extension/ptz-prompt/index.html?demo=1",
    ready: async (page) => { await expect(page.getByRole("button", { name: /^Allow/ })).toBeEnabled(); },
  },
  {
    name: "welcome",
    path: () => "welcome/index.html",
    ready: async (page) => { await expect(page.getByText("Capture Control already has access")).toBeVisible(); },
  },
];

test.describe("accessibility", () => {
  // One browser for all pages (beforeAll); a failure does not skip the pages after it.
  test.describe.configure({ mode: "default" });

  test.beforeAll(async ({ site }) => {
    ({ context, close: closeBrowser } = await launch({ extension: true, extra: [PTZ_CAMERA] }));
    extensionId = new URL((await extensionWorker(context)).url()).host;
    livePage = await context.newPage();
    cdp = await context.newCDPSession(livePage);
    await cdp.send("Browser.setPermission", { permission: { name: "camera", panTiltZoom: true }, setting: "granted", origin: site.origin });
    const worker = await extensionWorker(context);
    // Sites with settings of their own, and one that used the microphone a while ago.
    const extPage = await context.newPage();
    await extPage.goto(`chrome-extension://${extensionId}/options/index.html`);
    await extPage.evaluate(async (origin) => {
      await chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin, patch: { ptz: "allow" } });
      await chrome.runtime.sendMessage({
        type: "ui.setSiteSettings", origin: "https://meet.example.com", patch: { hideLabels: true, semantics: "user-chooses", ptz: "block" },
      });
    }, site.origin);
    await extPage.close();

    const used = await context.newPage();
    await used.goto(`${site.otherOrigin}/gum.html`);
    await used.evaluate(() => (window as any).ask("m", { audio: true }));
    await expect.poll(() => used.evaluate(() => (window as any).outcome("m")?.state)).toBe("ok");
    await used.close();

    await livePage.goto(`${site.origin}/ptz.html`);
    expect(await livePage.evaluate(() => (window as any).start("a", { video: { pan: true, tilt: true, zoom: true } }))).toBe("ok");
    liveTabId = await tabIdOf(livePage.url());
    const blank = await context.newPage();
    await blank.goto("chrome://version");
    blankTabId = await worker.evaluate(async () => (await chrome.tabs.query({})).find((t) => !t.url)!.id!);
  });

  test.afterAll(async () => {
    await cdp?.detach().catch(() => undefined);
    await closeBrowser?.();
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const entry of pages) {
      test(`${entry.name}, ${scheme}: no console errors, no serious or critical axe violations`, async () => {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
        page.on("pageerror", (e) => errors.push(e.message));
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`chrome-extension://${extensionId}/${entry.path()}`);
        await entry.ready(page);
        expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(scheme === "dark");
        await page.evaluate(AXE_SOURCE);
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
          }));
        });
        const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      });
    }
  }
});
