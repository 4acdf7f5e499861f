/**
 * Person segmentation in Node (src/effects/segment/segment.ts on src/effects/tflite.ts): the mask of
 * the drawn scene (two heads with necks and shoulders on a background, tests/unit/effects-scene.ts)
 * is high on the drawn people and low on the background, at the regions the scene's geometry gives.
 */
import { describe, expect, it } from "vitest";
import { loadSegmenter, SEGMENT_MODEL } from "../../src/effects/segment/segment";
import { FACES, HEIGHT, model, scene, WIDTH } from "./effects-scene";

type Region = (x: number, y: number) => boolean;

/** Regions in the scene's pixels, from tests/pages/face-scene.js's drawFace (w = 0.78 h). */
const inEllipse = (cx: number, cy: number, rx: number, ry: number): Region => (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
const inRect = (x0: number, y0: number, x1: number, y1: number): Region => (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1;
// The face ellipse and the shirt below the shoulders' curve, each shrunk away from its edges.
const faces = FACES.map((f) => inEllipse(f.cx, f.cy + f.h * 0.02, f.h * 0.78 * 0.48 * 0.8, f.h * 0.5 * 0.8));
const shoulders = FACES.map((f) => inRect(f.cx - f.h * 0.78 * 0.9, f.cy + f.h * 1.1, f.cx + f.h * 0.78 * 0.9, HEIGHT));
const background: [string, Region][] = [
  ["top left", inRect(0, 0, WIDTH * 0.15, HEIGHT * 0.25)],
  ["top right", inRect(WIDTH * 0.85, 0, WIDTH, HEIGHT * 0.25)],
  // Between the two heads, above the shoulders (hair ends at x 132 and 194, shirts start at y 170).
  ["between the heads", inRect(140, 0, 185, 100)],
];

describe("selfie segmentation", () => {
  const segmenter = loadSegmenter(model(SEGMENT_MODEL.replace("effects/", "")));
  const mask = segmenter.segmentPerson(scene(), WIDTH, HEIGHT);
  /** The mean of the mask cells whose centres fall in the region (the mask covers the whole scene). */
  const mean = (region: Region) => {
    let sum = 0, n = 0;
    for (let my = 0; my < segmenter.height; my++) for (let mx = 0; mx < segmenter.width; mx++) {
      if (!region((mx + 0.5) * WIDTH / segmenter.width, (my + 0.5) * HEIGHT / segmenter.height)) continue;
      sum += mask[my * segmenter.width + mx];
      n++;
    }
    expect(n).toBeGreaterThan(20);
    return sum / n;
  };

  it("is the landscape model: a 256x144 mask of probabilities", () => {
    expect([segmenter.width, segmenter.height]).toEqual([256, 144]);
    expect(mask).toHaveLength(256 * 144);
    expect(mask.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it("covers the drawn heads and shoulders", () => {
    for (const region of [...faces, ...shoulders]) expect(mean(region)).toBeGreaterThan(0.6);
  });

  it("leaves the background out", () => {
    for (const [name, region] of background) expect([name, mean(region)]).toEqual([name, expect.toSatisfy((v: number) => v < 0.3)]);
  });

  it("finds no one in a plain picture, and the same mask for the same picture at another size", () => {
    const grey = new Uint8Array(WIDTH * HEIGHT * 4).fill(160);
    const blank = segmenter.segmentPerson(grey, WIDTH, HEIGHT);
    expect(blank.reduce((a, b) => a + b, 0) / blank.length).toBeLessThan(0.1);
    // The scene with every pixel doubled: the area-averaging resample gives the model the same input.
    const rgba = scene(), big = new Uint8Array(WIDTH * 2 * HEIGHT * 2 * 4);
    for (let y = 0; y < HEIGHT * 2; y++) for (let x = 0; x < WIDTH * 2; x++) {
      big.set(rgba.subarray(((y >> 1) * WIDTH + (x >> 1)) * 4, ((y >> 1) * WIDTH + (x >> 1)) * 4 + 4), (y * WIDTH * 2 + x) * 4);
    }
    const again = segmenter.segmentPerson(big, WIDTH * 2, HEIGHT * 2);
    let diff = 0;
    for (let i = 0; i < mask.length; i++) diff = Math.max(diff, Math.abs(again[i] - mask[i]));
    expect(diff).toBeLessThan(0.02);
  });

  it("refuses an image smaller than its size says", () => {
    expect(() => segmenter.segmentPerson(new Uint8Array(10), WIDTH, HEIGHT)).toThrow(RangeError);
  });
});
