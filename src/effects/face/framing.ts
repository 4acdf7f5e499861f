/**
 * faceFraming's camera work (issue 7), in the detection worker: where to crop, and how the crop
 * moves. Pure functions of the detected faces and the frames' timestamps, so the motion is the same
 * on a slow machine (fewer, longer steps) as on a fast one. See docs/EFFECTS.md.
 *
 * The crop keeps the frame's aspect ratio; `size` is its width (and height) as a fraction of the
 * frame's, between 1 / MAX_ZOOM and 1. Its centre (`x`, `y`, normalized) goes to the centre of the
 * faces seen, clamped so the crop stays inside the frame.
 */

/** The most the crop zooms in. */
export const MAX_ZOOM = 2;
/** Crop height per face-box height of the faces' union (BlazeFace's box is brow to chin, so the
 * crop shows head and shoulders), and crop width per union width (room beside several faces). */
const HEIGHT_PER_FACE = 2.8, WIDTH_PER_FACES = 1.5;
/** Dead zone: a new target replaces the old one only when its centre moved more than this (in
 * frames) or its size changed by more than SIZE_ZONE (relative). */
const MOVE_ZONE = 0.05, SIZE_ZONE = 0.1;
/** With no face for this long (µs of frame time), the target is the full frame. */
const LOST_US = 1_000_000;
/** The spring's angular frequency (1/s): critically damped, ~90% of a step in about 1.3 s. */
const OMEGA = 3;

export interface Crop { x: number; y: number; size: number }
export interface Box { x: number; y: number; w: number; h: number }

export const FULL: Crop = { x: 0.5, y: 0.5, size: 1 };

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** The crop that frames `faces` (normalized boxes), or the full frame when there is none. */
export function targetOf(faces: Box[]): Crop {
  if (!faces.length) return FULL;
  let left = 1, top = 1, right = 0, bottom = 0;
  for (const f of faces) {
    left = Math.min(left, f.x);
    top = Math.min(top, f.y);
    right = Math.max(right, f.x + f.w);
    bottom = Math.max(bottom, f.y + f.h);
  }
  const size = clamp(Math.max((bottom - top) * HEIGHT_PER_FACE, (right - left) * WIDTH_PER_FACES), 1 / MAX_ZOOM, 1);
  return { x: clamp((left + right) / 2, size / 2, 1 - size / 2), y: clamp((top + bottom) / 2, size / 2, 1 - size / 2), size };
}

/** The framer's state: the crop shown, its velocity, the target it moves to. */
export interface Motion {
  crop: Crop;
  speed: Crop;
  target: Crop;
  /** Frame time (µs) of the last step and of the last detection that saw a face. */
  at?: number;
  seen?: number;
}

export const motion = (): Motion => ({ crop: { ...FULL }, speed: { x: 0, y: 0, size: 0 }, target: { ...FULL } });

/** A detection's result: the faces of the frame at `timestamp`, or none. `on` false: back to the
 * full frame. */
export function aim(m: Motion, faces: Box[], timestamp: number, on: boolean): void {
  if (faces.length) m.seen = timestamp;
  const next = !on ? FULL : faces.length ? targetOf(faces) : m.seen !== undefined && timestamp - m.seen < LOST_US ? m.target : FULL;
  const t = m.target;
  if (next === FULL || Math.abs(next.x - t.x) > MOVE_ZONE || Math.abs(next.y - t.y) > MOVE_ZONE ||
      Math.abs(next.size - t.size) > SIZE_ZONE * t.size) m.target = { ...next };
}

/** Moves the crop to frame time `timestamp` (µs) along a critically damped spring (exact solution,
 * so stable for any step). Returns the crop to show. */
export function step(m: Motion, timestamp: number): Crop {
  const dt = m.at === undefined ? 0 : clamp((timestamp - m.at) / 1e6, 0, 0.25);
  m.at = timestamp;
  const decay = Math.exp(-OMEGA * dt);
  for (const k of ["x", "y", "size"] as const) {
    const y0 = m.crop[k] - m.target[k], v0 = m.speed[k], c = v0 + OMEGA * y0;
    let value = m.target[k] + (y0 + c * dt) * decay;
    m.speed[k] = (v0 - OMEGA * c * dt) * decay;
    // Settled: snap, so that an unzoomed frame can be passed on as it is.
    if (Math.abs(value - m.target[k]) < 2e-3 && Math.abs(m.speed[k]) < 1e-2) {
      value = m.target[k];
      m.speed[k] = 0;
    }
    m.crop[k] = value;
  }
  const size = clamp(m.crop.size, 1 / MAX_ZOOM, 1);
  return { x: clamp(m.crop.x, size / 2, 1 - size / 2), y: clamp(m.crop.y, size / 2, 1 - size / 2), size };
}

/** Whether `c` is the whole frame (nothing to crop). */
export const isFull = (c: Crop) => c.size >= 0.999;
