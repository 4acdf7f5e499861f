/**
 * BlazeFace in Node (src/effects/face/blazeface.ts): the drawn scene's two faces are found where
 * they were drawn. The e2e suite (face-detection.spec.ts) checks the same through a camera.
 */
import { describe, expect, it } from "vitest";
import { decode, loadNetwork } from "../../src/effects/face/blazeface";
import { FACES, HEIGHT, letterbox, model, scene, WIDTH } from "./effects-scene";

describe("BlazeFace", () => {
  const run = loadNetwork(model("face_detection_short_range.tflite"));
  const input = letterbox(scene(), WIDTH, HEIGHT, 128, -1, (v) => v / 127.5 - 1);
  const outputs = run(input);

  it("has the model's output shapes", () => {
    expect(outputs.map((o) => o.length)).toEqual([896 * 16, 896]);
  });

  it("finds the two drawn faces", () => {
    // The letterbox: 320x240 -> 128x96 at y 16.
    const dh = 128 * HEIGHT / WIDTH, oy = (128 - dh) / 2;
    const faces = decode(outputs, 0.5)
      .map((f) => ({ score: f.score, cx: (f.x + f.w / 2) * WIDTH, cy: ((f.y + f.h / 2) * 128 - oy) / dh * HEIGHT, h: f.h * 128 / dh * HEIGHT }))
      .sort((a, b) => a.cx - b.cx);
    expect(faces).toHaveLength(2);
    faces.forEach((f, i) => {
      expect(f.score).toBeGreaterThan(0.8);
      expect(Math.abs(f.cx - FACES[i].cx)).toBeLessThan(0.05 * WIDTH);
      expect(Math.abs(f.cy - FACES[i].cy)).toBeLessThan(0.05 * HEIGHT);
      expect(Math.abs(f.h - FACES[i].h * 0.75)).toBeLessThan(0.1 * HEIGHT);
    });
  });
});
