import { chromium } from "playwright-core";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { closeWelcomePage } from "./welcome-page.mjs";
import { startServer } from "./serve.mjs";
const server = await startServer({ "/": resolve("tests/pages") });
const origin = `http://localhost:${server.address().port}`;
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "p-")), {
  executablePath: await findChrome(), headless: true, args: chromeArgs({ extensionDir: resolve("dist") }) });
if (!context.serviceWorkers().length) await context.waitForEvent("serviceworker"); await closeWelcomePage(context);
const page = await context.newPage();
await page.goto(`${origin}/index.html`);
await page.evaluate(async () => { window.s = await navigator.mediaDevices.getUserMedia({ video: true }); window.t = s.getVideoTracks()[0]; });
const cdp = await context.newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 20 });
await cdp.send("Profiler.start");
const us = await page.evaluate(() => { const t0 = performance.now(); for (let i = 0; i < 300000; i++) t.getSettings(); return (performance.now() - t0) / 300; });
const { profile } = await cdp.send("Profiler.stop");
console.log("µs/call", us);
// self time by function
const self = new Map(); const total = profile.samples.length;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const counts = new Map(); for (const s of profile.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
for (const [id, c] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.slice(-20)}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`; self.set(k, (self.get(k) ?? 0) + c); }
for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((100 * c / total).toFixed(1).padStart(5), k);
await context.close(); server.close();
