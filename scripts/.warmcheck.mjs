import { chromium } from "playwright-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findChrome, chromeArgs } from "./chrome-path.mjs";
import { startServer } from "./serve.mjs";
const server = await startServer({ "/": resolve("tests/pages") });
const origin = `http://localhost:${server.address().port}`;
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "p-")), { executablePath: await findChrome(), headless: true, args: chromeArgs({ extensionDir: resolve("dist") }) });
if (!ctx.serviceWorkers().length) await ctx.waitForEvent("serviceworker");
const page = await ctx.newPage();
for (let i = 0; i < 12; i++) {
  await page.goto(`${origin}/index.html`);
  console.log(await page.evaluate(async (wait) => {
    if (wait) await new Promise((r) => setTimeout(r, wait));
    let read = false;
    const t0 = performance.now();
    const s = await navigator.mediaDevices.getUserMedia({ get video() { read = read || performance.now() - t0 < 0.5; return true; } });
    const took = performance.now() - t0;
    s.getTracks().forEach((t) => t.stop());
    const nav = performance.getEntriesByType("navigation")[0];
    return `in=${read} took=${took.toFixed(1)} at=${t0.toFixed(1)} load=${nav.loadEventStart.toFixed(1)}`;
  }, i >= 8 ? 300 : 0));
  await new Promise((r) => setTimeout(r, 1200));
}
await ctx.close(); server.close();
