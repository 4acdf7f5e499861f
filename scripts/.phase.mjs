import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findChrome, chromeArgs } from "./chrome-path.mjs";
import { startServer } from "./serve.mjs";
const server = await startServer({ "/": resolve("tests/pages") });
const b = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
const page = await b.newPage();
await page.goto(`http://localhost:${server.address().port}/index.html`);
const src = readFileSync("dist/src/main-world.iife.js", "utf8");
const names = ["bridge", "packLoader+early", "mediaMethods", "reserve", "supported", "defaultSem", "hideLabels", "cfgAttr", "capture", "transfer"];
for (let round = 0; round < 3; round++) {
  const r = await page.evaluate(async (src) => {
    const sums = []; let whole = 0; const n = 100;
    for (let i = 0; i < n; i++) {
      const f = document.createElement("iframe"); document.body.append(f);
      const w = f.contentWindow; const t0 = performance.now();
      w.eval("globalThis.__t0=performance.now();" + src); whole += performance.now() - t0;
      const t = w.__t; sums[0] = (sums[0] ?? 0) + (t[0] - w.__t0);
      for (let j = 1; j < t.length; j++) sums[j] = (sums[j] ?? 0) + (t[j] - t[j - 1]);
      f.remove();
    }
    return { whole: whole / n, parts: sums.map((x) => x / n) };
  }, src);
  console.log(r.whole.toFixed(3), ["pre(module init)", ...names].map((k, i) => `${k}=${(r.parts[i] ?? 0).toFixed(3)}`).join(" "));
}
await b.close(); server.close();
