/**
 * Playwright fixtures: a Chromium with the built extension (dist/) and fake devices, the same
 * Chromium without it for differential tests, and a loopback server with two origins.
 */
import { test as base, chromium, type BrowserContext, type Page, type Worker } from "@playwright/test";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Server } from "node:http";
import { chromeArgs, findChrome } from "../../scripts/chrome-path.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { closeWelcomePage } from "../../scripts/welcome-page.mjs";

export const DIST = resolve("dist");

export interface Site {
  /** http://localhost:PORT */
  origin: string;
  /** http://127.0.0.1:PORT, a second origin on the same server */
  otherOrigin: string;
}

/**
 * A new profile. With the extension, its install opens the welcome page in a new tab: that tab is
 * closed before the test starts (tests look for tabs and pages of their own), unless `welcome` is
 * true, for the tests of the welcome page. `developerMode`: the profile has chrome://extensions'
 * Developer mode on, without which Chromium disables an unpacked extension that reloads itself
 * (chrome.runtime.reload, measured).
 */
export async function launch(options: { extension: boolean; fakeUi?: boolean; extra?: string[]; welcome?: boolean; developerMode?: boolean }) {
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
  if (options.extension && !options.welcome && !(await closeWelcomePage(context))) {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    throw new Error("the extension's install did not open its welcome page");
  }
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  return { context, close };
}

/**
 * Like launch() (headless, fake devices), but this function starts Chromium and Playwright attaches
 * to it over CDP with `noDefaults`. Playwright's own launch enables focus emulation in every page,
 * which Chromium counts as a capture that keeps the page visible: behind another tab, in a minimised
 * window, headless or headed on a real display, such a page stays "visible". Without focus
 * emulation, a tab behind another one is hidden, as in a user's browser (measured on Chromium 156).
 */
export async function launchUnfocused(options: { extension: boolean; extra?: string[] }) {
  const dir = mkdtempSync(join(tmpdir(), "cc-profile-"));
  const args = chromeArgs({ extensionDir: options.extension ? DIST : undefined, extra: options.extra });
  const chrome = spawn(await findChrome(), [...args, "--headless", `--user-data-dir=${dir}`, "--remote-debugging-port=0", "about:blank"],
    { stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((done) => chrome.once("exit", () => done()));
  const stop = async () => {
    if (chrome.exitCode === null && chrome.signalCode === null) chrome.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let log = "";
      const read = (chunk: Buffer) => {
        log += chunk;
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(log);
        if (!found) return;
        chrome.stderr!.off("data", read);
        chrome.stderr!.resume(); // keep draining, or a full pipe would block Chromium
        resolve(found[1]);
      };
      chrome.stderr!.on("data", read);
      void exited.then(() => reject(new Error(`Chromium exited before listening for DevTools:\n${log.slice(-1000)}`)));
    });
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true, isLocal: true });
    const close = async () => {
      // Closing a browser Playwright attached to only disconnects: ask Chromium itself to quit.
      const cdp = await browser.newBrowserCDPSession().catch(() => undefined);
      await cdp?.send("Browser.close").catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      await stop();
    };
    return { context: browser.contexts()[0], close };
  } catch (error) {
    await stop();
    throw error;
  }
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

/** The id of the tab showing `url`, asked of the extension's service worker. */
export async function tabIdOf(context: BrowserContext, url: string): Promise<number> {
  const worker = await extensionWorker(context);
  return worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, url);
}

/** How many captures the service worker's in-use registry lists, read from an extension context
 * (the worker or an extension page). */
export function liveCaptureCount(on: Page | Worker): Promise<number> {
  const count = async () => Object.keys((await chrome.storage.session.get("liveCaptures")).liveCaptures ?? {}).length;
  // (Page and Worker evaluate alike; TypeScript cannot call the union of their overloads.)
  return (on as Page).evaluate(count);
}
