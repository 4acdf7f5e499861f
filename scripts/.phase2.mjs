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
for (let round = 0; round < 3; round++) {
  console.log(await page.evaluate(async (src) => {
    let whole = 0, before = 0, reads = 0, pristine = 0; const n = 100;
    for (let i = 0; i < n; i++) {
      const f = document.createElement("iframe"); document.body.append(f);
      const w = f.contentWindow; const t0 = performance.now();
      w.eval("globalThis.__t0=performance.now();" + src); whole += performance.now() - t0;
      before += w.__e0 - w.__t0; reads += w.__e1 - w.__e0; pristine += w.__e2 - w.__e1;
      f.remove();
    }
    return `whole ${(whole / n).toFixed(3)} beforeEarly ${(before / n).toFixed(3)} earlyReads ${(reads / n).toFixed(3)} keepPristine ${(pristine / n).toFixed(3)}`;
  }, src));
}
await b.close(); server.close();
