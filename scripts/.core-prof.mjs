import { build } from "rolldown";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findChrome, chromeArgs } from "./chrome-path.mjs";
import { startServer } from "./serve.mjs";
const dist = readFileSync("dist/src/main-world.iife.js", "utf8");
const lit = (re) => { const m = dist.match(re); if (!m) throw new Error("no " + re); return m[0]; };
const early = lit(/"[A-Za-z,]*\|[A-Za-z,]*"/);
const head = lit(/"function\(__kit\)\{\\"use strict\\";\\"[0-9a-f]{16}\\";"/);
const out = await build({ input: "src/main-world.iife.ts", write: false, output: { format: "iife", minify: true, sourcemap: true }, logLevel: "silent" });
let code = out.output[0].code;
const late = dist.match(/"(window,[A-Za-z,]*)"/)?.[0] ?? '"window"';
code = code.replace(/(["'`])__CAPTURE_CONTROL_PACK_EARLY__\1/, early).replace(/(["'`])__CAPTURE_CONTROL_PACK_HEAD__\1/, head).replace(/(["'`])__CAPTURE_CONTROL_PACK_LATE__\1/, late);
// (Replacements change columns on their line; the map is used only for rough attribution.)
const map = new TraceMap(out.output[0].map);
const server = await startServer({ "/": resolve("tests/pages") });
const b = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
const page = await b.newPage();
await page.goto(`http://localhost:${server.address().port}/index.html`);
const cdp = await page.context().newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 25 });
await page.evaluate((src) => { window.__src = src + "\n//# sourceURL=core.js"; }, code);
await page.evaluate(() => { for (let i = 0; i < 30; i++) { const f = document.createElement("iframe"); document.body.append(f); f.contentWindow.eval(window.__src); f.remove(); } });
await cdp.send("Profiler.start");
await page.evaluate(() => { for (let i = 0; i < 300; i++) { const f = document.createElement("iframe"); document.body.append(f); f.contentWindow.eval(window.__src); f.remove(); } });
const { profile } = await cdp.send("Profiler.stop");
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas; const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
let total = 0, inCore = 0;
for (const [id, t] of counts) {
  const n = byId.get(id); total += t;
  const cf = n.callFrame;
  let key;
  if (cf.url === "core.js") { inCore += t; const p = originalPositionFor(map, { line: cf.lineNumber + 1, column: cf.columnNumber }); key = `${(p.source ?? "?").replace(/.*\/src\//, "")}:${p.line} ${p.name ?? cf.functionName}`; }
  else key = `[${cf.functionName || "(anon)"} ${cf.url ? cf.url.slice(-20) : ""}]`;
  self.set(key, (self.get(key) ?? 0) + t);
}
console.log("total ms", (total / 1000).toFixed(1), "in core.js", (inCore / 1000).toFixed(1), "per frame ms", (total / 1000 / 300).toFixed(3));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((v / 1000).toFixed(1).padStart(7), k);
await b.close(); server.close();
