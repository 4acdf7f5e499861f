/**
 * Person segmentation for backgroundBlur (issue 7), without WebGL or WebAssembly: MediaPipe's
 * landscape selfie segmentation model (public/effects/selfie_segmentation_landscape.tflite,
 * Apache-2.0; input 144x256 RGB in [0, 1], output 144x256 person probability) run by the shared
 * interpreter (../tflite.ts). Meant for an effect worker only: nothing here is loaded by the page's
 * main-world script. See docs/EFFECTS.md ("backgroundBlur").
 *
 * Like MediaPipe's selfie segmentation graph, the frame is scaled to the model's input without
 * keeping its aspect ratio, so the mask covers the whole frame (stretched back by the compositor).
 */
import { interpreter } from "../tflite";

/** Where the model is in the extension (public/effects/ in the sources). */
export const SEGMENT_MODEL = "effects/selfie_segmentation_landscape.tflite";

export interface Segmenter {
  /** The mask's (and the model input's) size. */
  width: number;
  height: number;
  /** The person probability (0..1) of each mask cell, row-major, `height` rows of `width`, covering
   * the whole `rgba` image (`width` x `height` pixels, 4 bytes each, as ImageData). A new array each call. */
  segmentPerson(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Float32Array;
}

/** Loads the model (bytes of a .tflite file with one NHWC float32 RGB input and one 1-channel output
 * of the same height and width). */
export function loadSegmenter(bytes: Uint8Array): Segmenter {
  const run = interpreter(bytes);
  const [, H, W, C] = run.inputShape, [out] = run.outputShapes;
  if (C !== 3 || run.outputShapes.length !== 1 || out.join() !== [1, H, W, 1].join()) {
    throw new Error("not a segmentation model: " + run.inputShape + " -> " + run.outputShapes.join(" "));
  }
  const input = new Float32Array(H * W * 3);
  let scratch = new Float32Array(0);
  return {
    width: W,
    height: H,
    segmentPerson(rgba, width, height) {
      if (rgba.length < width * height * 4) throw new RangeError("rgba is smaller than width x height");
      if (scratch.length < height * W * 3) scratch = new Float32Array(height * W * 3);
      resample(rgba, width, height, W, H, scratch, input);
      return run(input)[0].slice();
    },
  };
}

/** Per axis, each output cell's source taps: a box filter over the cell's footprint when shrinking
 * (area average, no aliasing), linear interpolation when enlarging. */
function taps(src: number, dst: number): { start: Int32Array; weights: Float32Array[] } {
  const scale = src / dst, start = new Int32Array(dst), weights: Float32Array[] = [];
  for (let i = 0; i < dst; i++) {
    if (scale > 1) {
      const a = i * scale, b = a + scale, first = Math.floor(a), last = Math.min(src - 1, Math.ceil(b) - 1);
      const w = new Float32Array(last - first + 1);
      for (let s = first; s <= last; s++) w[s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
      start[i] = first;
      weights.push(w);
    } else {
      const v = Math.min(src - 1, Math.max(0, (i + 0.5) * scale - 0.5)), first = Math.min(Math.floor(v), Math.max(0, src - 2));
      const f = v - first;
      start[i] = first;
      weights.push(src > 1 ? Float32Array.of(1 - f, f) : Float32Array.of(1));
    }
  }
  return { start, weights };
}

const tapCache = new Map<string, ReturnType<typeof taps>>();
const cachedTaps = (src: number, dst: number) => {
  const key = src + ">" + dst;
  let t = tapCache.get(key);
  if (!t) {
    if (tapCache.size > 8) tapCache.clear();
    tapCache.set(key, (t = taps(src, dst)));
  }
  return t;
};

/** RGBA bytes (width x height) to the model's RGB float input (W x H, values 0..1), separably:
 * rows first into `mid` (height x W x 3), then columns. */
function resample(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, W: number, H: number, mid: Float32Array, out: Float32Array) {
  const tx = cachedTaps(width, W), ty = cachedTaps(height, H);
  for (let y = 0; y < height; y++) {
    const ro = y * width * 4, mo = y * W * 3;
    for (let x = 0; x < W; x++) {
      const w = tx.weights[x], s = ro + tx.start[x] * 4;
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < w.length; k++) {
        const p = s + k * 4, q = w[k];
        r += rgba[p] * q; g += rgba[p + 1] * q; b += rgba[p + 2] * q;
      }
      mid[mo + x * 3] = r; mid[mo + x * 3 + 1] = g; mid[mo + x * 3 + 2] = b;
    }
  }
  const rowLen = W * 3;
  for (let y = 0; y < H; y++) {
    const w = ty.weights[y], s = ty.start[y] * rowLen, oo = y * rowLen;
    for (let i = 0; i < rowLen; i++) {
      let v = 0;
      for (let k = 0; k < w.length; k++) v += mid[s + k * rowLen + i] * w[k];
      out[oo + i] = v / 255;
    }
  }
}
