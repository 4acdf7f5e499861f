// Person segmentation (issue 7, backgroundBlur groundwork), measured in Chromium: `node scripts/bench-segment.mjs`.
// src/effects/segment/segment.ts bundled (vite, IIFE) and run in a page's blob: worker, no extension:
// model load, then milliseconds per inference (from the worker's clock) on the scene fixture at 320x240
// and scaled to 640x480 (the resample included), min and median; then the cost of a blur composite of a
// 640x480 frame with a 256x144 mask on an OffscreenCanvas in the same worker. Prints the load average.
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "fflate";
import { chromium } from "playwright-core";
import { build } from "vite";
import { chromeArgs, findChrome } from "./chrome-path.mjs";

const RUNS = Number(process.env.SEGMENT_RUNS ?? 25);
const out = await build({
  configFile: false, logLevel: "warn",
  build: { write: false, minify: true, lib: { entry: resolve("src/effects/segment/segment.ts"), formats: ["iife"], name: "Segment" } },
});
const library = (Array.isArray(out) ? out[0] : out).output[0].code;
const worker = library + `
self.onmessage = async ({ data }) => {
  const t0 = performance.now();
  const s = Segment.loadSegmenter(new Uint8Array(data.model));
  const load = performance.now() - t0;
  const results = { load, size: [s.width, s.height] };
  for (const [name, rgba, w, h] of data.images) {
    s.segmentPerson(rgba, w, h);
    const ms = [];
    for (let i = 0; i < data.runs; i++) { const t = performance.now(); s.segmentPerson(rgba, w, h); ms.push(performance.now() - t); }
    results[name] = ms;
  }
  // Blur composite: the frame blurred (canvas filter), the sharp frame masked on top.
  const W = 640, H = 480, mask = s.segmentPerson(data.images[1][1], W, H);
  const frame = new OffscreenCanvas(W, H), fctx = frame.getContext("2d");
  fctx.putImageData(new ImageData(new Uint8ClampedArray(data.images[1][1]), W, H), 0, 0);
  const alpha = new OffscreenCanvas(s.width, s.height), actx = alpha.getContext("2d");
  const a = new ImageData(s.width, s.height);
  for (let i = 0; i < mask.length; i++) a.data[i * 4 + 3] = Math.round(mask[i] * 255);
  const person = new OffscreenCanvas(W, H), pctx = person.getContext("2d");
  const outCanvas = new OffscreenCanvas(W, H), octx = outCanvas.getContext("2d");
  const blur = [];
  for (let i = 0; i < data.runs; i++) {
    const t = performance.now();
    actx.putImageData(a, 0, 0);
    pctx.globalCompositeOperation = "copy"; pctx.drawImage(alpha, 0, 0, W, H);
    pctx.globalCompositeOperation = "source-in"; pctx.drawImage(frame, 0, 0);
    octx.filter = "blur(10px)"; octx.drawImage(frame, 0, 0); octx.filter = "none";
    octx.drawImage(person, 0, 0);
    octx.getImageData(0, 0, 1, 1); // wait for the drawing
    blur.push(performance.now() - t);
  }
  results.blur = blur;
  self.postMessage(results);
};`;

const small = gunzipSync(readFileSync(resolve("tests/fixtures/effects/scene-320x240.rgba.gz")));
const big = new Uint8Array(640 * 480 * 4);
for (let y = 0; y < 480; y++) for (let x = 0; x < 640; x++) big.set(small.subarray(((y >> 1) * 320 + (x >> 1)) * 4, ((y >> 1) * 320 + (x >> 1)) * 4 + 4), (y * 640 + x) * 4);
// SEGMENT_MODEL_FILE: another model of the same kind, e.g. the 256x256 selfie_segmentation.tflite.
const model = readFileSync(process.env.SEGMENT_MODEL_FILE ?? resolve("public/effects/selfie_segmentation_landscape.tflite"));

const browser = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
try {
  const page = await browser.newPage();
  await page.setContent("<title>segment</title>");
  const before = loadavg();
  const r = await page.evaluate(({ code, model, small, big, runs }) => new Promise((done) => {
    const w = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
    w.onmessage = ({ data }) => done(data);
    w.onerror = (e) => done({ error: e.message });
    w.postMessage({ model: new Uint8Array(model).buffer, runs,
      images: [["320x240", new Uint8Array(small), 320, 240], ["640x480", new Uint8Array(big), 640, 480]] });
  }), { code: worker, model: Array.from(model), small: Array.from(small), big: Array.from(big), runs: RUNS });
  if (r.error) throw new Error(r.error);
  const stat = (v) => { const s = [...v].sort((a, b) => a - b); return `min ${s[0].toFixed(1)} median ${s[s.length >> 1].toFixed(1)} ms`; };
  console.log(`model load ${r.load.toFixed(1)} ms, mask ${r.size.join("x")}, ${RUNS} runs each`);
  console.log(`inference 320x240: ${stat(r["320x240"])}`);
  console.log(`inference 640x480: ${stat(r["640x480"])}`);
  console.log(`blur composite 640x480 (canvas blur(10px) + mask): ${stat(r.blur)}`);
  console.log(`load average before ${before.map((v) => v.toFixed(2)).join(" ")}, after ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
} finally {
  await browser.close();
}
