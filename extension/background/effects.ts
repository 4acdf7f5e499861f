/**
 * Camera effects (issue 7), service-worker half: hands a page that asked for face detection the
 * detection worker's code and the model, both shipped inside the extension (no download). The
 * page runs them itself, in a worker of its own (src/effects/face.ts); nothing else is sent.
 */
import workerFile from "../../src/effects/face/face-worker.iife.ts?script";
import type { ContentHandlers } from "./messenger";

const MODEL = "effects/face_detection_short_range.tflite";
let cached: Promise<{ code: string; model: string }> | null = null;

function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

async function load() {
  const [code, model] = await Promise.all([
    fetch(chrome.runtime.getURL(workerFile)).then((r) => r.text()),
    fetch(chrome.runtime.getURL(MODEL)).then((r) => r.arrayBuffer()),
  ]);
  return { code, model: base64(new Uint8Array(model)) };
}

export const effectsContentHandlers: ContentHandlers = {
  "effects.face": async () => {
    cached ??= load().catch((error) => {
      cached = null;
      throw error;
    });
    return cached;
  },
};
