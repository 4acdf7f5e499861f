/**
 * The interpreter's kernels (src/effects/tflite.ts) against small hand-computed cases and naive
 * references written from TFLite's reference kernels (NHWC, batch 1).
 */
import { describe, expect, it } from "vitest";
import { convolve, depthwiseConvolve, hardSwish, logistic, pointwise, resizeBilinear, transposeConv, type Table } from "../../src/effects/tflite";

let seed = 1;
const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
const randoms = (n: number) => Float32Array.from({ length: n }, random);
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-4) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tolerance) expect([i, a[i]]).toEqual([i, b[i]]);
};
/** A stand-in options table: field id -> byte value. */
const options = (fields: Record<number, number>): Table => ({ u8: (id, d = 0) => fields[id] ?? d } as Table);

/** TFLite's reference Conv (OHWI weights), with depthwise as the special case of one input channel per output. */
function naiveConv(x: Float32Array, H: number, W: number, C: number, w: Float32Array, O: number, KH: number, KW: number,
  sh: number, sw: number, pt: number, pl: number, bias: Float32Array, OH: number, OW: number, depthwise: boolean) {
  const out = new Float32Array(OH * OW * O);
  for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) for (let o = 0; o < O; o++) {
    let a = bias[o];
    for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
      const iy = oy * sh + ky - pt, ix = ox * sw + kx - pl;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      if (depthwise) a += x[(iy * W + ix) * C + o] * w[(ky * KW + kx) * C + o];
      else for (let c = 0; c < C; c++) a += x[(iy * W + ix) * C + c] * w[((o * KH + ky) * KW + kx) * C + c];
    }
    out[(oy * OW + ox) * O + o] = a;
  }
  return out;
}

describe("convolution kernels", () => {
  it("1x1 convolution, odd pixel and channel counts", () => {
    for (const [n, C, O] of [[7, 5, 6], [1, 3, 1], [10, 16, 8]]) {
      const x = randoms(n * C), w = randoms(O * C), bias = randoms(O), out = new Float32Array(n * O);
      pointwise(x, n, C, w, O, bias, out);
      close(out, naiveConv(x, 1, n, C, w, O, 1, 1, 1, 1, 0, 0, bias, 1, n, false));
    }
  });

  it("KxK convolution with stride and padding", () => {
    for (const [H, W, C, O, K, s, p] of [[9, 7, 3, 5, 3, 2, 1], [6, 6, 2, 4, 5, 1, 2], [8, 5, 3, 6, 3, 2, 0]]) {
      const OH = Math.floor((H + 2 * p - K) / s) + 1, OW = Math.floor((W + 2 * p - K) / s) + 1;
      const x = randoms(H * W * C), w = randoms(O * K * K * C), bias = randoms(O), out = new Float32Array(OH * OW * O);
      convolve(x, H, W, C, w, O, K, K, s, s, p, p, bias, out, OH, OW);
      close(out, naiveConv(x, H, W, C, w, O, K, K, s, s, p, p, bias, OH, OW, false));
    }
  });

  it("depthwise convolution, 3x3 and 5x5, at the edges too", () => {
    for (const [H, W, C, K, s, p] of [[7, 9, 5, 3, 1, 1], [8, 8, 4, 3, 2, 0], [9, 6, 3, 5, 1, 2], [10, 10, 2, 5, 2, 1]]) {
      const OH = Math.floor((H + 2 * p - K) / s) + 1, OW = Math.floor((W + 2 * p - K) / s) + 1;
      const x = randoms(H * W * C), w = randoms(K * K * C), bias = randoms(C), out = new Float32Array(OH * OW * C);
      depthwiseConvolve(x, H, W, C, w, K, K, s, s, p, p, bias, out, OH, OW);
      close(out, naiveConv(x, H, W, C, w, C, K, K, s, s, p, p, bias, OH, OW, true));
    }
  });

  it("Convolution2DTransposeBias puts each input pixel's kernel (OHWI) at stride steps", () => {
    // One input pixel of value 2, one channel in and out, a 2x2 kernel [[1, 2], [3, 4]], bias 0.5.
    const params = new Uint8Array(new Int32Array([1, 2, 2]).buffer); // SAME, stride 2 x 2
    const out = new Float32Array(4);
    transposeConv(Float32Array.of(2), [1, 1, 1, 1], Float32Array.of(1, 2, 3, 4), [1, 2, 2, 1], Float32Array.of(0.5), params, out, [1, 2, 2, 1]);
    expect(Array.from(out)).toEqual([2.5, 4.5, 6.5, 8.5]);
    // Two input pixels side by side, two input channels summed: no overlap at stride 2.
    const wide = new Float32Array(8);
    transposeConv(Float32Array.of(1, 10, 2, 20), [1, 1, 2, 2], Float32Array.of(1, 1, 2, 2, 3, 3, 4, 4), [1, 2, 2, 2], Float32Array.of(0), params, wide, [1, 2, 4, 1]);
    expect(Array.from(wide)).toEqual([11, 22, 22, 44, 33, 44, 66, 88]);
  });
});

describe("other operators", () => {
  it("RESIZE_BILINEAR with half-pixel centres, as TensorFlow's", () => {
    const out = new Float32Array(16);
    resizeBilinear(Float32Array.of(1, 2, 3, 4), [1, 2, 2, 1], options({ 3: 1 }), out, [1, 4, 4, 1]);
    close(out, [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4], 1e-6);
    // Without half-pixel centres (TensorFlow 1's default), the same input starts at the corner.
    resizeBilinear(Float32Array.of(1, 2, 3, 4), [1, 2, 2, 1], options({}), out, [1, 4, 4, 1]);
    close(out.subarray(0, 4), [1, 1.5, 2, 2], 1e-6);
  });

  it("HARD_SWISH and LOGISTIC", () => {
    const out = new Float32Array(5);
    hardSwish(Float32Array.of(-4, -1, 0, 1, 4), out);
    close(out, [0, -1 / 3, 0, 2 / 3, 4], 1e-6);
    logistic(Float32Array.of(-Infinity, 0, 2, 80, -80), out);
    close(out, [0, 0.5, 1 / (1 + Math.exp(-2)), 1, 0], 1e-6);
  });
});
