import { build } from "rolldown";
const out = await build({ input: "src/main-world.iife.ts", write: false, output: { format: "iife", minify: true }, logLevel: "silent" });
process.stdout.write(out.output[0].code);
