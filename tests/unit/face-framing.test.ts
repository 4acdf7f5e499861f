/** faceFraming's crop and motion (src/effects/face/framing.ts): where it aims, how it moves. */
import { describe, expect, it } from "vitest";
import { aim, FULL, isFull, MAX_ZOOM, motion, step, targetOf } from "../../src/effects/face/framing";

const FRAME_US = 33_333;
/** Runs `m` for `seconds` of 30 fps frames, re-aiming at `faces` every 6th frame. Returns the crops. */
function run(m: ReturnType<typeof motion>, faces: Parameters<typeof aim>[1], seconds: number, on = true, from = 0) {
  const crops = [];
  for (let i = 0; i < seconds * 30; i++) {
    const t = from + i * FRAME_US;
    if (i % 6 === 0) aim(m, faces, t, on);
    crops.push(step(m, t));
  }
  return crops;
}

describe("targetOf", () => {
  it("centres a face, keeps the crop inside the frame, zooms at most MAX_ZOOM", () => {
    expect(targetOf([])).toEqual(FULL);
    const t = targetOf([{ x: 0.25, y: 0.25, w: 0.15, h: 0.2 }]);
    expect(t.size).toBeCloseTo(0.56, 2);
    expect(t.x).toBeCloseTo(0.325, 3);
    expect(t.y).toBeCloseTo(0.35, 3);
    // A tiny face in a corner: 2x at most, clamped into the frame.
    const corner = targetOf([{ x: 0.01, y: 0.01, w: 0.02, h: 0.02 }]);
    expect(corner).toEqual({ x: 1 / MAX_ZOOM / 2, y: 1 / MAX_ZOOM / 2, size: 1 / MAX_ZOOM });
    // Faces far apart: no zoom.
    expect(targetOf([{ x: 0.05, y: 0.4, w: 0.2, h: 0.2 }, { x: 0.75, y: 0.4, w: 0.2, h: 0.2 }]).size).toBe(1);
  });
});

describe("motion", () => {
  const face = [{ x: 0.25, y: 0.25, w: 0.15, h: 0.2 }];
  it("reaches the target within ~2 s without overshoot, then holds still", () => {
    const m = motion();
    const crops = run(m, face, 3);
    const target = targetOf(face);
    for (let i = 1; i < crops.length; i++) expect(crops[i].size).toBeLessThanOrEqual(crops[i - 1].size + 1e-9);
    expect(crops.every((c) => c.size >= target.size - 1e-6)).toBe(true);
    expect(Math.abs(crops[60].size - target.size)).toBeLessThan(0.03);
    expect(crops[89]).toEqual(target);
  });
  it("ignores small moves (dead zone), follows large ones", () => {
    const m = motion();
    run(m, face, 3);
    const held = m.target;
    run(m, [{ ...face[0], x: face[0].x + 0.02 }], 1, true, 3e6);
    expect(m.target).toEqual(held);
    run(m, [{ ...face[0], x: face[0].x + 0.2 }], 1, true, 4e6);
    expect(m.target.x).toBeGreaterThan(held.x + 0.15);
  });
  it("holds a lost face for a second, then drifts back to the full frame; off returns too", () => {
    const m = motion();
    run(m, face, 3);
    run(m, [], 0.5, true, 3e6);
    expect(isFull(m.target)).toBe(false);
    const back = run(m, [], 4, true, 3.5e6);
    expect(isFull(back[back.length - 1])).toBe(true);
    const n = motion();
    run(n, face, 3);
    const off = run(n, face, 3, false, 3e6);
    expect(off[off.length - 1]).toEqual(FULL);
  });
  it("is the same on a slow machine: long steps stay stable", () => {
    const m = motion();
    for (let t = 0; t < 5e6; t += 250_000) {
      aim(m, face, t, true);
      const c = step(m, t);
      expect(c.size).toBeGreaterThanOrEqual(1 / MAX_ZOOM);
      expect(c.size).toBeLessThanOrEqual(1);
    }
    expect(step(m, 5e6)).toEqual(targetOf(face));
  });
});
