/**
 * Which of the effects' constraints a page may use here, and `getSupportedConstraints()` saying so:
 * part of the main world's start (src/core/pack.ts), because a page may ask before the pack is in,
 * and must get the same answer before and after. The effects themselves (./effects.ts) ask the same
 * questions here.
 */
import type { PageBridge } from "../bridge/page-bridge";
import { apply, devicesProto, hasOwn, objectCreate, ObjectProto, ownKeys, setOwn, setPrototypeOf } from "../lib/natives";
import { wrapMethod } from "../lib/wrap";

import { BLUR, FACE, FRAMING, NAMES } from "./names";
export { BLUR, FACE, FRAMING, NAMES, POWER } from "./names";

/** `dict` with `extra` members inserted in code-unit order, as browser dictionaries list them. A
 * plain object, filled while it has no prototype (so by assignment, which no setter of a page's can
 * see; defineProperty for each member made a getSettings() call ten times slower than native). */
export function withSorted(dict: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = objectCreate(null);
  const keys = ownKeys(dict) as string[];
  const add = ownKeys(extra) as string[];
  let j = 0;
  for (let i = 0; i <= keys.length; i++) {
    while (j < add.length && (i === keys.length || add[j] < keys[i])) {
      if (!hasOwn(dict, add[j])) out[add[j]] = extra[add[j]];
      j++;
    }
    if (i < keys.length) out[keys[i]] = dict[keys[i]];
  }
  setPrototypeOf(out, ObjectProto);
  return out;
}

const nativeSupported = devicesProto?.getSupportedConstraints;

/** False once a worker of ours failed to start in this page (its CSP forbids blob: workers). */
let workersAllowed = true;
export const workersMayRun = (): boolean => workersAllowed;
export const workersRefused = (): void => void (workersAllowed = false);

let known: string[] | null = null;
/** Our constraints that the browser lacks, asked at first use: reading navigator.mediaDevices
 * creates it, which would cost every frame time at start (measured ~0.1 ms). */
export function ourConstraints(): string[] {
  if (known) return known;
  known = [];
  let supported: Record<string, unknown>;
  try {
    supported = apply(nativeSupported!, navigator.mediaDevices, []) as Record<string, unknown>;
  } catch {
    return known;
  }
  for (let i = 0; i < NAMES.length; i++) if (!supported[NAMES[i]]) setOwn(known, known.length, NAMES[i]);
  return known;
}

/** Whether this realm has the effects' frame pipeline (an `in` check: reading the interface object
 * would create it). Chromium has MediaStreamTrackGenerator where it has the processor, VideoFrame
 * and workers: in a window of a secure context. */
const pipelinePossible = () => "MediaStreamTrackGenerator" in globalThis;

/** Whether a page may use `name` now: face detection, framing and blur only where our workers may
 * run (the extension reachable, blob: workers allowed, the frame pipeline's interfaces there). */
export const advertised = (bridge: PageBridge, name: string): boolean =>
  (name !== FACE && name !== FRAMING && name !== BLUR) || (workersAllowed && pipelinePossible() && bridge.connected);

export function installSupportedConstraints(bridge: PageBridge): void {
  if (!devicesProto || !("OverconstrainedError" in globalThis)) return;
  wrapMethod(devicesProto, "getSupportedConstraints", (native, thisArg, args) => {
    const supported = apply(native, thisArg, args) as Record<string, unknown>;
    const names = ourConstraints();
    if (!names.length) return supported;
    const extra: Record<string, unknown> = objectCreate(null);
    for (let i = 0; i < names.length; i++) if (advertised(bridge, names[i])) extra[names[i]] = true;
    return withSorted(supported, extra);
  });
}
