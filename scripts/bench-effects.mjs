// Camera effects (issue 7), measured: `node scripts/bench-effects.mjs` after `vite build`.
// 1. The detection worker alone (dist/src/effects/face/face-worker.iife.js in a page's blob: worker,
//    no extension): milliseconds per 640x480 frame, from the worker's own clock, and detections a second;
//    then the faceFraming pair of workers: the framer's milliseconds per frame and its output fps;
//    then backgroundBlur's pair (framer + segmenter): the same, and masks a second.
// 2. With the extension: frames a second reaching the page from a 30 fps camera (the face video),
//    with and without humanFaceDetectionMode, with faceFraming, backgroundBlur and both, and the
//    browser's CPU use meanwhile.
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { makeFaceVideo } from "./face-video.mjs";
import { startServer } from "./serve.mjs";
import { cpuSeconds } from "./cpu-seconds.mjs";

const SECONDS = Number(process.env.EFFECTS_SECONDS ?? 5);
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[s.length >> 1]; };

const video = await makeFaceVideo(30);
const server = await startServer({ "/": resolve("tests/pages") });
const origin = `http://localhost:${server.address().port}`;
const extra = [`--use-file-for-fake-video-capture=${video}`];

async function browser(extension) {
  const profile = mkdtempSync(join(tmpdir(), "cc-effects-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: await findChrome(), headless: true,
    args: chromeArgs({ extensionDir: extension ? resolve("dist") : undefined, extra }),
  });
  if (extension && !context.serviceWorkers().length) await context.waitForEvent("serviceworker");
  const page = await context.newPage();
  await page.goto(`${origin}/probe.html`);
  return { context, page, profile };
}

// 1. The worker alone.
{
  const { context, page } = await browser(false);
  const code = readFileSync(resolve("dist/src/effects/face/face-worker.iife.js"), "utf8");
  const model = readFileSync(resolve("public/effects/face_detection_short_range.tflite")).toString("base64");
  const times = await page.evaluate(async ({ code, model, seconds }) => {
    const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })));
    const started = performance.now();
    await new Promise((r) => { worker.onmessage = r; worker.postMessage({ model }); });
    const load = performance.now() - started;
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const readable = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0], maxBufferSize: 1 }).readable;
    const ms = [];
    worker.onmessage = (e) => ms.push(e.data.ms);
    worker.postMessage({ readable }, [readable]);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    stream.getTracks().forEach((t) => t.stop());
    return { load, ms };
  }, { code, model, seconds: SECONDS });
  console.log(`detection worker: model load ${times.load.toFixed(0)} ms; per 640x480 frame median ${median(times.ms).toFixed(1)} ms, ` +
    `min ${Math.min(...times.ms).toFixed(1)}, max ${Math.max(...times.ms).toFixed(1)}; ${(times.ms.length / SECONDS).toFixed(1)} detections a second`);
  // The faceFraming pair (framer + detector, as src/effects/framing.ts starts them): the framer's
  // own milliseconds per frame (it reports every 30 frames) and the frames its generator delivers.
  const framing = await page.evaluate(async ({ code, model, seconds }) => {
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    const start = (m) => new Promise((r) => { const w = new Worker(url); w.onmessage = () => r(w); w.postMessage({ model: m }); });
    const detector = await start(model), framer = await start(null);
    const ms = [];
    framer.onmessage = (e) => e.data.ms !== undefined && ms.push(e.data.ms);
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const generator = new MediaStreamTrackGenerator({ kind: "video" });
    const channel = new MessageChannel();
    detector.postMessage({ port: channel.port1 }, [channel.port1]);
    const readable = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0], maxBufferSize: 2 }).readable;
    const writable = generator.writable;
    framer.postMessage({ readable, writable, port: channel.port2, framing: true }, [readable, writable, channel.port2]);
    const reader = new MediaStreamTrackProcessor({ track: generator }).readable.getReader();
    await new Promise((r) => setTimeout(r, 2000)); // zoomed in by then
    ms.length = 0;
    let frames = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) { (await reader.read()).value.close(); frames++; }
    stream.getTracks().forEach((t) => t.stop());
    return { fps: frames / seconds, ms };
  }, { code, model, seconds: SECONDS });
  console.log(`framing workers: framer ${median(framing.ms).toFixed(2)} ms per frame (median of 30-frame means, max ` +
    `${Math.max(...framing.ms).toFixed(2)}); ${framing.fps.toFixed(1)} fps out of the generator`);
  // backgroundBlur's pair (framer + segmenter, as src/effects/framing.ts starts them).
  const segmentModel = readFileSync(resolve("public/effects/selfie_segmentation_landscape.tflite")).toString("base64");
  const blur = await page.evaluate(async ({ code, model, seconds }) => {
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    const start = (m) => new Promise((r) => { const w = new Worker(url); w.onmessage = () => r(w); w.postMessage({ model: m, segment: !!m }); });
    const loadStart = performance.now();
    const segmenter = await start(model);
    const load = performance.now() - loadStart;
    const framer = await start(null);
    const ms = [], masks = [];
    framer.onmessage = (e) => { if (e.data.ms !== undefined) { ms.push(e.data.ms); masks.push(e.data.masks); } };
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const generator = new MediaStreamTrackGenerator({ kind: "video" });
    const channel = new MessageChannel();
    segmenter.postMessage({ port: channel.port1 }, [channel.port1]);
    const readable = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0], maxBufferSize: 2 }).readable;
    const writable = generator.writable;
    framer.postMessage({ readable, writable, masks: channel.port2, blur: true }, [readable, writable, channel.port2]);
    const reader = new MediaStreamTrackProcessor({ track: generator }).readable.getReader();
    await new Promise((r) => setTimeout(r, 1000));
    ms.length = masks.length = 0;
    let frames = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) { (await reader.read()).value.close(); frames++; }
    stream.getTracks().forEach((t) => t.stop());
    return { fps: frames / seconds, ms, load, maskRate: masks.reduce((a, b) => a + b, 0) / (ms.length * 30) };
  }, { code, model: segmentModel, seconds: SECONDS });
  console.log(`blur workers: segmenter load ${blur.load.toFixed(0)} ms; framer ${median(blur.ms).toFixed(2)} ms per frame (median of ` +
    `30-frame means, max ${Math.max(...blur.ms).toFixed(2)}); ${blur.fps.toFixed(1)} fps out of the generator; ` +
    `${(blur.maskRate * blur.fps).toFixed(1)} masks a second`);
  await context.close();
}

// 2. Frames reaching the page, and CPU, with and without face detection.
const CASES = [["no effect", {}], ["humanFaceDetectionMode: bounding-box", { humanFaceDetectionMode: "bounding-box" }],
  ["faceFraming: true", { faceFraming: true }], ["backgroundBlur: true", { backgroundBlur: true }],
  ["faceFraming and backgroundBlur", { faceFraming: true, backgroundBlur: true }]];
for (const [name, constraints] of CASES) {
  const { context, page, profile } = await browser(true);
  const before = cpuSeconds(profile);
  const result = await page.evaluate(async ({ constraints, seconds }) => {
    const asked = performance.now();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, ...constraints } });
    const gum = performance.now() - asked;
    const reader = new MediaStreamTrackProcessor({ track: stream.getVideoTracks()[0] }).readable.getReader();
    // Latency added: the same camera's own frames, read alongside (a second, plain track shares the
    // source and its timestamps); per timestamp, when it reached the page on each track.
    const plain = (await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } })).getVideoTracks()[0];
    const plainReader = new MediaStreamTrackProcessor({ track: plain }).readable.getReader();
    const plainAt = new Map(), pageAt = new Map();
    let reading = true;
    const readPlain = (async () => {
      while (reading) {
        const { value: frame } = await plainReader.read();
        if (!frame) break;
        plainAt.set(frame.timestamp, performance.now());
        frame.close();
      }
    })();
    let frames = 0, withFaces = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      const { value: frame } = await reader.read();
      frames++;
      pageAt.set(frame.timestamp, performance.now());
      if (frame.metadata().segments?.length) withFaces++;
      frame.close();
    }
    reading = false;
    plain.stop();
    await readPlain;
    stream.getTracks().forEach((t) => t.stop());
    const delays = [...pageAt].filter(([t]) => plainAt.has(t)).map(([t, at]) => at - plainAt.get(t)).sort((a, b) => a - b);
    return { fps: frames / seconds, withFaces, gum, delay: delays.length ? delays[delays.length >> 1] : NaN, matched: delays.length };
  }, { constraints, seconds: SECONDS });
  const cpu = (cpuSeconds(profile) - before) / SECONDS;
  console.log(`${name}: getUserMedia ${result.gum.toFixed(0)} ms; ${result.fps.toFixed(1)} fps reach the page, ${result.withFaces} frames with faces; ` +
    `later than the camera's own track by ${result.delay.toFixed(1)} ms (median of ${result.matched}); ` +
    `browser CPU ${(cpu * 100).toFixed(0)}% of one core`);
  await context.close();
}
server.close();
