// The load test (issue 9), shared by the e2e slice (tests/e2e/load.spec.ts) and `npm run soak`:
// `tabs` tabs, each a page with three iframes of three sites (four documents), every document
// opening and stopping camera captures in a loop for `seconds`. Then every document holds one
// capture (the registry must list exactly those), then stops it (the registry must empty).
// Measured throughout: uncaught errors and unhandled rejections in the pages and in the service
// worker; the worker's JS heap after garbage collection, before and after; and whether the user's
// stored state (settings, other sites' history) is intact.

const DAY = 86_400_000;

/**
 * @param {{
 *   context: import("playwright-core").BrowserContext,
 *   extensionId: string,
 *   origins: [string, string, string],
 *   tabs: number,
 *   seconds: number,
 *   holdMs?: number,
 *   monitor: { errors: { text: string }[], heapAfterGc(): Promise<number>, restarts?: number },
 *   log?: (line: string) => void,
 * }} options
 */
export async function runLoad({ context, extensionId, origins, tabs, seconds, holdMs = 150, monitor, log = () => undefined }) {
  const [a, b, c] = origins;
  const state = await context.newPage();
  await state.goto(`chrome-extension://${extensionId}/options/index.html`);
  // The user's own data, which the load must leave alone: a setting of another site and its history.
  const victim = "https://victim.example";
  await state.evaluate(async ({ victim, DAY }) => {
    await chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: victim, patch: { hideLabels: true } });
    const stored = (await chrome.storage.local.get("captureHistory")).captureHistory;
    const entries = stored?.entries ?? [];
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      entries.push({ origin: victim, topOrigin: null, kind: "video", label: "fake_device_0", start: now - DAY - i * 60_000, end: now - DAY - i * 60_000 + 30_000 });
    }
    await chrome.storage.local.set({ captureHistory: { version: 1, retentionDays: 90, ...stored, entries } });
  }, { victim, DAY });
  const userState = () => state.evaluate(async (victim) => {
    const { settings, captureHistory } = await chrome.storage.local.get(["settings", "captureHistory"]);
    return JSON.stringify({ settings, victimHistory: (captureHistory?.entries ?? []).filter((e) => e.origin === victim) });
  }, victim);
  const stateBefore = await userState();
  const registrySize = () => state.evaluate(async () => Object.keys((await chrome.storage.session.get("liveCaptures")).liveCaptures ?? {}).length);
  const heapStart = await monitor.heapAfterGc();
  const workerErrorsBefore = monitor.errors.length;
  const restartsBefore = monitor.restarts ?? 0;

  /** @type {string[]} */
  const pageErrors = [];
  const pages = [];
  const url = `${a}/load.html?frames=${encodeURIComponent([`${a}/load.html`, `${b}/load.html`, `${c}/load.html`].join(","))}`;
  const started = Date.now();
  for (let i = 0; i < tabs; i += 5) {
    await Promise.all(Array.from({ length: Math.min(5, tabs - i) }, async () => {
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      await page.goto(url);
      await waitFor(() => page.frames().length === 4, 30_000);
      for (const frame of page.frames()) await frame.waitForFunction(() => typeof window.loop === "function");
      pages.push(page);
    }));
  }
  const frames = pages.flatMap((p) => p.frames());
  log(`${tabs} tabs, ${frames.length} documents open in ${((Date.now() - started) / 1000).toFixed(1)} s; looping for ${seconds} s`);

  const deadline = Date.now() + seconds * 1000;
  const peaks = [];
  /** The worker's heap after GC, every tenth of the run: [seconds into the run, bytes]. */
  const heapSamples = [[0, heapStart]];
  const sampler = (async () => {
    let next = Date.now() + seconds * 100;
    while (Date.now() < deadline) {
      peaks.push(await registrySize().catch(() => -1));
      if (peaks.length % 10 === 0) log(`${Math.round(seconds - (deadline - Date.now()) / 1000)} s: ${peaks[peaks.length - 1]} listed, worker restarts ${monitor.restarts ?? 0}`);
      if (Date.now() >= next && Date.now() < deadline - 500) {
        next += seconds * 100;
        heapSamples.push([Math.round((Date.now() - deadline) / 1000 + seconds), await monitor.heapAfterGc().catch(() => -1)]);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  await Promise.all(frames.map((f) => f.evaluate(([d, h]) => window.loop(d, h), [deadline, holdMs])));
  await sampler;

  log(`loop done; ${await registrySize()} entries listed`);
  // Consistency with reality: every document holds exactly one capture, then none.
  await Promise.all(frames.map((f) => f.evaluate(() => window.hold())));
  const holding = (await Promise.all(frames.map((f) => f.evaluate(() => window.stats().live)))).reduce((n, x) => n + x, 0);
  const listedWhileHolding = await waitFor(async () => (await registrySize()) === holding, 30_000).then(() => holding, registrySize);
  await Promise.all(frames.map((f) => f.evaluate(() => window.release())));
  log(`holding ${holding}, listed ${listedWhileHolding}`);
  const drained = await waitFor(async () => (await registrySize()) === 0, 30_000).then(() => true, () => false);
  const listedAtEnd = await registrySize();
  log(`released: ${listedAtEnd} listed`);

  const stats = await Promise.all(frames.map((f) => f.evaluate(() => window.stats())));
  const rounds = stats.reduce((n, s) => n + s.rounds, 0);
  /** @type {Record<string, number>} */
  const captureErrors = {};
  for (const s of stats) for (const [name, n] of Object.entries(s.errors)) captureErrors[name] = (captureErrors[name] ?? 0) + n;
  for (const page of pages) await page.close();
  await waitFor(async () => (await registrySize()) === 0, 30_000).catch(() => undefined);
  // The worker finishes what the load left it (toolbar updates, history writes, ends it remembers
  // for 10 s): the heap is read until it settles (two readings within 5%), at most for 30 s.
  let heapEnd = await monitor.heapAfterGc().catch(() => -1);
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 3000));
    const next = await monitor.heapAfterGc().catch(() => -1);
    const settled = Math.abs(next - heapEnd) <= heapEnd * 0.05;
    heapEnd = next;
    if (settled) break;
  }
  const stateLost = (await userState()) === stateBefore ? 0 : 1;
  await state.close();
  return {
    tabs, documents: frames.length, seconds, rounds, captureErrors, pageErrors,
    workerErrors: monitor.errors.slice(workerErrorsBefore).map((e) => e.text),
    workerRestarts: (monitor.restarts ?? 0) - restartsBefore,
    registryPeak: Math.max(0, ...peaks), holding, listedWhileHolding, listedAtEnd, drained,
    heapStart, heapEnd, heapSamples, stateLost,
  };
}

/** Resolves once `check` is true, rejects after `timeout` ms. */
async function waitFor(check, timeout) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 250));
  }
}
