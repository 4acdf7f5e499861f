// Writes tests/fixtures/effects/scene-320x240.rgba.gz: the face-video scene (tests/pages/face-scene.js,
// scripts/face-video.mjs's FACES) drawn at half size in Chromium, raw RGBA, gzipped. The unit tests of
// the effect models (BlazeFace, selfie segmentation) run on it in Node. Run: node scripts/scene-fixture.mjs
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "fflate";
import { chromium } from "playwright-core";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { FACES, HEIGHT, WIDTH } from "./face-video.mjs";

const SCALE = 0.5, W = WIDTH * SCALE, H = HEIGHT * SCALE;
const browser = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
try {
  const page = await browser.newPage();
  await page.setContent(`<canvas width=${W} height=${H}></canvas>`);
  await page.addScriptTag({ content: readFileSync(resolve("tests/pages/face-scene.js"), "utf8") });
  const rgba = await page.evaluate(({ faces, w, h, scale }) => {
    const ctx = document.querySelector("canvas").getContext("2d");
    ctx.scale(scale, scale);
    window.drawScene(ctx, w, h, faces);
    return Array.from(ctx.getImageData(0, 0, w * scale, h * scale).data);
  }, { faces: FACES, w: WIDTH, h: HEIGHT, scale: SCALE });
  mkdirSync("tests/fixtures/effects", { recursive: true });
  const out = `tests/fixtures/effects/scene-${W}x${H}.rgba.gz`;
  writeFileSync(out, gzipSync(Uint8Array.from(rgba), { level: 9, mtime: 0 }));
  console.log(out, readFileSync(out).length, "bytes");
} finally {
  await browser.close();
}
