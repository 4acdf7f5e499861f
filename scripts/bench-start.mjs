// `node scripts/bench-start.mjs [script]`: what the main-world start script costs a frame. The
// built script (dist/src/main-world.iife.js after `npm run build`) is evaluated in 100 fresh
// about:blank iframes of a page without the extension, and so is an empty script; prints the mean
// per frame of each, 4 rounds. (Evaluated, not injected: the numbers leave out Chromium's own
// injection, which an empty content script costs too; see `npm run bench` for the whole page.)
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { startServer } from "./serve.mjs";

const src = readFileSync(process.argv[2] ?? "dist/src/main-world.iife.js", "utf8");
const server = await startServer({ "/": resolve("tests/pages") });
const browser = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
try {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${server.address().port}/index.html`);
  console.log("| round | empty script, ms a frame | start script, ms a frame |\n|---:|---:|---:|");
  for (let round = 1; round <= Number(process.env.ROUNDS ?? 4); round++) {
    const { empty, start } = await page.evaluate((code) => {
      const run = (text) => {
        let total = 0;
        for (let i = 0; i < 100; i++) {
          const frame = document.createElement("iframe");
          document.body.append(frame);
          const t0 = performance.now();
          frame.contentWindow.eval(text);
          total += performance.now() - t0;
          frame.remove();
        }
        return total / 100;
      };
      return { empty: run(""), start: run(code) };
    }, src);
    console.log(`| ${round} | ${empty.toFixed(3)} | ${start.toFixed(3)} |`);
  }
} finally {
  await browser.close();
  server.close();
}
