/** backgroundBlur's mask handling (src/effects/segment/blur.ts): blending masks in time, the
 * feathered alpha, and the rate of inferences. */
import { describe, expect, it } from "vitest";
import { alphaOf, HIGH, LOW, MASK_GAP_MS, MASK_TAU_MS, maskToAlpha, nextMaskAt, smoothMask } from "../../src/effects/segment/blur";

describe("smoothMask", () => {
  it("takes the first mask, or one of another size, as it is (a copy)", () => {
    const first = Float32Array.of(0, 1, 0.5);
    const out = smoothMask(null, first, 0);
    expect(Array.from(out)).toEqual([0, 1, 0.5]);
    expect(out).not.toBe(first);
    expect(Array.from(smoothMask(Float32Array.of(1, 1), first, 100))).toEqual([0, 1, 0.5]);
  });

  it("blends a new mask in by the time since the last, in place", () => {
    const previous = Float32Array.of(0, 1);
    const out = smoothMask(previous, Float32Array.of(1, 0), MASK_TAU_MS);
    expect(out).toBe(previous);
    const k = 1 - Math.exp(-1);
    expect(out[0]).toBeCloseTo(k, 5);
    expect(out[1]).toBeCloseTo(1 - k, 5);
    // No time: nothing changes; long after: the new mask.
    expect(Array.from(smoothMask(Float32Array.of(0.25), Float32Array.of(1), 0))).toEqual([0.25]);
    expect(smoothMask(Float32Array.of(0), Float32Array.of(1), 20 * MASK_TAU_MS)[0]).toBeCloseTo(1, 6);
  });

  it("converges to a steady mask and damps a one-mask flicker", () => {
    let m: Float32Array | null = null;
    for (let i = 0; i < 20; i++) m = smoothMask(m, Float32Array.of(0.9), 66);
    expect(m![0]).toBeCloseTo(0.9, 6);
    // One wrong mask (the person "gone" for an inference) moves the mask less than all the way.
    const after = smoothMask(m, Float32Array.of(0), 66)[0];
    expect(after).toBeGreaterThan(0.2);
    expect(after).toBeLessThan(0.9);
  });
});

describe("alpha", () => {
  it("is 0 up to LOW, 255 from HIGH, a monotonic smoothstep between", () => {
    expect([alphaOf(0), alphaOf(LOW), alphaOf(HIGH), alphaOf(1)]).toEqual([0, 0, 255, 255]);
    expect(alphaOf((LOW + HIGH) / 2)).toBe(128);
    let last = 0;
    for (let p = LOW; p <= HIGH; p += 0.01) {
      const a = alphaOf(p);
      expect(a).toBeGreaterThanOrEqual(last);
      last = a;
    }
    // Soft at both ends (smoothstep: flat near LOW and HIGH).
    expect(alphaOf(LOW + 0.02)).toBeLessThan(5);
    expect(alphaOf(HIGH - 0.02)).toBeGreaterThan(250);
  });

  it("writes the alpha bytes of an ImageData and leaves the colour", () => {
    const rgba = new Uint8ClampedArray(3 * 4).fill(7);
    maskToAlpha(Float32Array.of(0, 0.5, 1), rgba);
    expect(Array.from(rgba)).toEqual([7, 7, 7, 0, 7, 7, 7, 128, 7, 7, 7, 255]);
  });
});

describe("nextMaskAt", () => {
  it("starts inferences at most every MASK_GAP_MS, and rests half the working time when slower", () => {
    // 40 ms inference that ended at 1000: the next starts at 1026 (66 ms after the last start).
    expect(nextMaskAt(1000, 40)).toBe(1000 + MASK_GAP_MS - 40);
    // 100 ms: rest 50 ms (a third of the time idle).
    expect(nextMaskAt(1000, 100)).toBe(1050);
    expect(nextMaskAt(1000, 0)).toBe(1000 + MASK_GAP_MS);
  });
});
