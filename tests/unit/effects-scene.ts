/**
 * The face-video scene for the effect-model tests: tests/fixtures/effects/scene-320x240.rgba.gz
 * (scripts/scene-fixture.mjs: tests/pages/face-scene.js drawn in Chromium at half the video's size,
 * raw RGBA) and the drawn geometry (scripts/face-video.mjs's FACES, scaled to the fixture).
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "fflate";
import { FACES as VIDEO_FACES, WIDTH as VIDEO_WIDTH } from "../../scripts/face-video.mjs";

export const WIDTH = 320, HEIGHT = 240;
const SCALE = WIDTH / VIDEO_WIDTH;
/** Face centres and heights (hair to chin) in the fixture's pixels. */
export const FACES = VIDEO_FACES.map((f) => ({ cx: f.cx * SCALE, cy: f.cy * SCALE, h: f.h * SCALE }));

export function scene(): Uint8Array {
  const rgba = gunzipSync(readFileSync(new URL("../fixtures/effects/scene-320x240.rgba.gz", import.meta.url)));
  if (rgba.length !== WIDTH * HEIGHT * 4) throw new Error("fixture size " + rgba.length);
  return rgba;
}

/** A model file shipped in public/effects/. */
export const model = (name: string) => new Uint8Array(readFileSync(new URL(`../../public/effects/${name}`, import.meta.url)));

/** Bilinear sample of the RGBA image into a w x h RGB float image placed at (ox, oy) with size
 * (dw, dh) in a `size` canvas (the rest stays `fill`), values mapped by `scale`. */
export function letterbox(rgba: Uint8Array, width: number, height: number, size: number, fill: number, scale: (v: number) => number): Float32Array {
  const side = Math.max(width, height), dw = size * width / side, dh = size * height / side;
  const ox = (size - dw) / 2, oy = (size - dh) / 2;
  const out = new Float32Array(size * size * 3).fill(fill);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const sx = (x + 0.5 - ox) * width / dw - 0.5, sy = (y + 0.5 - oy) * height / dh - 0.5;
    if (sx < -0.5 || sy < -0.5 || sx > width - 0.5 || sy > height - 0.5) continue;
    const x0 = Math.max(0, Math.floor(sx)), y0 = Math.max(0, Math.floor(sy));
    const x1 = Math.min(width - 1, x0 + 1), y1 = Math.min(height - 1, y0 + 1);
    const fx = Math.min(1, Math.max(0, sx - x0)), fy = Math.min(1, Math.max(0, sy - y0));
    for (let c = 0; c < 3; c++) {
      const p = (yy: number, xx: number) => rgba[(yy * width + xx) * 4 + c];
      const v = (p(y0, x0) * (1 - fx) + p(y0, x1) * fx) * (1 - fy) + (p(y1, x0) * (1 - fx) + p(y1, x1) * fx) * fy;
      out[(y * size + x) * 3 + c] = scale(v);
    }
  }
  return out;
}
