// `npm run bench`: the same Chromium with and without the extension, measured in one run, rounds
// interleaved so both see the same machine load. Prints a Markdown table with ratios.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { closeWelcomePage } from "./welcome-page.mjs";
import { startServer } from "./serve.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
// BENCH_ONLY=iframes (a substring of a measure's name) runs just that measure, for quick checks.
const ONLY = process.env.BENCH_ONLY;
const selected = (name) => !ONLY || name.toLowerCase().includes(ONLY.toLowerCase());
const DIST = resolve("dist");

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The floor: an extension whose only content is an empty MAIN-world script in every frame, which
 * is what Chromium charges any extension that must run before a page's first script. */
function floorExtension() {
  const dir = mkdtempSync(join(tmpdir(), "cc-floor-"));
  writeFileSync(join(dir, "empty.js"), "");
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({
    manifest_version: 3, name: "empty content script", version: "1",
    content_scripts: [{ matches: ["<all_urls>"], js: ["empty.js"], run_at: "document_start", all_frames: true,
      match_about_blank: true, match_origin_as_fallback: true, world: "MAIN" }],
  }));
  return dir;
}

async function open(extensionDir) {
  const dir = mkdtempSync(join(tmpdir(), "cc-bench-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: await findChrome(), headless: true,
    args: chromeArgs({ extensionDir }),
  });
  if (extensionDir === DIST && !context.serviceWorkers().length) await context.waitForEvent("serviceworker");
  // The install's welcome tab would stay open next to the measured page.
  if (extensionDir === DIST) await closeWelcomePage(context);
  const page = await context.newPage();
  return { context, page, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const server = await startServer({ "/": resolve("tests/pages") });
const origin = `http://localhost:${server.address().port}`;

const measures = {
  "Page with 100 iframes, load (ms)": async (page) => {
    await page.goto(`${origin}/iframes-100.html`, { waitUntil: "load" });
    return page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return nav.loadEventStart - nav.startTime;
    });
  },
  "getUserMedia({video:true}) (ms)": async (page) => {
    await page.goto(`${origin}/index.html`);
    return page.evaluate(async () => {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const stream = await navigator.mediaDevices.getUserMedia({ video: true });
        times.push(performance.now() - t0);
        stream.getTracks().forEach((t) => t.stop());
      }
      times.sort((a, b) => a - b);
      return times[2];
    });
  },
  "enumerateDevices() (ms)": async (page) => {
    await page.goto(`${origin}/index.html`);
    return page.evaluate(async () => {
      await navigator.mediaDevices.enumerateDevices();
      const t0 = performance.now();
      for (let i = 0; i < 50; i++) await navigator.mediaDevices.enumerateDevices();
      return (performance.now() - t0) / 50;
    });
  },
};

const floorDir = floorExtension();
const native = await open(undefined);
const floor = await open(floorDir);
const extension = await open(DIST);
const pickerSamples = [];
const samples = Object.fromEntries(Object.keys(measures).map((k) => [k, { native: [], floor: [], extension: [] }]));
try {
  for (let round = 0; round < ROUNDS + 2; round++) {
    // Rotate the order so that no browser always goes first.
    const sides = [["native", native], ["floor", floor], ["extension", extension]];
    const order = [...sides.slice(round % 3), ...sides.slice(0, round % 3)];
    for (const [name, run] of Object.entries(measures).filter(([name]) => selected(name))) {
      for (const [side, browser] of order) {
        const value = await run(browser.page);
        if (round >= 2) samples[name][side].push(value); // two warm-up rounds
      }
    }
  }
  // The picker has no native counterpart: from the page's getUserMedia call to the painted picker.
  for (let round = 0; round < (selected("picker") ? ROUNDS + 2 : 0); round++) {
    const page = extension.page;
    await page.goto(`${origin}/gum.html`);
    const opened = extension.context.waitForEvent("page", { predicate: (p) => p.url().includes("/extension/picker/") });
    const calledAt = await page.evaluate(() => {
      const at = performance.timeOrigin + performance.now();
      window.ask("bench", { video: true, semantics: "user-chooses" });
      return at;
    });
    const picker = await opened;
    const paintedAt = Number(await picker.waitForFunction(() => document.documentElement.dataset.paintedAt)
      .then((handle) => handle.jsonValue()));
    if (round >= 2) pickerSamples.push(paintedAt - calledAt);
    await picker.getByRole("button", { name: /^Cancel/ }).click().catch(() => undefined); // it closes itself
    await page.waitForFunction(() => window.outcome("bench").state !== "pending");
  }
} finally {
  await native.close();
  await floor.close();
  await extension.close();
  rmSync(floorDir, { recursive: true, force: true });
  server.close();
}

const mainWorld = readFileSync(join(DIST, "src/main-world.iife.js"));
const bridge = readFileSync(join(DIST, "extension/content/bridge.iife.js"));
// Ratios are the medians of the rounds' own ratios: each round measures the browsers back to back,
// so a slow spell of the machine cancels out instead of landing on one side.
const ratio = (a, b) => median(a.map((value, i) => value / b[i])).toFixed(3);
const rows = Object.entries(samples).filter(([name]) => selected(name)).map(([name, { native, floor, extension }]) =>
  [name, median(native).toFixed(2), median(floor).toFixed(2), median(extension).toFixed(2),
    ratio(extension, native), ratio(extension, floor)]);
const kib = (b) => (b / 1024).toFixed(2);
console.log(`\nChromium ${(await import("node:child_process")).execFileSync(await findChrome(), ["--version"]).toString().trim()}; ` +
  `${ROUNDS} interleaved rounds, medians.\n`);
console.log("| measure | native | empty content script | Capture Control | ratio to native | ratio to empty script |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
if (pickerSamples.length) console.log(`| getUserMedia "user-chooses" → picker painted (ms) | – | – | ${median(pickerSamples).toFixed(1)} (max ${Math.max(...pickerSamples).toFixed(1)}) | target < 300 | |`);
console.log(`| main-world script, minified (KiB) | – | 0 | ${kib(mainWorld.length)} (gzip ${kib(gzipSync(mainWorld).length)}) | target < 20 | |`);
console.log(`| isolated-world bridge, minified (KiB) | – | – | ${kib(bridge.length)} (gzip ${kib(gzipSync(bridge).length)}) | | |`);
