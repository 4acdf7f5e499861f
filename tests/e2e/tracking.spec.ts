/**
 * What uses the camera and microphone (issue 5): the live registry, the popup's "In use now" with
 * Stop and Go to tab, the badge, and the history with its exports. Fake devices: cameras
 * fake_device_0..2, microphones "Fake Default Audio Input", "Fake Audio Input 1..2".
 */
import type { BrowserContext, Frame, Page, Worker } from "@playwright/test";
import { expect, extensionWorker, openExtensionPage, stopServiceWorkers, test } from "./fixtures";

const CAMERA = "fake_device_0";
const MIC = "Fake Default Audio Input";

type Target = Page | Frame;

async function ask(target: Target, key: string, constraints: unknown): Promise<void> {
  await target.evaluate(([k, c]) => (window as any).ask(k, c), [key, constraints] as const);
  await expect.poll(() => target.evaluate((k) => (window as any).outcome(k)?.state, key)).not.toBe("pending");
  expect(await target.evaluate((k) => (window as any).outcome(k), key)).toEqual(expect.objectContaining({ state: "ok" }));
}

/** The page's own view of its tracks of one request. */
function trackStates(target: Target, key: string): Promise<string[]> {
  return target.evaluate((k) => (window as any).streams[k].getTracks().map((t: MediaStreamTrack) => t.readyState), key);
}

const openPopup = (context: BrowserContext, id: string) => openExtensionPage(context, id, "popup/index.html");

/** One row of "In use now", named by site, device kind and label. */
const row = (popup: Page, origin: string, kind: "Camera" | "Microphone", label: string) =>
  popup.getByRole("listitem", { name: `${origin} ${kind} ${label}`, exact: true });

const rows = (popup: Page) => popup.locator(".in-use-row");

interface StoredLive { origin: string; kind: string; label: string; tabId: number; frameId: number }

/** The registry as the service worker keeps it (read from an extension page). */
async function registry(extPage: Page): Promise<StoredLive[]> {
  return extPage.evaluate(async () => Object.values((await chrome.storage.session.get("liveCaptures")).liveCaptures ?? {}));
}

async function history(extPage: Page): Promise<{ origin: string; kind: string; label: string; start: number; end: number }[]> {
  return extPage.evaluate(async () =>
    ((await chrome.storage.local.get("captureHistory")).captureHistory as { entries?: never[] } | undefined)?.entries ?? []);
}

const badge = (extPage: Page) => extPage.evaluate(() => chrome.action.getBadgeText({}));

test.describe("in use now", () => {
  test("two sites capturing different kinds are listed with origin and label; badge; Go to tab", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true });
    const b = await context.newPage();
    await b.goto(`${site.otherOrigin}/gum.html`);
    await ask(b, "m", { audio: true });

    const popup = await openPopup(context, extensionId);
    await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
    await expect(row(popup, site.otherOrigin, "Microphone", MIC)).toBeVisible();
    await expect(rows(popup)).toHaveCount(2);
    await expect(row(popup, site.origin, "Camera", CAMERA).locator(".duration")).toHaveText(/^\d+:\d\d$/);
    await expect.poll(() => badge(popup)).toBe("2");

    await row(popup, site.origin, "Camera", CAMERA).getByRole("button", { name: "Go to tab" }).click();
    await expect.poll(() => a.evaluate(() => document.visibilityState)).toBe("visible");
  });

  test("Stop ends exactly that site's tracks: readyState ended and an ended event", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true, audio: true });
    await a.evaluate(() => {
      (window as any).endedEvents = 0;
      for (const t of (window as any).streams.v.getTracks()) t.addEventListener("ended", () => (window as any).endedEvents++);
    });
    const b = await context.newPage();
    await b.goto(`${site.otherOrigin}/gum.html`);
    await ask(b, "v", { video: true });

    const popup = await openPopup(context, extensionId);
    await row(popup, site.origin, "Camera", CAMERA).getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => trackStates(a, "v")).toEqual(["live", "ended"]); // audio first, then video
    expect(await a.evaluate(() => (window as any).endedEvents)).toBe(1);
    expect(await trackStates(b, "v")).toEqual(["live"]);
    await expect(row(popup, site.origin, "Camera", CAMERA)).toHaveCount(0);
    await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
    await expect(row(popup, site.otherOrigin, "Camera", CAMERA)).toBeVisible();
  });

  test("a clone keeps the entry live until both have ended", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true });
    await a.evaluate(() => {
      const w = window as any;
      w.original = w.streams.v.getVideoTracks()[0];
      w.copy = w.original.clone();
      w.original.stop();
    });
    // Reports from one frame arrive in order: once a later capture is listed, the stop was handled.
    await ask(a, "m", { audio: true });
    const popup = await openPopup(context, extensionId);
    await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
    await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
    expect((await registry(popup)).filter((c) => c.kind === "video")).toHaveLength(1);

    await a.evaluate(() => (window as any).copy.stop());
    await expect(row(popup, site.origin, "Camera", CAMERA)).toHaveCount(0);
    expect((await registry(popup)).filter((c) => c.kind === "video")).toHaveLength(0);
  });

  test("navigation and tab close end entries, and history records them with durations", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true });
    const b = await context.newPage();
    await b.goto(`${site.otherOrigin}/gum.html`);
    await ask(b, "m", { audio: true });
    const popup = await openPopup(context, extensionId);
    await expect(rows(popup)).toHaveCount(2);
    await a.waitForTimeout(1100); // so that the recorded durations are at least a second

    await a.goto(`${site.origin}/index.html`);
    await expect(row(popup, site.origin, "Camera", CAMERA)).toHaveCount(0);
    await b.close();
    await expect(rows(popup)).toHaveCount(0);
    await expect(popup.getByText("No site is using your camera or microphone.")).toBeVisible();
    await expect.poll(() => badge(popup)).toBe("");

    // (Ended captures reach the stored history within a second.)
    await expect.poll(async () => (await history(popup)).length).toBe(2);
    const entries = await history(popup);
    expect(entries.map((e) => [e.origin, e.kind, e.label]).sort()).toEqual([
      [site.origin, "video", CAMERA], [site.otherOrigin, "audio", MIC],
    ].sort());
    for (const e of entries) expect(e.end - e.start).toBeGreaterThanOrEqual(1000);
  });

  test("navigation events reach the worker only while something is in a tab, and then wake it", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const listening = (w: Worker) => w.evaluate(() => [chrome.webNavigation.onCommitted, chrome.tabs.onUpdated, chrome.tabs.onRemoved,
      chrome.tabs.onReplaced].map((event) => event.hasListeners()));
    // Nothing in any tab: a page load (of every frame) costs the worker nothing, not even a start.
    await expect.poll(async () => listening(await extensionWorker(context))).toEqual([false, false, false, false]);
    const idle = await context.newPage();
    await idle.goto(`${site.origin}/index.html`);
    // (A web page's DevTools session sees the extension's worker start and stop.)
    const cdp = await context.newCDPSession(idle);
    const starts: string[] = [];
    cdp.on("ServiceWorker.workerVersionUpdated", (event) => {
      for (const v of event.versions) if (v.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) starts.push(v.runningStatus);
    });
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await expect.poll(() => starts.at(-1)).toBe("stopped");
    starts.length = 0;
    await idle.goto(`${site.origin}/iframes-100.html`);
    await idle.waitForTimeout(1500);
    expect(starts).toEqual([]);
    await cdp.detach();
    await idle.close();
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true });
    await expect.poll(async () => listening(await extensionWorker(context))).toEqual([true, true, true, true]);

    // A capture in a tab: its navigation starts a stopped worker, which ends the capture then (not
    // at its next start for another reason, which would note a later end).
    await stopServiceWorkers(context, extensionId);
    const navigated = Date.now();
    await a.goto(`${site.origin}/index.html`);
    await a.waitForTimeout(3000);
    const popup = await openPopup(context, extensionId);
    await expect(rows(popup)).toHaveCount(0);
    await expect.poll(async () => (await history(popup)).length).toBe(1);
    const entries = await history(popup);
    expect(entries[0].end - navigated).toBeLessThan(2000);
    // Nothing in a tab any more (the tab's own toolbar look went with its document).
    await expect.poll(async () => listening(await extensionWorker(context))).toEqual([false, false, false, false]);
  });

  test("the list survives ServiceWorker.stopAllWorkers, and Stop still works after", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true });
    await stopServiceWorkers(context, extensionId);
    const popup = await openPopup(context, extensionId);
    await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
    await stopServiceWorkers(context, extensionId);
    await row(popup, site.origin, "Camera", CAMERA).getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => trackStates(a, "v")).toEqual(["ended"]);
    await expect(rows(popup)).toHaveCount(0);
  });

  test("top frame, same-origin iframe and cross-origin iframe with allow=camera are all listed", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const page = await context.newPage();
    await page.goto(`${site.origin}/tracking-frames.html?cross=${encodeURIComponent(site.otherOrigin)}`);
    const same = page.frame({ url: `${site.origin}/gum.html` })!;
    const cross = page.frame({ url: `${site.otherOrigin}/gum.html` })!;
    await expect.poll(() => cross.evaluate(() => typeof (window as any).ask)).toBe("function");
    await ask(page, "top", { video: { deviceId: { exact: await labelId(page, CAMERA) } } });
    await ask(same, "same", { audio: true });
    await ask(cross, "cross", { video: { deviceId: { exact: await labelId(cross, "fake_device_1") } } });

    const popup = await openPopup(context, extensionId);
    await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
    await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
    const embedded = row(popup, site.otherOrigin, "Camera", "fake_device_1");
    await expect(embedded).toBeVisible();
    await expect(embedded).toContainText(`in a frame of ${site.origin}`);
    await expect(rows(popup)).toHaveCount(3);

    // Stop in the popup reaches the cross-origin frame.
    await embedded.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => trackStates(cross, "cross")).toEqual(["ended"]);
    expect(await trackStates(page, "top")).toEqual(["live"]);
  });

  test("the legacy navigator.webkitGetUserMedia and navigator.getUserMedia are tracked too", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const page = await context.newPage();
    await page.goto(`${site.origin}/gum.html`);
    const got = await page.evaluate(() => new Promise<string[]>((resolve, reject) => {
      const nav = navigator as any;
      nav.webkitGetUserMedia({ video: true }, (video: MediaStream) => {
        nav.getUserMedia({ audio: true }, (audio: MediaStream) => {
          (window as any).legacy = [video, audio];
          resolve([...video.getTracks(), ...audio.getTracks()].map((t) => t.kind));
        }, reject);
      }, reject);
    }));
    expect(got).toEqual(["video", "audio"]);
    const popup = await openPopup(context, extensionId);
    await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();
    await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
    await page.evaluate(() => (window as any).legacy[0].getTracks()[0].stop());
    await expect(row(popup, site.origin, "Camera", CAMERA)).toHaveCount(0);
    await expect(row(popup, site.origin, "Microphone", MIC)).toBeVisible();
  });

  test("wrapped stop, clone and the legacy methods look and fail as native ones", async ({ page, nativePage, site }) => {
    const probe = async () => {
      const nav = navigator as any;
      const shape = (f: Function) => [f.name, f.length, Function.prototype.toString.call(f), "prototype" in f];
      const failure = (run: () => unknown) => {
        try {
          run();
          return "no error";
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const [track] = stream.getTracks();
      const copy = track.clone();
      const result = {
        shapes: [MediaStreamTrack.prototype.stop, MediaStreamTrack.prototype.clone, nav.getUserMedia, nav.webkitGetUserMedia].map(shape),
        errors: [
          failure(() => MediaStreamTrack.prototype.stop.call({})),
          failure(() => MediaStreamTrack.prototype.clone.call({})),
          failure(() => nav.webkitGetUserMedia({ video: true })),
          failure(() => nav.webkitGetUserMedia({ video: true }, 5, 6)),
          failure(() => nav.getUserMedia.call({}, { video: true }, () => undefined, () => undefined)),
        ],
        stopReturns: String(track.stop()),
        states: [track.readyState, copy.readyState, copy.kind, copy.label],
        cloneIsTrack: copy instanceof MediaStreamTrack && copy !== track,
      };
      copy.stop();
      return result;
    };
    await page.goto(`${site.origin}/gum.html`);
    await nativePage.goto(`${site.origin}/gum.html`);
    const native = await nativePage.evaluate(probe);
    expect(await page.evaluate(probe)).toEqual(native);
    expect(native.errors.filter((e) => e.startsWith("TypeError"))).toHaveLength(5);
  });

  test("a removed iframe and a crashed page end their entries", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const page = await context.newPage();
    await page.goto(`${site.origin}/tracking-frames.html?cross=${encodeURIComponent(site.otherOrigin)}`);
    const cross = page.frame({ url: `${site.otherOrigin}/gum.html` })!;
    await expect.poll(() => cross.evaluate(() => typeof (window as any).ask)).toBe("function");
    await ask(cross, "cross", { audio: true });
    const other = await context.newPage();
    await other.goto(`${site.origin}/gum.html`);
    await ask(other, "v", { video: true });
    const popup = await openPopup(context, extensionId);
    await expect(row(popup, site.otherOrigin, "Microphone", MIC)).toBeVisible();
    await expect(row(popup, site.origin, "Camera", CAMERA)).toBeVisible();

    // No navigation and no message: Chrome no longer knows the frame's document.
    await page.evaluate(() => document.getElementById("cross")!.remove());
    await expect(row(popup, site.otherOrigin, "Microphone", MIC)).toHaveCount(0);

    // (CDP Page.crash takes the whole headless browser down; chrome://crash crashes the tab's renderer.)
    const crashed = other.waitForEvent("crash");
    await other.goto("chrome://crash").catch(() => undefined);
    await crashed;
    await expect(row(popup, site.origin, "Camera", CAMERA)).toHaveCount(0);
    await expect.poll(() => badge(popup)).toBe("");
    await expect.poll(async () => (await history(popup)).map((e) => e.origin).sort()).toEqual([site.origin, site.otherOrigin].sort());
  });

  test("20 tabs capturing at once stay consistent", async ({ fresh, site }) => {
    test.setTimeout(120_000);
    const { context, extensionId } = fresh;
    const pages = await Promise.all(Array.from({ length: 20 }, () => context.newPage()));
    await Promise.all(pages.map((p, i) => p.goto(`${i % 2 ? site.otherOrigin : site.origin}/gum.html`)));
    // Chromium opens at most 16 microphone streams at once (natively too: NotReadableError
    // "Could not start audio source"), so every tab takes the camera and the first ten the microphone.
    await Promise.all(pages.map((p, i) => ask(p, "av", { video: true, audio: i < 10 })));
    const popup = await openPopup(context, extensionId);
    await expect(rows(popup)).toHaveCount(30);
    await expect.poll(() => badge(popup)).toBe("30");
    const live = await registry(popup);
    expect(live).toHaveLength(30);
    expect(new Set(live.map((c) => c.tabId)).size).toBe(20);

    // Half stop their tracks themselves, half close: everything ends, and all of it is in history.
    await Promise.all(pages.map((p, i) => i % 2
      ? p.close()
      : p.evaluate(() => (window as any).streams.av.getTracks().forEach((t: MediaStreamTrack) => t.stop()))));
    await expect(rows(popup)).toHaveCount(0);
    expect(await registry(popup)).toHaveLength(0);
    await expect.poll(() => badge(popup)).toBe("");
    await expect.poll(async () => (await history(popup)).length).toBe(30);
  });
});

/** The frame's own device id for a label (ids differ per origin). */
function labelId(target: Target, label: string): Promise<string> {
  return target.evaluate(async (l) =>
    (await navigator.mediaDevices.enumerateDevices()).find((d) => d.label === l)!.deviceId, label);
}

test.describe("history on the options page", () => {
  /** Two sites capture (camera on one, microphone on the other) for over a second, then stop. */
  async function record(context: BrowserContext, site: { origin: string; otherOrigin: string }) {
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true });
    const b = await context.newPage();
    await b.goto(`${site.otherOrigin}/gum.html`);
    await ask(b, "m", { audio: true });
    await a.waitForTimeout(1100);
    await a.evaluate(() => (window as any).streams.v.getTracks()[0].stop());
    await b.close();
    return a;
  }

  test("lists captures with durations, searches and sorts; exports valid JSON and CSV", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    await record(context, site);
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await expect.poll(async () => (await history(options)).length).toBe(2);
    await options.reload();
    const captures = options.locator("table.history-entries tbody tr");
    await expect(captures).toHaveCount(2);
    for (const duration of await captures.locator(".duration").allTextContents()) {
      expect(duration).toMatch(/^0:0[1-9]$/);
    }
    await expect(options.locator("table.history-sites tbody tr")).toHaveCount(2);
    await expect(options.locator(".history-chart rect.bar-video")).toHaveCount(14);
    // Today's bars are not empty.
    expect(Number(await options.locator(".history-chart rect.bar-video").last().getAttribute("height"))).toBeGreaterThan(0);

    // Sorting by site, both ways.
    const sites = () => options.locator("table.history-sites tbody tr td:first-child").allTextContents();
    await options.locator("table.history-sites").getByRole("button", { name: "Site" }).click();
    expect(await sites()).toEqual([site.origin, site.otherOrigin].sort());
    await options.locator("table.history-sites").getByRole("button", { name: /Site/ }).click();
    expect(await sites()).toEqual([site.origin, site.otherOrigin].sort().reverse());

    // Search narrows both tables and the exports.
    await options.getByRole("searchbox", { name: "Search history" }).fill("Audio Input");
    await expect(captures).toHaveCount(1);
    await options.getByRole("searchbox", { name: "Search history" }).fill("");

    const [jsonDownload] = await Promise.all([options.waitForEvent("download"), options.getByRole("button", { name: "Export JSON" }).click()]);
    const json = JSON.parse(await readDownload(jsonDownload));
    expect(json.format).toBe("capture-control-history");
    expect(json.entries.map((e: { origin: string }) => e.origin).sort()).toEqual([site.origin, site.otherOrigin].sort());
    for (const e of json.entries) {
      expect(e.durationSeconds).toBeGreaterThanOrEqual(1);
      expect(Date.parse(e.end) - Date.parse(e.start)).toBeGreaterThanOrEqual(1000);
    }

    const [csvDownload] = await Promise.all([options.waitForEvent("download"), options.getByRole("button", { name: "Export CSV" }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/\.csv$/);
    const lines = (await readDownload(csvDownload)).trimEnd().split("\r\n");
    expect(lines[0]).toBe("origin,top_origin,kind,label,start,end,duration_seconds");
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) {
      const fields = line.split(",");
      expect(fields).toHaveLength(7);
      expect(Number(fields[6])).toBeGreaterThanOrEqual(1);
      expect([site.origin, site.otherOrigin]).toContain(fields[0]);
    }
  });

  test("clear one site, then all; the retention setting is kept", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    await record(context, site);
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await expect.poll(async () => (await history(options)).length).toBe(2);
    await options.reload();

    await options.getByRole("button", { name: `Clear history of ${site.otherOrigin}` }).click();
    await expect(options.locator("table.history-sites tbody tr")).toHaveCount(1);
    expect((await history(options)).map((e) => e.origin)).toEqual([site.origin]);

    await options.getByRole("button", { name: "Clear all history" }).click();
    await options.getByRole("button", { name: "Yes, clear" }).click();
    await expect(options.getByText("No camera or microphone use recorded yet.")).toBeVisible();
    expect(await history(options)).toEqual([]);

    const retention = options.getByLabel("Keep history for (days)");
    await expect(retention).toHaveValue("90");
    await retention.fill("30");
    await retention.press("Enter");
    await expect.poll(() => options.evaluate(async () =>
      ((await chrome.storage.local.get("captureHistory")).captureHistory as { retentionDays: number }).retentionDays)).toBe(30);
    await options.reload();
    await expect(options.getByLabel("Keep history for (days)")).toHaveValue("30");
  });

  test("unreadable history is backed up and reported, never silently dropped", async ({ fresh, site }) => {
    const { context, extensionId } = fresh;
    const options = await openExtensionPage(context, extensionId, "options/index.html");
    await options.evaluate(() => chrome.storage.local.set({ captureHistory: { version: 1, retentionDays: 90, entries: [{ origin: 7 }] } }));
    const a = await context.newPage();
    await a.goto(`${site.origin}/gum.html`);
    await ask(a, "v", { video: true });
    await a.close();
    await expect.poll(async () => (await history(options)).filter((e) => e.origin === site.origin).length).toBe(1);
    const stored = await options.evaluate(() => chrome.storage.local.get(null));
    const backups = Object.keys(stored).filter((k) => k.startsWith("backup:history:"));
    expect(backups).toHaveLength(1);
    expect(stored[backups[0]]).toEqual({ version: 1, retentionDays: 90, entries: [{ origin: 7 }] });
    await options.reload();
    await expect(options.getByRole("alert").filter({ hasText: "capture history" })).toBeVisible();
    // Clearing all history clears the copy too (it holds history), and its notice.
    await options.getByRole("button", { name: "Clear all history" }).click();
    await options.getByRole("button", { name: "Yes, clear" }).click();
    await expect.poll(async () => Object.keys(await options.evaluate(() => chrome.storage.local.get(null)))
      .filter((k) => k.startsWith("backup:history:"))).toEqual([]);
    await options.reload();
    await expect(options.getByRole("alert").filter({ hasText: "capture history" })).toHaveCount(0);
  });
});

async function readDownload(download: import("@playwright/test").Download): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return readFile((await download.path())!, "utf8");
}
