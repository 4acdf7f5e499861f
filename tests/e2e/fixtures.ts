/**
 * Playwright fixtures: a Chromium with the built extension (dist/) and fake devices, the same
 * Chromium without it for differential tests, and a loopback server with two origins.
 */
import { test as base, chromium, type BrowserContext, type Page, type Worker } from "@playwright/test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Server } from "node:http";
import { chromeArgs, findChrome } from "../../scripts/chrome-path.mjs";
import { startServer } from "../../scripts/serve.mjs";

export const DIST = resolve("dist");

export interface Site {
  /** http://localhost:PORT */
  origin: string;
  /** http://127.0.0.1:PORT, a second origin on the same server */
  otherOrigin: string;
}

/** `developerMode`: the profile has chrome://extensions' Developer mode on, without which Chromium
 * disables an unpacked extension that reloads itself (chrome.runtime.reload, measured). */
export async function launch(options: { extension: boolean; fakeUi?: boolean; extra?: string[]; developerMode?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), "cc-profile-"));
  if (options.developerMode) {
    mkdirSync(join(dir, "Default"));
    writeFileSync(join(dir, "Default", "Preferences"), JSON.stringify({ extensions: { ui: { developer_mode: true } } }));
  }
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: await findChrome(),
    headless: true,
    args: chromeArgs({ extensionDir: options.extension ? DIST : undefined, fakeUi: options.fakeUi ?? true, extra: options.extra }),
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  return { context, close };
}

export async function extensionWorker(context: BrowserContext): Promise<Worker> {
  const existing = context.serviceWorkers().find((w) => w.url().startsWith("chrome-extension://"));
  return existing ?? context.waitForEvent("serviceworker", { predicate: (w) => w.url().startsWith("chrome-extension://") });
}

type WorkerFixtures = {
  site: Site;
  extContext: BrowserContext;
  nativeContext: BrowserContext;
  extensionId: string;
};
/** A browser with the extension and a new profile, for tests that change settings or storage. */
export interface FreshBrowser {
  context: BrowserContext;
  extensionId: string;
}
type TestFixtures = { page: Page; nativePage: Page; fresh: FreshBrowser };

export const test = base.extend<TestFixtures, WorkerFixtures>({
  site: [async ({}, use) => {
    const server: Server = await startServer({ "/demo/": resolve("demo"), "/": resolve("tests/pages") });
    const port = (server.address() as { port: number }).port;
    await use({ origin: `http://localhost:${port}`, otherOrigin: `http://127.0.0.1:${port}` });
    server.close();
  }, { scope: "worker" }],
  extContext: [async ({}, use) => {
    const { context, close } = await launch({ extension: true });
    await extensionWorker(context);
    await use(context);
    await close();
  }, { scope: "worker" }],
  nativeContext: [async ({}, use) => {
    const { context, close } = await launch({ extension: false });
    await use(context);
    await close();
  }, { scope: "worker" }],
  extensionId: [async ({ extContext }, use) => {
    const worker = await extensionWorker(extContext);
    await use(new URL(worker.url()).host);
  }, { scope: "worker" }],
  page: async ({ extContext }, use) => {
    const page = await extContext.newPage();
    await use(page);
    await page.close();
  },
  fresh: async ({}, use) => {
    const { context, close } = await launch({ extension: true });
    const extensionId = new URL((await extensionWorker(context)).url()).host;
    await use({ context, extensionId });
    await close();
  },
  nativePage: async ({ nativeContext }, use) => {
    const page = await nativeContext.newPage();
    await use(page);
    await page.close();
  },
});

export const expect = test.expect;

/** Opens an extension page (popup, options) as a tab. */
export async function openExtensionPage(context: BrowserContext, extensionId: string, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/${path}`);
  return page;
}

/** Stops every service worker, the extension's included, as Chrome does after 30 s idle. */
export async function stopServiceWorkers(context: BrowserContext, extensionId: string): Promise<void> {
  const page = await openExtensionPage(context, extensionId, "options/index.html");
  const cdp = await context.newCDPSession(page);
  await cdp.send("ServiceWorker.enable");
  await cdp.send("ServiceWorker.stopAllWorkers");
  await cdp.detach();
  await page.close();
}
