// A test video with faces, made here (no third-party footage): a frame of tests/pages/face-scene.js
// rendered in Chromium, written as a Y4M file for --use-file-for-fake-video-capture. Used by
// tests/e2e/face-detection.spec.ts and scripts/bench-effects.mjs.
import { closeSync, mkdtempSync, openSync, readFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { chromeArgs, findChrome } from "./chrome-path.mjs";

export const WIDTH = 640, HEIGHT = 480;
/** Faces in the video: centre and height in pixels (drawFace's arguments). */
export const FACES = [{ cx: 190, cy: 230, h: 170 }, { cx: 470, cy: 200, h: 190 }];

/** One face off-centre (up and left), for the faceFraming tests. */
export const OFF_CENTRE = [{ cx: 200, cy: 170, h: 130 }];

export async function makeFaceVideo(frames = 6, faces = FACES) {
  const browser = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
  try {
    const page = await browser.newPage();
    await page.setContent(`<canvas width=${WIDTH} height=${HEIGHT}></canvas>`);
    await page.addScriptTag({ content: readFileSync(resolve("tests/pages/face-scene.js"), "utf8") });
    const rgba = await page.evaluate(({ faces, w, h }) => {
      const ctx = document.querySelector("canvas").getContext("2d");
      window.drawScene(ctx, w, h, faces);
      return Array.from(ctx.getImageData(0, 0, w, h).data);
    }, { faces, w: WIDTH, h: HEIGHT });
    const file = join(mkdtempSync(join(tmpdir(), "cc-faces-")), "faces.y4m");
    const fd = openSync(file, "w");
    writeSync(fd, `YUV4MPEG2 W${WIDTH} H${HEIGHT} F30:1 Ip A1:1 C420jpeg\n`);
    const frame = toI420(rgba);
    for (let i = 0; i < frames; i++) {
      writeSync(fd, "FRAME\n");
      writeSync(fd, frame);
    }
    closeSync(fd);
    return file;
  } finally {
    await browser.close();
  }
}

/** RGBA to I420 (BT.601, full range as "C420jpeg" says). */
function toI420(rgba) {
  const y = Buffer.alloc(WIDTH * HEIGHT), u = Buffer.alloc(WIDTH * HEIGHT / 4), v = Buffer.alloc(WIDTH * HEIGHT / 4);
  for (let j = 0; j < HEIGHT; j++) for (let i = 0; i < WIDTH; i++) {
    const k = (j * WIDTH + i) * 4, r = rgba[k], g = rgba[k + 1], b = rgba[k + 2];
    y[j * WIDTH + i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    if (j % 2 === 0 && i % 2 === 0) {
      const c = (j / 2) * (WIDTH / 2) + i / 2;
      u[c] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
      v[c] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
    }
  }
  return Buffer.concat([y, u, v]);
}
