/**
 * The face-detection worker (issue 7). Never loaded by itself: the service worker reads this built
 * file and hands its text to a page that asked for `humanFaceDetectionMode`; the page's main-world
 * script (src/effects/face.ts) runs it as a dedicated worker from a blob: URL and posts it the
 * model, then camera frames (VideoFrames are transferable within the page's agent cluster).
 *
 * Messages in: `{model: base64}` (answered `{ready: true}` or `{error}`); `{readable, landmarks}`:
 * the frames of the camera (a MediaStreamTrackProcessor's stream), each detection answered
 * `{timestamp, segments, ms}` in VideoFrameMetadata's Segment shape, or `{error}`; `{landmarks}`.
 * faceFraming: `{readable, writable, framing: true}`, the camera's frames and a
 * MediaStreamTrackGenerator's sink: every frame is written, cropped and scaled back to its own size
 * to frame the faces (./framing.ts), or as it is while nothing is cropped; `{framing: boolean}`
 * turns it on and off (off: the crop drifts back to the full frame).
 */
import { decode, type Face, loadNetwork, tracker } from "./blazeface";
import { aim, type Box, isFull, motion, step } from "./framing";

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
  if (typeof data?.model === "string") {
    try {
      const raw = atob(data.model);
      const bytes = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      run = loadNetwork(bytes);
      self.postMessage({ ready: true });
    } catch (e) {
      self.postMessage({ error: String(e) });
    }
    return;
  }
  if (typeof data?.landmarks === "boolean") landmarks = data.landmarks;
  if (typeof data?.framing === "boolean") framing = data.framing;
  if (data?.readable && data.writable) {
    void frame((data.readable as ReadableStream<VideoFrame>).getReader(), (data.writable as WritableStream<VideoFrame>).getWriter());
  } else if (data?.readable) {
    void read((data.readable as ReadableStream<VideoFrame>).getReader());
  }
};

/** faceFraming: detections at most every DETECT_US of frame time (each costs ~30 ms here, the
 * crop ~2-4 ms), a crop that follows them on a damped spring. */
const DETECT_US = 200_000;
let framing = false;

async function frame(reader: ReadableStreamDefaultReader<VideoFrame>, writer: WritableStreamDefaultWriter<VideoFrame>) {
  const m = motion();
  let canvas: OffscreenCanvas | undefined, context: OffscreenCanvasRenderingContext2D | null = null;
  let detected: number | undefined;
  for (;;) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) break;
    const timestamp = frame.timestamp;
    let out: VideoFrame = frame;
    try {
      if (framing && (detected === undefined || timestamp - detected >= DETECT_US || timestamp < detected)) {
        detected = timestamp;
        aim(m, find(frame) as Box[], timestamp, true);
      } else if (!framing) {
        aim(m, [], timestamp, false);
        detected = undefined;
      }
      const crop = step(m, timestamp);
      if (!isFull(crop)) {
        const width = frame.displayWidth, height = frame.displayHeight;
        if (!canvas || canvas.width !== width || canvas.height !== height) {
          canvas = new OffscreenCanvas(width, height);
          context = canvas.getContext("2d", { alpha: false });
        }
        const sw = crop.size * width, sh = crop.size * height;
        context!.drawImage(frame, crop.x * width - sw / 2, crop.y * height - sh / 2, sw, sh, 0, 0, width, height);
        out = new VideoFrame(canvas, { timestamp, duration: frame.duration ?? undefined });
      }
      // The write clones the frame into the page's realm; ours is closed at once.
      writer.write(out).catch(() => undefined);
    } catch (e) {
      self.postMessage({ error: String(e) });
    } finally {
      if (out !== frame) out.close();
      frame.close();
    }
  }
  writer.close().catch(() => undefined);
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
