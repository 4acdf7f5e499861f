/**
 * Face detection without WebGL or WebAssembly: a small float32 interpreter for the operators of
 * MediaPipe's short-range BlazeFace model (face_detection_short_range.tflite, Apache-2.0, shipped in
 * public/effects/), its SSD anchors and weighted non-maximum suppression. Runs in the detection
 * worker (./face-worker.iife.ts), never in the page's main-world script. See docs/EFFECTS.md.
 *
 * Why not MediaPipe's own runtimes: @mediapipe/tasks-vision refuses this model (it lacks the
 * NormalizationOptions metadata the Tasks API needs), and the legacy @mediapipe/face_detection
 * solution aborts in its GPU graph on a machine without a GPU. The graph has 9 operator kinds;
 * interpreting them in JavaScript (../tflite.ts) takes ~30 ms per frame on the test machine (measured).
 */
import { interpreter } from "../tflite";

/** One face: box and keypoints normalized to the frame (0..1), score 0..1. Keypoints: right eye,
 * left eye, nose tip, mouth centre, right ear, left ear (the subject's right and left). */
export interface Face { score: number; x: number; y: number; w: number; h: number; kp: [number, number][] }

/** The network: `run` takes a 128x128 RGB image in [-1, 1] (HWC) and returns [regressors, scores]
 * (the interpreter's arrays, overwritten by the next run). */
export function loadNetwork(bytes: Uint8Array): (input: Float32Array) => Float32Array[] {
  return interpreter(bytes);
}

/** SSD anchors of the short-range model (MediaPipe's face_detection_short_range graph options:
 * 4 layers, strides 8, 16, 16, 16, two anchors per layer and cell, fixed size, offset 0.5). */
function anchors(): [number, number][] {
  const out: [number, number][] = [];
  const strides = [8, 16, 16, 16];
  for (let l = 0; l < strides.length;) {
    let per = 0, next = l;
    while (next < strides.length && strides[next] === strides[l]) { per += 2; next++; }
    const cells = Math.ceil(128 / strides[l]);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let k = 0; k < per; k++) out.push([(x + 0.5) / cells, (y + 0.5) / cells]);
    l = next;
  }
  return out;
}
const ANCHORS = anchors();

const iou = (a: Face, b: Face) => {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x), h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  const inter = Math.max(0, w) * Math.max(0, h);
  return inter / (a.w * a.h + b.w * b.h - inter);
};

/** Faces in the network's output, in the 128x128 input's normalized coordinates: MediaPipe's
 * decoding (scale 128, sigmoid scores clipped at ±100) and its weighted non-maximum suppression. */
export function decode([regressors, scores]: Float32Array[], minScore: number): Face[] {
  const found: Face[] = [];
  for (let i = 0; i < ANCHORS.length; i++) {
    const s = Math.max(-100, Math.min(100, scores[i]));
    const score = 1 / (1 + Math.exp(-s));
    if (score < minScore) continue;
    const [ax, ay] = ANCHORS[i], o = i * 16;
    const cx = regressors[o] / 128 + ax, cy = regressors[o + 1] / 128 + ay;
    const w = regressors[o + 2] / 128, h = regressors[o + 3] / 128;
    const kp: [number, number][] = [];
    for (let k = 0; k < 6; k++) kp.push([regressors[o + 4 + k * 2] / 128 + ax, regressors[o + 5 + k * 2] / 128 + ay]);
    found.push({ score, x: cx - w / 2, y: cy - h / 2, w, h, kp });
  }
  found.sort((a, b) => b.score - a.score);
  const faces: Face[] = [];
  while (found.length) {
    const top = found[0];
    const group = found.filter((d) => iou(top, d) > 0.3);
    for (const g of group) found.splice(found.indexOf(g), 1);
    let total = 0;
    const m: Face = { score: top.score, x: 0, y: 0, w: 0, h: 0, kp: top.kp.map(() => [0, 0]) };
    for (const g of group) {
      total += g.score;
      m.x += g.x * g.score; m.y += g.y * g.score; m.w += g.w * g.score; m.h += g.h * g.score;
      g.kp.forEach((p, k) => { m.kp[k][0] += p[0] * g.score; m.kp[k][1] += p[1] * g.score; });
    }
    m.x /= total; m.y /= total; m.w /= total; m.h /= total;
    for (const p of m.kp) { p[0] /= total; p[1] /= total; }
    faces.push(m);
  }
  return faces;
}

/** Stable ids across frames: a face overlapping one of the previous frame's (IoU > 0.3) keeps its
 * id; new faces count on from a random start, so ids say nothing across sources. Ids step by 4:
 * a face's landmark segments take the next three. */
export function tracker(): (faces: Face[]) => number[] {
  let previous: { face: Face; id: number }[] = [];
  let next = 4 * (1 + Math.floor(Math.random() * 0x0fffffff));
  return (faces) => {
    const taken = new Set<number>();
    const ids = faces.map((face) => {
      let best = 0.3, id = 0;
      for (const p of previous) {
        const overlap = iou(face, p.face);
        if (overlap > best && !taken.has(p.id)) { best = overlap; id = p.id; }
      }
      if (!id) { id = next; next += 4; }
      taken.add(id);
      return id;
    });
    previous = faces.map((face, i) => ({ face, id: ids[i] }));
    return ids;
  };
}
