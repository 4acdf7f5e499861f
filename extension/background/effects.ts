/**
 * Camera effects (issue 7), service-worker half: hands a page that asked for face detection,
 * framing or blur the effects worker's code and a model (face detection, or person segmentation), both shipped inside the extension (no download). The
 * page runs them itself, in a worker of its own (src/effects/face.ts); nothing else is sent.
 */
import workerFile from "../../src/effects/face/face-worker.iife.ts?script";
import type { ContentHandlers } from "./messenger";

const MODEL = "effects/face_detection_short_range.tflite";
/** backgroundBlur's person segmentation model (src/effects/segment/segment.ts). */
const SEGMENT_MODEL = "effects/selfie_segmentation_landscape.tflite";
const cached = new Map<string, Promise<{ code: string; model: string }>>();

function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

async function load(file: string) {
  const [code, model] = await Promise.all([
    fetch(chrome.runtime.getURL(workerFile)).then((r) => r.text()),
    fetch(chrome.runtime.getURL(file)).then((r) => r.arrayBuffer()),
  ]);
  return { code, model: base64(new Uint8Array(model)) };
}

export const effectsContentHandlers: ContentHandlers = {
  "effects.face": async (params) => {
    const file = (params as { model?: unknown } | null)?.model === "segment" ? SEGMENT_MODEL : MODEL;
    let loading = cached.get(file);
    if (!loading) {
      loading = load(file).catch((error) => {
        cached.delete(file);
        throw error;
      });
      cached.set(file, loading);
    }
    return loading;
  },
};
