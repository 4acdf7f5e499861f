import { build } from "rolldown";
const out = await build({ input: "/tmp/core-entry.ts", write: false, output: { format: "iife", minify: true }, logLevel: "silent" });
console.log(out.output[0].code.length);
import { writeFileSync } from "node:fs";
writeFileSync(process.argv[2], out.output[0].code + "\n//# sourceURL=<anonymous>\n");
