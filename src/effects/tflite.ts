/**
 * A small float32 TFLite interpreter in plain TypeScript (no WebAssembly, no WebGL: see
 * docs/EFFECTS.md), shared by the effect models: BlazeFace (./face/blazeface.ts) and selfie
 * segmentation (./segment/). It reads a .tflite flatbuffer (schema.fbs) and runs the operators those
 * models use, on NHWC tensors with batch 1 and static shapes (every output's shape is read from the
 * model, never inferred). fp16 weights behind DEQUANTIZE are widened once at load.
 *
 * Runs only in an effect worker, never in the page's main-world script.
 */

interface Tensor { shape: number[]; type: number; buffer: number }
export interface Table {
  u8(id: number, d?: number): number;
  i32(id: number, d?: number): number;
  u32(id: number, d?: number): number;
  table(id: number): Table | null;
  tables(id: number): Table[];
  ints(id: number): number[];
  bytes(id: number): Uint8Array | null;
}
/** `code`: the BuiltinOperator; `custom`: a CUSTOM operator's name, with its `customOptions`. */
interface Op {
  code: number; custom: string | null; inputs: number[]; outputs: number[];
  opt: Table | null; customOptions: Uint8Array | null;
}

/** Reads the parts of a TFLite flatbuffer (schema.fbs) that inference needs. */
export function readModel(bytes: Uint8Array) {
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
  // OperatorCode: BuiltinOperator in the old byte field, or the int field for codes above 127;
  // custom_code for CUSTOM.
  const codes = root.tables(1).map((c) => {
    const name = c.bytes(1);
    return { code: Math.max(c.u8(0), c.i32(3)), custom: name ? new TextDecoder().decode(name) : null };
  });
  const buffers = root.tables(4).map((b) => b.bytes(0));
  const graph = root.tables(2)[0];
  const tensors: Tensor[] = graph.tables(0).map((t) => ({ shape: t.ints(0), type: t.u8(1), buffer: t.u32(2) }));
  const ops: Op[] = graph.tables(3).map((o) => {
    const { code, custom } = codes[o.u32(0)];
    return { code, custom, inputs: o.ints(1), outputs: o.ints(2), opt: o.table(4), customOptions: o.bytes(5) };
  });
  return { tensors, ops, buffers, input: graph.ints(1)[0], outputs: graph.ints(2) };
}

function half(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return sign * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : sign * Infinity;
  return sign * 2 ** (e - 15) * (1 + f / 1024);
}

/** The BuiltinOperator codes this interpreter runs (schema.fbs). */
export const OP = {
  ADD: 0, AVERAGE_POOL: 1, CONCAT: 2, CONV: 3, DEPTHWISE: 4, DEQUANTIZE: 6, LOGISTIC: 14, MAX_POOL: 17,
  MUL: 18, RELU: 19, RESHAPE: 22, RESIZE_BILINEAR: 23, CUSTOM: 32, PAD: 34, MEAN: 40, HARD_SWISH: 117,
};
/** MediaPipe's transposed convolution with bias (mediapipe/util/tflite/operations/transpose_conv_bias.cc). */
const TRANSPOSE_CONV_BIAS = "Convolution2DTransposeBias";
const BUILTIN = new Set(Object.values(OP));

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Padding before, for SAME (TFLite's ComputePadding with dilation 1) or VALID. */
const padBefore = (size: number, k: number, s: number, out: number, same: boolean) =>
  same ? Math.floor(Math.max((out - 1) * s + k - size, 0) / 2) : 0;

function activate(a: Float32Array, kind: number) {
  if (kind === 1) { for (let i = 0; i < a.length; i++) if (a[i] < 0) a[i] = 0; }
  else if (kind === 3) for (let i = 0; i < a.length; i++) a[i] = Math.min(6, Math.max(0, a[i]));
  else if (kind !== 0) throw new Error("unsupported fused activation " + kind);
}

/** 1x1 convolution with stride 1 over n pixels: out[p, o] = bias[o] + sum over c of x[p, c] w[o, c]
 * (weights O x C). Two pixels and four output channels at a time share their loads. */
export function pointwise(x: Float32Array, n: number, C: number, w: Float32Array, O: number, bias: Float32Array, out: Float32Array) {
  let p = 0;
  for (; p + 1 < n; p += 2) {
    const xa = p * C, xb = xa + C, oa = p * O, ob = oa + O;
    let oc = 0;
    for (; oc + 3 < O; oc += 4) {
      let a0 = bias[oc], a1 = bias[oc + 1], a2 = bias[oc + 2], a3 = bias[oc + 3];
      let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
      const w0 = oc * C, w1 = w0 + C, w2 = w1 + C, w3 = w2 + C;
      for (let c = 0; c < C; c++) {
        const u = x[xa + c], v = x[xb + c], k0 = w[w0 + c], k1 = w[w1 + c], k2 = w[w2 + c], k3 = w[w3 + c];
        a0 += u * k0; a1 += u * k1; a2 += u * k2; a3 += u * k3;
        b0 += v * k0; b1 += v * k1; b2 += v * k2; b3 += v * k3;
      }
      out[oa + oc] = a0; out[oa + oc + 1] = a1; out[oa + oc + 2] = a2; out[oa + oc + 3] = a3;
      out[ob + oc] = b0; out[ob + oc + 1] = b1; out[ob + oc + 2] = b2; out[ob + oc + 3] = b3;
    }
    for (; oc < O; oc++) {
      let a = bias[oc], b = a;
      for (let c = 0, wo = oc * C; c < C; c++) { a += x[xa + c] * w[wo + c]; b += x[xb + c] * w[wo + c]; }
      out[oa + oc] = a; out[ob + oc] = b;
    }
  }
  for (; p < n; p++) {
    const xo = p * C, oo = p * O;
    for (let oc = 0; oc < O; oc++) {
      let a = bias[oc];
      for (let c = 0, wo = oc * C; c < C; c++) a += x[xo + c] * w[wo + c];
      out[oo + oc] = a;
    }
  }
}

let patches = new Float32Array(0);

/** A KH x KW convolution (weights O x KH x KW x C, zero padding pt above and pl left): each output
 * row's input patches are gathered (zeros outside the input), then multiplied as a 1x1 convolution. */
export function convolve(x: Float32Array, H: number, W: number, C: number, w: Float32Array, O: number, KH: number, KW: number,
  sh: number, sw: number, pt: number, pl: number, bias: Float32Array, out: Float32Array, OH: number, OW: number) {
  const K = KH * KW * C;
  if (patches.length < OW * K) patches = new Float32Array(OW * K);
  const row = patches.subarray(0, OW * K);
  for (let oy = 0; oy < OH; oy++) {
    row.fill(0);
    for (let ox = 0; ox < OW; ox++) {
      const po = ox * K;
      for (let ky = 0; ky < KH; ky++) {
        const iy = oy * sh + ky - pt;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < KW; kx++) {
          const ix = ox * sw + kx - pl;
          if (ix < 0 || ix >= W) continue;
          const xo = (iy * W + ix) * C, to = po + (ky * KW + kx) * C;
          for (let c = 0; c < C; c++) row[to + c] = x[xo + c];
        }
      }
    }
    pointwise(row, OW, K, w, O, bias, out.subarray(oy * OW * O, (oy + 1) * OW * O));
  }
}

/** Depthwise KH x KW convolution, depth multiplier 1 (weights 1 x KH x KW x C). */
export function depthwiseConvolve(x: Float32Array, H: number, W: number, C: number, w: Float32Array, KH: number, KW: number,
  sh: number, sw: number, pt: number, pl: number, bias: Float32Array, out: Float32Array, OH: number, OW: number) {
  const taps = new Int32Array(KH * KW), weights = new Int32Array(KH * KW);
  for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    // The taps inside the input, in kernel order.
    let n = 0;
    for (let ky = 0; ky < KH; ky++) {
      const iy = oy * sh + ky - pt;
      if (iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < KW; kx++) {
        const ix = ox * sw + kx - pl;
        if (ix < 0 || ix >= W) continue;
        taps[n] = (iy * W + ix) * C;
        weights[n++] = (ky * KW + kx) * C;
      }
    }
    const oo = (oy * OW + ox) * C;
    if (n === 9) {
      const t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3], t4 = taps[4], t5 = taps[5], t6 = taps[6], t7 = taps[7], t8 = taps[8];
      const v0 = weights[0], v1 = weights[1], v2 = weights[2], v3 = weights[3], v4 = weights[4], v5 = weights[5], v6 = weights[6], v7 = weights[7], v8 = weights[8];
      for (let c = 0; c < C; c++) {
        out[oo + c] = bias[c] + x[t0 + c] * w[v0 + c] + x[t1 + c] * w[v1 + c] + x[t2 + c] * w[v2 + c] + x[t3 + c] * w[v3 + c] +
          x[t4 + c] * w[v4 + c] + x[t5 + c] * w[v5 + c] + x[t6 + c] * w[v6 + c] + x[t7 + c] * w[v7 + c] + x[t8 + c] * w[v8 + c];
      }
    } else {
      for (let c = 0; c < C; c++) {
        let a = bias[c];
        for (let t = 0; t < n; t++) a += x[taps[t] + c] * w[weights[t] + c];
        out[oo + c] = a;
      }
    }
  }
}

export function relu(x: Float32Array, out: Float32Array) {
  for (let i = 0; i < out.length; i++) { const v = x[i]; out[i] = v < 0 ? 0 : v; }
}

export function logistic(x: Float32Array, out: Float32Array) {
  for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
}

/** x * relu6(x + 3) / 6 (TFLite's HARD_SWISH). */
export function hardSwish(x: Float32Array, out: Float32Array) {
  for (let i = 0; i < out.length; i++) { const v = x[i]; out[i] = v * Math.min(6, Math.max(0, v + 3)) / 6; }
}

/** MediaPipe's Convolution2DTransposeBias: weights OHWI; custom options are a
 * TfLiteTransposeConvParams (int32 padding 1 = SAME, stride width, stride height). */
export function transposeConv(x: Float32Array, xs: number[], w: Float32Array, ws: number[], bias: Float32Array, options: Uint8Array, out: Float32Array, ys: number[]) {
  const [, H, W, C] = xs, [O, KH, KW] = ws, [, OH, OW] = ys;
  const p = new DataView(options.buffer, options.byteOffset, options.byteLength);
  const same = p.getInt32(0, true) === 1, sw = p.getInt32(4, true), sh = p.getInt32(8, true);
  const pt = same ? Math.floor(Math.max(0, KH - (H - 1) % sh - 1) / 2) : 0;
  const pl = same ? Math.floor(Math.max(0, KW - (W - 1) % sw - 1) / 2) : 0;
  for (let i = 0; i < OH * OW; i++) for (let oc = 0; oc < O; oc++) out[i * O + oc] = bias[oc];
  for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) {
    const xo = (iy * W + ix) * C;
    for (let ky = 0; ky < KH; ky++) {
      const oy = iy * sh - pt + ky;
      if (oy < 0 || oy >= OH) continue;
      for (let kx = 0; kx < KW; kx++) {
        const ox = ix * sw - pl + kx;
        if (ox < 0 || ox >= OW) continue;
        const oo = (oy * OW + ox) * O;
        for (let oc = 0; oc < O; oc++) {
          let a = 0;
          for (let c = 0, wo = ((oc * KH + ky) * KW + kx) * C; c < C; c++) a += x[xo + c] * w[wo + c];
          out[oo + oc] += a;
        }
      }
    }
  }
}

/** RESIZE_BILINEAR (options: align_corners, half_pixel_centers). */
export function resizeBilinear(x: Float32Array, xs: number[], o: Table | null, out: Float32Array, ys: number[]) {
  const [, H, W, C] = xs, [, OH, OW] = ys;
  const align = o?.u8(2) === 1, halfPixel = o?.u8(3) === 1;
  // TFLite's reference: source coordinate, lower bound clamped at 0, upper at size - 1.
  const axis = (out: number, size: number) => {
    const scale = align && out > 1 ? (size - 1) / (out - 1) : size / out;
    const lo = new Int32Array(out), hi = new Int32Array(out), f = new Float32Array(out);
    for (let i = 0; i < out; i++) {
      const v = halfPixel ? (i + 0.5) * scale - 0.5 : i * scale;
      lo[i] = Math.max(Math.floor(v), 0);
      hi[i] = Math.min(Math.ceil(v), size - 1);
      f[i] = v - lo[i];
    }
    return { lo, hi, f };
  };
  const yA = axis(OH, H), xA = axis(OW, W);
  for (let oy = 0; oy < OH; oy++) {
    const y0 = yA.lo[oy] * W, y1 = yA.hi[oy] * W, fy = yA.f[oy];
    for (let ox = 0; ox < OW; ox++) {
      const fx = xA.f[ox];
      const a = (y0 + xA.lo[ox]) * C, b = (y0 + xA.hi[ox]) * C, c = (y1 + xA.lo[ox]) * C, d = (y1 + xA.hi[ox]) * C;
      const oo = (oy * OW + ox) * C;
      for (let ch = 0; ch < C; ch++) {
        out[oo + ch] = x[a + ch] * (1 - fy) * (1 - fx) + x[c + ch] * fy * (1 - fx) + x[b + ch] * (1 - fy) * fx + x[d + ch] * fy * fx;
      }
    }
  }
}

/** A loaded model: takes the input tensor (NHWC float32) and returns the outputs. The returned
 * arrays are the interpreter's own and are overwritten by the next run. */
export interface Network {
  (input: Float32Array): Float32Array[];
  inputShape: number[];
  outputShapes: number[][];
}

export function interpreter(bytes: Uint8Array): Network {
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
    else if (o.code === OP.CUSTOM ? o.custom === TRANSPOSE_CONV_BIAS : BUILTIN.has(o.code)) steps.push(o);
    else throw new Error("unsupported operator " + (o.custom ?? o.code));
  }
  const shape = (i: number) => m.tensors[i].shape;
  // Every computed tensor has its buffer, allocated once (RESHAPE shares its input's).
  // An activation whose input nothing else reads works in place.
  const buffers = new Map<number, Float32Array>();
  const readers = new Map<number, number>();
  for (const o of steps) for (const i of o.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const o of steps) {
    const [x] = o.inputs, y = o.outputs[0];
    if (o.code === OP.RESHAPE) continue;
    const inPlace = (o.code === OP.RELU || o.code === OP.LOGISTIC || o.code === OP.HARD_SWISH) &&
      buffers.has(x) && readers.get(x) === 1 && !m.outputs.includes(x);
    buffers.set(y, inPlace ? buffers.get(x)! : new Float32Array(count(shape(y))));
  }

  function conv(x: Float32Array, xs: number[], w: Float32Array, ws: number[], bias: Float32Array, o: Table, out: Float32Array, ys: number[]) {
    const [, H, W, C] = xs, [O, KH, KW] = ws, [, OH, OW] = ys;
    const sw = o.u32(1, 1), sh = o.u32(2, 1), same = o.u8(0) === 0;
    if (o.u32(4, 1) !== 1 || o.u32(5, 1) !== 1) throw new Error("dilated CONV_2D");
    if (KH === 1 && KW === 1 && sw === 1 && sh === 1) pointwise(x, H * W, C, w, O, bias, out);
    else {
      const pt = padBefore(H, KH, sh, OH, same), pl = padBefore(W, KW, sw, OW, same);
      convolve(x, H, W, C, w, O, KH, KW, sh, sw, pt, pl, bias, out, OH, OW);
    }
    activate(out, o.u8(3));
  }

  function depthwise(x: Float32Array, xs: number[], w: Float32Array, ws: number[], bias: Float32Array, o: Table, out: Float32Array, ys: number[]) {
    const [, H, W, C] = xs, [, KH, KW] = ws, [, OH, OW] = ys;
    const sw = o.u32(1, 1), sh = o.u32(2, 1), same = o.u8(0) === 0;
    if (ws[3] !== C || o.u32(5, 1) !== 1 || o.u32(6, 1) !== 1) throw new Error("DEPTHWISE_CONV_2D with a depth multiplier or dilation");
    const pt = padBefore(H, KH, sh, OH, same), pl = padBefore(W, KW, sw, OW, same);
    depthwiseConvolve(x, H, W, C, w, KH, KW, sh, sw, pt, pl, bias, out, OH, OW);
    activate(out, o.u8(4));
  }

  /** ADD and MUL with NHWC broadcasting (same shape, or one side [1, 1, 1, C] or a scalar). */
  function binary(p: Float32Array, ps: number[], q: Float32Array, qs: number[], mul: boolean, out: Float32Array) {
    if (p.length === q.length) {
      if (mul) for (let i = 0; i < out.length; i++) out[i] = p[i] * q[i];
      else for (let i = 0; i < out.length; i++) out[i] = p[i] + q[i];
      return;
    }
    if (p.length < q.length) [p, ps, q, qs] = [q, qs, p, ps];
    const C = ps[ps.length - 1];
    if (q.length !== 1 && !(q.length === C && qs[qs.length - 1] === C)) throw new Error("unsupported broadcast " + ps + " " + qs);
    const n = q.length;
    if (mul) for (let i = 0; i < out.length; i++) out[i] = p[i] * q[i % n];
    else for (let i = 0; i < out.length; i++) out[i] = p[i] + q[i % n];
  }

  /** AVERAGE_POOL_2D; with SAME padding the average is over the cells inside the input. */
  function averagePool(x: Float32Array, xs: number[], o: Table, out: Float32Array, ys: number[]) {
    const [, H, W, C] = xs, [, OH, OW] = ys;
    const same = o.u8(0) === 0, sw = o.u32(1), sh = o.u32(2), fw = o.u32(3), fh = o.u32(4);
    const pt = padBefore(H, fh, sh, OH, same), pl = padBefore(W, fw, sw, OW, same);
    out.fill(0);
    for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      const oo = (oy * OW + ox) * C;
      let n = 0;
      for (let ky = 0; ky < fh; ky++) for (let kx = 0; kx < fw; kx++) {
        const iy = oy * sh + ky - pt, ix = ox * sw + kx - pl;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        n++;
        const xo = (iy * W + ix) * C;
        for (let ch = 0; ch < C; ch++) out[oo + ch] += x[xo + ch];
      }
      for (let ch = 0; ch < C; ch++) out[oo + ch] /= n;
    }
    activate(out, o.u8(5));
  }

  const run = (input: Float32Array) => {
    if (input.length !== count(shape(m.input))) throw new RangeError("input of " + input.length + " values for " + shape(m.input));
    const values = new Map<number, Float32Array | Int32Array>(consts);
    values.set(m.input, input);
    const f = (i: number) => values.get(i) as Float32Array;
    for (const o of steps) {
      const [a, b, c] = o.inputs, y = o.outputs[0], ys = shape(y);
      if (o.code === OP.RESHAPE) {
        values.set(y, f(a));
        continue;
      }
      const r = buffers.get(y)!;
      switch (o.code) {
        case OP.CONV:
          conv(f(a), shape(a), f(b), shape(b), c >= 0 ? f(c) : new Float32Array(shape(b)[0]), o.opt!, r, ys);
          break;
        case OP.DEPTHWISE:
          depthwise(f(a), shape(a), f(b), shape(b), c >= 0 ? f(c) : new Float32Array(shape(b)[3]), o.opt!, r, ys);
          break;
        case OP.CUSTOM:
          transposeConv(f(a), shape(a), f(b), shape(b), f(c), o.customOptions!, r, ys);
          break;
        case OP.ADD:
        case OP.MUL:
          binary(f(a), shape(a), f(b), shape(b), o.code === OP.MUL, r);
          activate(r, o.opt ? o.opt.u8(0) : 0);
          break;
        case OP.RELU:
          relu(f(a), r);
          break;
        case OP.LOGISTIC:
          logistic(f(a), r);
          break;
        case OP.HARD_SWISH:
          hardSwish(f(a), r);
          break;
        case OP.RESIZE_BILINEAR:
          resizeBilinear(f(a), shape(a), o.opt, r, ys);
          break;
        case OP.AVERAGE_POOL:
          averagePool(f(a), shape(a), o.opt!, r, ys);
          break;
        case OP.MEAN: {
          // Over height and width (the models' squeeze-and-excitation blocks), kept as 1x1.
          const axes = Array.from(values.get(b) as Int32Array), [, H, W, C] = shape(a), x = f(a);
          if (axes.join() !== "1,2" || ys[1] !== 1 || ys[2] !== 1) throw new Error("unsupported MEAN over " + axes);
          r.fill(0);
          for (let p = 0, n = H * W; p < n; p++) for (let ch = 0; ch < C; ch++) r[ch] += x[p * C + ch];
          for (let ch = 0; ch < C; ch++) r[ch] /= H * W;
          break;
        }
        case OP.MAX_POOL: {
          const [, H, W, C] = shape(a), [, OH, OW] = ys, x = f(a), opt = o.opt!;
          const sw = opt.u32(1), sh = opt.u32(2), fw = opt.u32(3), fh = opt.u32(4);
          r.fill(-Infinity);
          for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) for (let ky = 0; ky < fh; ky++) for (let kx = 0; kx < fw; kx++) {
            const iy = oy * sh + ky, ix = ox * sw + kx;
            if (iy >= H || ix >= W) continue;
            const xo = (iy * W + ix) * C, oo = (oy * OW + ox) * C;
            for (let ch = 0; ch < C; ch++) if (x[xo + ch] > r[oo + ch]) r[oo + ch] = x[xo + ch];
          }
          break;
        }
        case OP.PAD: {
          // Zero padding of height, width and channels (BlazeFace pads channels before residual adds).
          const [, H, W, C] = shape(a), [, , OW, OC] = ys, x = f(a), p = values.get(b) as Int32Array;
          r.fill(0);
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
          let offset = 0;
          for (const i of o.inputs) {
            const src = f(i), row = count(shape(i).slice(axis));
            for (let k = 0; k < outer; k++) r.set(src.subarray(k * row, (k + 1) * row), k * rowOut + offset);
            offset += row;
          }
          activate(r, o.opt!.u8(1));
        }
      }
      values.set(y, r);
    }
    return m.outputs.map(f);
  };
  return Object.assign(run, { inputShape: shape(m.input), outputShapes: m.outputs.map(shape) });
}
