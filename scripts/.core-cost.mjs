import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findChrome, chromeArgs } from "./chrome-path.mjs";
import { startServer } from "./serve.mjs";
const server = await startServer({ "/": resolve("tests/pages") });
const origin = `http://localhost:${server.address().port}`;
const b = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
const page = await b.newPage();
await page.goto(`${origin}/index.html`);
const src = readFileSync(process.argv[2] ?? "dist/src/main-world.iife.js", "utf8");
for (let round = 0; round < 4; round++) {
  console.log(await page.evaluate(async (src) => {
    const run = async (code, n) => {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const f = document.createElement("iframe");
        document.body.append(f);
        const w = f.contentWindow;
        const t0 = performance.now();
        w.eval(code);
        total += performance.now() - t0;
        f.remove();
      }
      return (total / n).toFixed(3);
    };
    return { empty: await run("", 100), core: await run(src, 100) };
  }, src));
}
await b.close(); server.close();
