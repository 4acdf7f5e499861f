/**
 * Face detection without WebGL or WebAssembly: a small float32 interpreter for the operators of
 * MediaPipe's short-range BlazeFace model (face_detection_short_range.tflite, Apache-2.0, shipped in
 * public/effects/), its SSD anchors and weighted non-maximum suppression. Runs in the detection
 * worker (./face-worker.iife.ts), never in the page's main-world script. See docs/EFFECTS.md.
 *
 * Why not MediaPipe's own runtimes: @mediapipe/tasks-vision refuses this model (it lacks the
 * NormalizationOptions metadata the Tasks API needs), and the legacy @mediapipe/face_detection
 * solution aborts in its GPU graph on a machine without a GPU. The graph has 9 operator kinds;
 * interpreting them in JavaScript takes ~30 ms per frame on the test machine (measured).
 */

/** One face: box and keypoints normalized to the frame (0..1), score 0..1. Keypoints: right eye,
 * left eye, nose tip, mouth centre, right ear, left ear (the subject's right and left). */
export interface Face { score: number; x: number; y: number; w: number; h: number; kp: [number, number][] }

interface Tensor { shape: number[]; type: number; buffer: number }
interface Table {
  u8(id: number, d?: number): number;
  i32(id: number, d?: number): number;
  u32(id: number, d?: number): number;
  table(id: number): Table | null;
  tables(id: number): Table[];
  ints(id: number): number[];
  bytes(id: number): Uint8Array | null;
}
interface Op { code: number; inputs: number[]; outputs: number[]; opt: Table | null }

/** Reads the parts of a TFLite flatbuffer (schema.fbs) that inference needs. */
function readModel(bytes: Uint8Array) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o: number) => dv.getUint32(o, true);
  const table = (pos: number): Table => {
    const vt = pos - dv.getInt32(pos, true);
    const vlen = dv.getUint16(vt, true);
    const field = (id: number) => {
      const o = 4 + id * 2;
      if (o >= vlen) return 0;
      const off = dv.getUint16(vt + o, true);
      return off ? pos + off : 0;
    };
    const vec = (id: number) => {
      const p = field(id);
      if (!p) return null;
      const v = p + u32(p);
      return { len: u32(v), start: v + 4 };
    };
    return {
      u8: (id, d = 0) => (field(id) ? bytes[field(id)] : d),
      i32: (id, d = 0) => (field(id) ? dv.getInt32(field(id), true) : d),
      u32: (id, d = 0) => (field(id) ? u32(field(id)) : d),
      table: (id) => (field(id) ? table(field(id) + u32(field(id))) : null),
      tables(id) {
        const v = vec(id), out: Table[] = [];
        for (let i = 0; v && i < v.len; i++) out.push(table(v.start + i * 4 + u32(v.start + i * 4)));
        return out;
      },
      ints(id) {
        const v = vec(id), out: number[] = [];
        for (let i = 0; v && i < v.len; i++) out.push(dv.getInt32(v.start + i * 4, true));
        return out;
      },
      bytes(id) {
        const v = vec(id);
        return v ? bytes.subarray(v.start, v.start + v.len) : null;
      },
    };
  };
  const root = table(u32(0));
  // BuiltinOperator: the old byte field, or the int field for codes above 127.
  const codes = root.tables(1).map((c) => Math.max(c.u8(0), c.i32(3)));
  const buffers = root.tables(4).map((b) => b.bytes(0));
  const graph = root.tables(2)[0];
  const tensors: Tensor[] = graph.tables(0).map((t) => ({ shape: t.ints(0), type: t.u8(1), buffer: t.u32(2) }));
  const ops: Op[] = graph.tables(3).map((o) => ({ code: codes[o.u32(0)], inputs: o.ints(1), outputs: o.ints(2), opt: o.table(4) }));
  return { tensors, ops, buffers, input: graph.ints(1)[0], outputs: graph.ints(2) };
}

function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return sign * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : sign * Infinity;
  return sign * 2 ** (e - 15) * (1 + f / 1024);
}

const OP = { ADD: 0, CONCAT: 2, CONV: 3, DEPTHWISE: 4, DEQUANTIZE: 6, MAX_POOL: 17, RELU: 19, RESHAPE: 22, PAD: 34 };
const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The network: `run` takes a 128x128 RGB image in [-1, 1] (HWC) and returns [regressors, scores]. */
export function loadNetwork(bytes: Uint8Array): (input: Float32Array) => Float32Array[] {
  const m = readModel(bytes);
  const consts = new Map<number, Float32Array | Int32Array>();
  m.tensors.forEach((t, i) => {
    const b = m.buffers[t.buffer];
    if (!b || !b.length) return;
    const copy = b.slice().buffer;
    if (t.type === 0) consts.set(i, new Float32Array(copy));
    else if (t.type === 2) consts.set(i, new Int32Array(copy));
    else if (t.type === 1) consts.set(i, Float32Array.from(new Uint16Array(copy), half));
  });
  const steps: Op[] = [];
  for (const o of m.ops) {
    if (o.code === OP.DEQUANTIZE) consts.set(o.outputs[0], consts.get(o.inputs[0])!);
    else if (Object.values(OP).includes(o.code)) steps.push(o);
    else throw new Error("unsupported operator " + o.code);
  }
  const shape = (i: number) => m.tensors[i].shape;
  const transposed = new Map<Float32Array, Float32Array>();
  const relu = (a: Float32Array) => { for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0; };
  const activate = (a: Float32Array, kind: number) => {
    if (kind === 1) relu(a);
    else if (kind === 3) for (let i = 0; i < a.length; i++) a[i] = Math.min(6, Math.max(0, a[i]));
  };
  const padBefore = (size: number, k: number, s: number, out: number, same: boolean) =>
    same ? Math.floor(Math.max((out - 1) * s + k - size, 0) / 2) : 0;

  function conv(x: Float32Array, xs: number[], w: Float32Array, ws: number[], bias: Float32Array, o: Table, ys: number[]) {
    const [, H, W, C] = xs, [O, KH, KW] = ws, [, OH, OW] = ys;
    const sw = o.u32(1, 1), sh = o.u32(2, 1), same = o.u8(0) === 0;
    const out = new Float32Array(OH * OW * O);
    if (KH === 1 && KW === 1 && sw === 1 && sh === 1) {
      for (let p = 0, n = H * W; p < n; p++) {
        const xo = p * C, oo = p * O;
        let oc = 0;
        // Four output channels at a time share each input load.
        for (; oc + 3 < O; oc += 4) {
          let a0 = bias[oc], a1 = bias[oc + 1], a2 = bias[oc + 2], a3 = bias[oc + 3];
          const w0 = oc * C, w1 = w0 + C, w2 = w1 + C, w3 = w2 + C;
          for (let c = 0; c < C; c++) {
            const v = x[xo + c];
            a0 += v * w[w0 + c]; a1 += v * w[w1 + c]; a2 += v * w[w2 + c]; a3 += v * w[w3 + c];
          }
          out[oo + oc] = a0; out[oo + oc + 1] = a1; out[oo + oc + 2] = a2; out[oo + oc + 3] = a3;
        }
        for (; oc < O; oc++) {
          let a = bias[oc];
          for (let c = 0, wo = oc * C; c < C; c++) a += x[xo + c] * w[wo + c];
          out[oo + oc] = a;
        }
      }
    } else {
      let wt = transposed.get(w);
      if (!wt) {
        const k = KH * KW * C;
        wt = new Float32Array(w.length);
        for (let oc = 0; oc < O; oc++) for (let j = 0; j < k; j++) wt[j * O + oc] = w[oc * k + j];
        transposed.set(w, wt);
      }
      const pt = padBefore(H, KH, sh, OH, same), pl = padBefore(W, KW, sw, OW, same);
      for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
        const oo = (oy * OW + ox) * O;
        for (let oc = 0; oc < O; oc++) out[oo + oc] = bias[oc];
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * sh + ky - pt;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * sw + kx - pl;
            if (ix < 0 || ix >= W) continue;
            const xo = (iy * W + ix) * C, wo = (ky * KW + kx) * C * O;
            for (let c = 0; c < C; c++) {
              const v = x[xo + c], row = wo + c * O;
              for (let oc = 0; oc < O; oc++) out[oo + oc] += v * wt[row + oc];
            }
          }
        }
      }
    }
    activate(out, o.u8(3));
    return out;
  }

  function depthwise(x: Float32Array, xs: number[], w: Float32Array, ws: number[], bias: Float32Array, o: Table, ys: number[]) {
    const [, H, W, C] = xs, [, KH, KW] = ws, [, OH, OW] = ys;
    const sw = o.u32(1, 1), sh = o.u32(2, 1), same = o.u8(0) === 0;
    const pt = padBefore(H, KH, sh, OH, same), pl = padBefore(W, KW, sw, OW, same);
    const out = new Float32Array(OH * OW * C);
    for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      const oo = (oy * OW + ox) * C;
      for (let c = 0; c < C; c++) out[oo + c] = bias[c];
      for (let ky = 0; ky < KH; ky++) {
        const iy = oy * sh + ky - pt;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < KW; kx++) {
          const ix = ox * sw + kx - pl;
          if (ix < 0 || ix >= W) continue;
          const xo = (iy * W + ix) * C, wo = (ky * KW + kx) * C;
          for (let c = 0; c < C; c++) out[oo + c] += x[xo + c] * w[wo + c];
        }
      }
    }
    activate(out, o.u8(4));
    return out;
  }

  return (input) => {
    const values = new Map(consts);
    values.set(m.input, input);
    const f = (i: number) => values.get(i) as Float32Array;
    for (const o of steps) {
      const [a, b, c] = o.inputs, y = o.outputs[0], ys = shape(y);
      let r: Float32Array;
      switch (o.code) {
        case OP.CONV:
          r = conv(f(a), shape(a), f(b), shape(b), c >= 0 ? f(c) : new Float32Array(shape(b)[0]), o.opt!, ys);
          break;
        case OP.DEPTHWISE:
          r = depthwise(f(a), shape(a), f(b), shape(b), c >= 0 ? f(c) : new Float32Array(shape(b)[3]), o.opt!, ys);
          break;
        case OP.ADD: {
          const p = f(a), q = f(b);
          r = new Float32Array(p.length);
          for (let i = 0; i < r.length; i++) r[i] = p[i] + q[i];
          activate(r, o.opt ? o.opt.u8(0) : 0);
          break;
        }
        case OP.RELU:
          r = f(a).slice();
          relu(r);
          break;
        case OP.RESHAPE:
          r = f(a);
          break;
        case OP.MAX_POOL: {
          const [, H, W, C] = shape(a), [, OH, OW] = ys, x = f(a), opt = o.opt!;
          const sw = opt.u32(1), sh = opt.u32(2), fw = opt.u32(3), fh = opt.u32(4);
          r = new Float32Array(OH * OW * C).fill(-Infinity);
          for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) for (let ky = 0; ky < fh; ky++) for (let kx = 0; kx < fw; kx++) {
            const iy = oy * sh + ky, ix = ox * sw + kx;
            if (iy >= H || ix >= W) continue;
            const xo = (iy * W + ix) * C, oo = (oy * OW + ox) * C;
            for (let ch = 0; ch < C; ch++) if (x[xo + ch] > r[oo + ch]) r[oo + ch] = x[xo + ch];
          }
          break;
        }
        case OP.PAD: {
          // BlazeFace pads channels (and, at strided blocks, nothing else) before residual adds.
          const [, H, W, C] = shape(a), [, , OW, OC] = ys, x = f(a), p = values.get(b) as Int32Array;
          r = new Float32Array(count(ys));
          for (let yy = 0; yy < H; yy++) for (let xx = 0; xx < W; xx++) {
            const xo = (yy * W + xx) * C, oo = ((yy + p[2]) * OW + xx + p[4]) * OC + p[6];
            for (let ch = 0; ch < C; ch++) r[oo + ch] = x[xo + ch];
          }
          break;
        }
        default: { // CONCAT
          let axis = o.opt!.i32(0);
          if (axis < 0) axis += ys.length;
          const outer = count(ys.slice(0, axis)), rowOut = count(ys.slice(axis));
          r = new Float32Array(count(ys));
          let offset = 0;
          for (const i of o.inputs) {
            const src = f(i), row = count(shape(i).slice(axis));
            for (let k = 0; k < outer; k++) r.set(src.subarray(k * row, (k + 1) * row), k * rowOut + offset);
            offset += row;
          }
        }
      }
      values.set(y, r);
    }
    return m.outputs.map(f);
  };
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
