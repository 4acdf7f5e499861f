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
 */
import { decode, type Face, loadNetwork, tracker } from "./blazeface";
import { aim, type Box, type Crop, isFull, motion, step } from "./framing";

const SIZE = 128;
const MIN_SCORE = 0.5;
let run: ((input: Float32Array) => Float32Array[]) | null = null;
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
        run = loadNetwork(bytes);
      }
      self.postMessage({ ready: true });
    } catch (e) {
      self.postMessage({ error: String(e) });
    }
    return;
  }
  if (typeof data?.landmarks === "boolean") landmarks = data.landmarks;
  if (typeof data?.framing === "boolean") framing = data.framing;
  if (data?.readable && data.writable && data.port) {
    void frame((data.readable as ReadableStream<VideoFrame>).getReader(), (data.writable as WritableStream<VideoFrame>).getWriter(), data.port);
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

async function frame(reader: ReadableStreamDefaultReader<VideoFrame>, writer: WritableStreamDefaultWriter<VideoFrame>, port: MessagePort) {
  const m = motion();
  let sent: number | undefined, busy = false, frames = 0, work = 0, sentAt = 0, resume = 0;
  port.onmessage = ({ data }: MessageEvent<{ timestamp: number; faces: Box[] }>) => {
    busy = false;
    // The detector works at most a quarter of the time: a slow (or busy) machine detects less often.
    const now = performance.now();
    resume = now + 3 * (now - sentAt);
    if (framing) aim(m, data.faces, data.timestamp, true);
  };
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) break;
    const timestamp = frame.timestamp, began = performance.now();
    let out: VideoFrame = frame;
    try {
      if (!framing) {
        aim(m, [], timestamp, false);
        sent = undefined;
      } else if (!busy && (sent === undefined || timestamp - sent >= DETECT_US || timestamp < sent) && began >= resume) {
        sent = timestamp;
        sentAt = began;
        busy = true;
        const copy = frame.clone();
        port.postMessage(copy, [copy]);
      }
      const crop = step(m, timestamp);
      if (!isFull(crop)) out = cropped(frame, crop);
      // The write clones the frame into the page's realm; ours is closed at once.
      writer.write(out).catch(() => undefined);
      // (For scripts/bench-effects.mjs: the framer's own time per frame, once a second.)
      work += performance.now() - began;
      if (++frames === 30) {
        self.postMessage({ frames, ms: work / frames });
        frames = work = 0;
      }
    } catch (e) {
      self.postMessage({ error: String(e) });
    } finally {
      if (out !== frame) out.close();
      frame.close();
    }
  }
  writer.close().catch(() => undefined);
  port.close();
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
