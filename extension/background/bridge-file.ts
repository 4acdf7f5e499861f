/** Where the bridge's isolated half goes (pure; tests/unit/bridge-inject.test.ts). */
import { originOf } from "../lib/origin";

/** The bridge's isolated-world file in the built extension, as the manifest names it. */
export function bridgeFile(): string {
  const scripts = chrome.runtime.getManifest().content_scripts ?? [];
  const bridge = scripts.find((s) => (s as { world?: string }).world !== "MAIN");
  if (!bridge?.js?.[0]) throw new Error("the manifest declares no isolated-world bridge");
  return bridge.js[0];
}


/** The child frames the half goes into: those of the asking origin, and those whose URL does not
 * tell their origin (about:blank, srcdoc, data:, blob:; the half is cheap to inject twice). */
export function framesToInject(frames: { frameId: number; url: string }[], origin: string): number[] {
  return frames.filter((f) => {
    if (f.frameId === 0) return false;
    const own = originOf(f.url);
    return own === null || origin === "null" || own === origin;
  }).map((f) => f.frameId);
}

