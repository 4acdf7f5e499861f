import { build } from "rolldown";
import { TraceMap, eachMapping } from "@jridgewell/trace-mapping";
const out = await build({ input: process.argv[2] || "src/main-world.iife.ts", write: false, output: { format: "iife", minify: true, sourcemap: true }, logLevel: "silent" });
const c = out.output[0];
const map = new TraceMap(c.map);
const lines = c.code.split("\n");
const sizes = {};
let prev = null;
const segs = [];
eachMapping(map, (m) => segs.push(m));
for (let i = 0; i < segs.length; i++) {
  const m = segs[i], n = segs[i + 1];
  const end = n && n.generatedLine === m.generatedLine ? n.generatedColumn : lines[m.generatedLine - 1].length;
  const src = (m.source || "?").replace(/.*\/main\//, "");
  sizes[src] = (sizes[src] || 0) + (end - m.generatedColumn);
}
console.log("total", c.code.length);
for (const [k, v] of Object.entries(sizes).sort((a, b) => b[1] - a[1])) console.log(String(v).padStart(7), k);
