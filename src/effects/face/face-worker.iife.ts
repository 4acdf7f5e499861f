/**
 * The face-detection worker (issue 7). Never loaded by itself: the service worker reads this built
 * file and hands its text to a page that asked for `humanFaceDetectionMode`; the page's main-world
 * script (src/effects/face.ts) runs it as a dedicated worker from a blob: URL and posts it the
 * model, then camera frames (VideoFrames are transferable within the page's agent cluster).
 *
 * Messages in: `{model: base64}` (answered `{ready: true}` or `{error}`); `{readable, landmarks}`:
 * the frames of the camera (a MediaStreamTrackProcessor's stream), each detection answered
 * `{timestamp, segments, ms}` in VideoFrameMetadata's Segment shape, or `{error}`; `{landmarks}`.
 * faceFraming, two workers joined by a MessageChannel: the framer (`{model: null}`, then
 * `{readable, writable, port, framing}`: the camera's frames and a MediaStreamTrackGenerator's
 * sink) writes every frame, cropped and scaled back to its own size to frame the faces
 * (./framing.ts), or as it is while nothing is cropped; the detector (`{model}`, then `{port}`)
 * answers each frame the framer sends with its faces. `{framing: boolean}` to the framer turns it
 * on and off (off: the crop drifts back to the full frame).
 * backgroundBlur, in the same pipeline: the framer gets `masks` too (a port to a third worker,
 * the segmenter: `{model, segment: true}`, then `{port}`), which answers each frame it is sent
 * with `{timestamp, mask, width, height}` (person probabilities, ../segment/segment.ts); the framer
 * draws every frame with its background blurred through the latest mask (before it crops).
 * `{blur: boolean}` turns it on and off.
 */
import { decode, type Face, loadNetwork, tracker } from "./blazeface";
import { aim, type Box, type Crop, isFull, motion, step } from "./framing";
import { loadSegmenter, type Segmenter } from "../segment/segment";
import { maskToAlpha, nextMaskAt, smoothMask } from "../segment/blur";

const SIZE = 128;
const MIN_SCORE = 0.5;
let run: ((input: Float32Array) => Float32Array[]) | null = null;
let segmenter: Segmenter | null = null;
let landmarks = false;
const ids = tracker();
const canvas = new OffscreenCanvas(SIZE, SIZE);
const context = canvas.getContext("2d", { willReadFrequently: true })!;
const input = new Float32Array(SIZE * SIZE * 3);

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** The faces in `frame`, normalized to it. */
function find(frame: VideoFrame): Face[] {
  const width = frame.displayWidth, height = frame.displayHeight, side = Math.max(width, height);
  // Letterboxed into the network's square input, as MediaPipe does (keeps the aspect ratio).
  const dw = SIZE * width / side, dh = SIZE * height / side, ox = (SIZE - dw) / 2, oy = (SIZE - dh) / 2;
  context.fillStyle = "#000";
  context.fillRect(0, 0, SIZE, SIZE);
  context.drawImage(frame, ox, oy, dw, dh);
  const pixels = context.getImageData(0, 0, SIZE, SIZE).data;
  for (let i = 0, j = 0; i < pixels.length; i += 4, j += 3) {
    input[j] = pixels[i] / 127.5 - 1;
    input[j + 1] = pixels[i + 1] / 127.5 - 1;
    input[j + 2] = pixels[i + 2] / 127.5 - 1;
  }
  return decode(run!(input), MIN_SCORE).map((f) => ({
    score: f.score,
    x: (f.x * SIZE - ox) / dw, y: (f.y * SIZE - oy) / dh, w: f.w * SIZE / dw, h: f.h * SIZE / dh,
    kp: f.kp.map(([x, y]) => [(x * SIZE - ox) / dw, (y * SIZE - oy) / dh] as [number, number]),
  }));
}

function detect(frame: VideoFrame, landmarks: boolean) {
  const faces = find(frame);
  const faceIds = ids(faces);
  const segments: unknown[] = [];
  faces.forEach((f, i) => {
    const id = faceIds[i], probability = round(f.score);
    segments.push({ type: "human-face", id, probability,
      boundingBox: { x: round(f.x), y: round(f.y), width: round(f.w), height: round(f.h) } });
    if (!landmarks) return;
    // BlazeFace's keypoints 0 and 1 are the subject's right and left eye, 3 the mouth.
    const parts: [string, number][] = [["left-eye", 1], ["right-eye", 0], ["mouth", 3]];
    parts.forEach(([type, k], n) => segments.push({ type, id: id + n + 1, partOf: id, probability,
      centerPoint: { x: round(f.kp[k][0]), y: round(f.kp[k][1]) } }));
  });
  return segments;
}

self.onmessage = ({ data }: MessageEvent) => {
  if (data && "model" in data) {
    try {
      if (typeof data.model === "string") {
        const raw = atob(data.model);
        const bytes = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        if (data.segment) segmenter = loadSegmenter(bytes);
        else run = loadNetwork(bytes);
      }
      self.postMessage({ ready: true });
    } catch (e) {
      self.postMessage({ error: String(e) });
    }
    return;
  }
  if (typeof data?.landmarks === "boolean") landmarks = data.landmarks;
  if (typeof data?.framing === "boolean") framing = data.framing;
  if (typeof data?.blur === "boolean") blur = data.blur;
  if (data?.readable && data.writable) {
    void frame((data.readable as ReadableStream<VideoFrame>).getReader(), (data.writable as WritableStream<VideoFrame>).getWriter(), data.port, data.masks);
  } else if (data?.port && segmenter) {
    // backgroundBlur's segmenter: a frame in, its person mask out.
    const port = data.port as MessagePort;
    port.onmessage = ({ data: frame }: MessageEvent<VideoFrame>) => {
      let mask: Float32Array | null = null;
      try {
        mask = segment(frame);
      } catch {
        // (none: the pipeline keeps its last mask)
      }
      port.postMessage({ timestamp: frame.timestamp, mask, width: segmenter!.width, height: segmenter!.height }, mask ? [mask.buffer] : []);
      frame.close();
    };
  } else if (data?.port) {
    // The framer's detector: a frame in, its faces out.
    const port = data.port as MessagePort;
    port.onmessage = ({ data: frame }: MessageEvent<VideoFrame>) => {
      let faces: Box[] = [];
      try {
        faces = find(frame).map(({ x, y, w, h }) => ({ x, y, w, h }));
      } catch {
        // (none)
      }
      port.postMessage({ timestamp: frame.timestamp, faces });
      frame.close();
    };
  } else if (data?.readable) {
    void read((data.readable as ReadableStream<VideoFrame>).getReader());
  }
};

/** faceFraming, the framer: a frame every DETECT_US of frame time goes to the detector (a second
 * worker, so that a detection, ~30 ms here and much more under load, never holds frames back), the
 * next one only after its answer and a pause of three times its wall-clock time; the crop follows
 * the answers on a damped spring. */
const DETECT_US = 200_000;
let framing = false;
/** backgroundBlur: on or off (the pipeline has a segmenter only when its getUserMedia asked). */
let blur = false;

let cropCanvas: OffscreenCanvas | undefined, cropContext: OffscreenCanvasRenderingContext2D | null = null;
let copyPixels = false;
const even = (v: number) => 2 * Math.round(v / 2);

/** `frame` cropped to `crop`, at the frame's own display size. A new view of the same pixels
 * (`visibleRect`, scaled by the sinks; even offsets and sizes for subsampled formats), or, where
 * the browser refuses that (e.g. an opaque format), a copy drawn on a canvas. */
function cropped(frame: VideoFrame, crop: Crop): VideoFrame {
  const width = frame.displayWidth, height = frame.displayHeight, timestamp = frame.timestamp;
  if (!copyPixels) {
    const cw = frame.visibleRect?.width ?? frame.codedWidth, ch = frame.visibleRect?.height ?? frame.codedHeight;
    const ox = frame.visibleRect?.x ?? 0, oy = frame.visibleRect?.y ?? 0;
    const w = even(crop.size * cw), h = even(crop.size * ch);
    try {
      return new VideoFrame(frame, {
        visibleRect: { x: ox + even(crop.x * cw - w / 2), y: oy + even(crop.y * ch - h / 2), width: w, height: h },
        displayWidth: width, displayHeight: height, timestamp,
      });
    } catch {
      copyPixels = true;
    }
  }
  if (!cropCanvas || cropCanvas.width !== width || cropCanvas.height !== height) {
    cropCanvas = new OffscreenCanvas(width, height);
    cropContext = cropCanvas.getContext("2d", { alpha: false });
  }
  const sw = crop.size * width, sh = crop.size * height;
  cropContext!.drawImage(frame, crop.x * width - sw / 2, crop.y * height - sh / 2, sw, sh, 0, 0, width, height);
  return new VideoFrame(cropCanvas, { timestamp, duration: frame.duration ?? undefined });
}

/** The segmenter's input: the frame scaled (stretched, as MediaPipe does) to the model's size. */
let segmentCanvas: OffscreenCanvas | undefined, segmentContext: OffscreenCanvasRenderingContext2D | null = null;

function segment(frame: VideoFrame): Float32Array {
  const s = segmenter!;
  if (!segmentCanvas) {
    segmentCanvas = new OffscreenCanvas(s.width, s.height);
    segmentContext = segmentCanvas.getContext("2d", { willReadFrequently: true });
  }
  segmentContext!.drawImage(frame, 0, 0, s.width, s.height);
  return s.segmentPerson(segmentContext!.getImageData(0, 0, s.width, s.height).data, s.width, s.height);
}

/** The compositor's canvases: the output (the sharp frame, cut out by the mask, over the blurred
 * background), the background (the frame at a quarter of its size, blurred there: a sixteenth of
 * the work of a blur at full size, and as soft once scaled up), the latest mask as alpha and the
 * same feathered (blurred a little at its own size, once per mask; scaling it up softens it more). */
interface Blurrer {
  out: OffscreenCanvas;
  outContext: OffscreenCanvasRenderingContext2D;
  small: OffscreenCanvas;
  smallContext: OffscreenCanvasRenderingContext2D;
  mask?: OffscreenCanvas;
  maskContext?: OffscreenCanvasRenderingContext2D;
  feathered?: OffscreenCanvas;
  featheredContext?: OffscreenCanvasRenderingContext2D;
  pixels?: ImageData;
  smoothed: Float32Array | null;
  /** performance.now() of the last mask taken in. */
  at: number;
}

/** The background's scale, and its blur radius there (px): 2.5 px at a quarter of 640x480 is about
 * a 10 px blur of the full frame. */
const SMALL = 4, SMALL_BLUR_PER_WIDTH = 2.5 / 160;

const blurrer = (): Blurrer => {
  const out = new OffscreenCanvas(2, 2), small = new OffscreenCanvas(1, 1);
  return { out, outContext: out.getContext("2d")!, small, smallContext: small.getContext("2d", { alpha: false })!, smoothed: null, at: 0 };
};

/** A mask (`width` x `height` person probabilities) from the segmenter: smoothed into the last. */
function takeMask(b: Blurrer, mask: Float32Array, width: number, height: number) {
  const now = performance.now();
  b.smoothed = smoothMask(b.smoothed, mask, b.smoothed ? now - b.at : 0);
  b.at = now;
  if (!b.mask || b.mask.width !== width || b.mask.height !== height) {
    b.mask = new OffscreenCanvas(width, height);
    b.maskContext = b.mask.getContext("2d")!;
    b.feathered = new OffscreenCanvas(width, height);
    b.featheredContext = b.feathered.getContext("2d")!;
    b.featheredContext.globalCompositeOperation = "copy";
    b.featheredContext.filter = "blur(1px)";
    b.pixels = b.maskContext.createImageData(width, height);
  }
  maskToAlpha(b.smoothed, b.pixels!.data);
  b.maskContext!.putImageData(b.pixels!, 0, 0);
  b.featheredContext!.drawImage(b.mask, 0, 0);
}

/** `frame` with its background blurred: the person drawn sharp through the mask over the blurred
 * frame (before the first mask, the whole frame blurred: nothing of the background shows sharp). */
function blurred(b: Blurrer, frame: VideoFrame): VideoFrame {
  const width = frame.displayWidth, height = frame.displayHeight;
  const sw = Math.max(1, Math.round(width / SMALL)), sh = Math.max(1, Math.round(height / SMALL));
  if (b.out.width !== width || b.out.height !== height) {
    b.out.width = width;
    b.out.height = height;
    b.small.width = sw;
    b.small.height = sh;
  }
  const o = b.outContext, s = b.smallContext;
  // The frame once (one conversion of its pixels), then everything from that canvas.
  o.globalCompositeOperation = "copy";
  o.drawImage(frame, 0, 0, width, height);
  // The sharp picture under the blurred one fills the edges the blur leaves translucent.
  s.filter = "none";
  s.drawImage(b.out, 0, 0, sw, sh);
  s.filter = `blur(${Math.max(1, sw * SMALL_BLUR_PER_WIDTH)}px)`;
  s.drawImage(b.out, 0, 0, sw, sh);
  if (b.feathered) {
    o.globalCompositeOperation = "destination-in";
    o.drawImage(b.feathered, 0, 0, width, height);
    o.globalCompositeOperation = "destination-over";
  }
  o.drawImage(b.small, 0, 0, width, height);
  return new VideoFrame(b.out, { timestamp: frame.timestamp, duration: frame.duration ?? undefined, alpha: "discard" });
}

/**
 * The pipeline of a faceFraming and/or backgroundBlur track: every frame of the camera, blurred
 * (`masks`: the segmenter's port) and cropped (`port`: the detector's), to the generator. Masks
 * are asked for at most every MASK_GAP_MS, newest frame first, one at a time; each is used for
 * every frame until the next.
 */
async function frame(reader: ReadableStreamDefaultReader<VideoFrame>, writer: WritableStreamDefaultWriter<VideoFrame>, port?: MessagePort, masks?: MessagePort) {
  const m = motion();
  let sent: number | undefined, busy = false, frames = 0, work = 0, sentAt = 0, resume = 0;
  let masking = false, maskSentAt = 0, maskResume = 0, maskCount = 0;
  const b = masks ? blurrer() : undefined;
  if (port) port.onmessage = ({ data }: MessageEvent<{ timestamp: number; faces: Box[] }>) => {
    busy = false;
    // The detector works at most a quarter of the time: a slow (or busy) machine detects less often.
    const now = performance.now();
    resume = now + 3 * (now - sentAt);
    if (framing) aim(m, data.faces, data.timestamp, true);
  };
  if (masks) masks.onmessage = ({ data }: MessageEvent<{ mask: Float32Array | null; width: number; height: number }>) => {
    masking = false;
    const now = performance.now();
    maskResume = nextMaskAt(now, now - maskSentAt);
    if (data.mask && blur) {
      takeMask(b!, data.mask, data.width, data.height);
      maskCount++;
    }
  };
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) break;
    const timestamp = frame.timestamp, began = performance.now();
    let out: VideoFrame = frame, soft: VideoFrame = frame;
    try {
      if (!port || !framing) {
        aim(m, [], timestamp, false);
        sent = undefined;
      } else if (!busy && (sent === undefined || timestamp - sent >= DETECT_US || timestamp < sent) && began >= resume) {
        sent = timestamp;
        sentAt = began;
        busy = true;
        const copy = frame.clone();
        port.postMessage(copy, [copy]);
      }
      if (b && blur) {
        if (!masking && began >= maskResume) {
          masking = true;
          maskSentAt = began;
          const copy = frame.clone();
          masks!.postMessage(copy, [copy]);
        }
        out = soft = blurred(b, frame);
      } else if (b && b.smoothed) {
        // Off: the next time on starts from a fresh mask (and a fully blurred frame until then).
        b.smoothed = null;
        b.mask = b.feathered = undefined;
      }
      const crop = step(m, timestamp);
      if (!isFull(crop)) out = cropped(soft, crop);
      // The write clones the frame into the page's realm; ours is closed at once.
      writer.write(out).catch(() => undefined);
      // (For scripts/bench-effects.mjs: the pipeline's own time per frame and the masks taken in,
      // every 30 frames.)
      work += performance.now() - began;
      if (++frames === 30) {
        self.postMessage({ frames, ms: work / frames, masks: maskCount });
        frames = work = maskCount = 0;
      }
    } catch (e) {
      self.postMessage({ error: String(e) });
    } finally {
      if (out !== frame && out !== soft) out.close();
      if (soft !== frame) soft.close();
      frame.close();
    }
  }
  writer.close().catch(() => undefined);
  port?.close();
  masks?.close();
}

/** Detects faces in the newest frame, replies, and goes on until the stream ends. */
async function read(reader: ReadableStreamDefaultReader<VideoFrame>) {
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) return;
    const timestamp = frame.timestamp;
    try {
      const started = performance.now();
      const segments = detect(frame, landmarks);
      self.postMessage({ timestamp, segments, ms: performance.now() - started });
    } catch (e) {
      self.postMessage({ timestamp, error: String(e) });
      return;
    } finally {
      frame.close();
    }
  }
}
