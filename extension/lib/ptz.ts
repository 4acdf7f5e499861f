/**
 * Shared types of the PTZ feature between the service worker (background/ptz-*.ts), the PTZ
 * prompt (extension/ptz-prompt/) and the popup's controls (ui/ptz-controls.tsx).
 */
import type { PtzAxis, PtzSessionInfo } from "../../src/bridge/protocol";

export const PTZ_AXES: readonly PtzAxis[] = ["pan", "tilt", "zoom"];

/** What the PTZ prompt shows. */
export interface PtzPromptView {
  id: string;
  /** The site that asks (the frame's origin). */
  origin: string;
  /** The tab's top-level site when the request comes from an embedded frame. */
  topOrigin: string | null;
  /** The browser's own PTZ permission as the page saw it: "prompt" means the browser asks next. */
  browser: string;
  /** Asked from a private window: the answer is for this request only. */
  incognito?: boolean;
}

/** The popup's view of a tab's live PTZ capture. */
export interface PtzControlView {
  origin: string;
  ranges: PtzSessionInfo["ranges"];
  values: PtzSessionInfo["values"];
  /** False while another site controls PTZ. */
  active: boolean;
}

export type PtzUiMessage =
  | { type: "ui.ptzPrompt.get"; promptId: string }
  | { type: "ui.ptzPrompt.answer"; promptId: string; allow: boolean }
  /** Made every second while the prompt shows: false once it no longer waits. */
  | { type: "ui.ptzPrompt.check"; promptId: string }
  | { type: "ui.ptz.get"; tabId: number }
  | { type: "ui.ptz.move"; tabId: number; values: Partial<Record<PtzAxis, number>> };

/** Where an axis starts a session: centred (0, clamped into range) for pan and tilt, widest zoom. */
export function defaultValue(axis: PtzAxis, range: { min: number; max: number }): number {
  const centre = axis === "zoom" ? range.min : 0;
  return Math.min(range.max, Math.max(range.min, centre));
}

const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Validates a session report from a page (untrusted): numbers only, known axes only. */
export function checkSessionInfo(v: unknown): PtzSessionInfo | null {
  if (typeof v !== "object" || v === null) return null;
  const { ranges, values } = v as Record<string, unknown>;
  if (typeof ranges !== "object" || ranges === null || typeof values !== "object" || values === null) return null;
  const out: PtzSessionInfo = { ranges: {}, values: {} };
  for (const axis of PTZ_AXES) {
    const range = (ranges as Record<string, unknown>)[axis] as Record<string, unknown> | undefined;
    if (range === undefined) continue;
    if (typeof range !== "object" || range === null || !isFiniteNumber(range.min) || !isFiniteNumber(range.max) ||
        !isFiniteNumber(range.step) || range.min > range.max) return null;
    out.ranges[axis] = { min: range.min, max: range.max, step: range.step };
    const value = (values as Record<string, unknown>)[axis];
    out.values[axis] = isFiniteNumber(value) ? value : defaultValue(axis, out.ranges[axis]!);
  }
  return Object.keys(out.ranges).length ? out : null;
}

/** Validates slider values from the popup against the session's ranges (clamped). */
export function checkMove(v: unknown, ranges: PtzSessionInfo["ranges"]): Partial<Record<PtzAxis, number>> | null {
  if (typeof v !== "object" || v === null) return null;
  const out: Partial<Record<PtzAxis, number>> = {};
  for (const axis of PTZ_AXES) {
    const value = (v as Record<string, unknown>)[axis];
    const range = ranges[axis];
    if (value === undefined || !range) continue;
    if (!isFiniteNumber(value)) return null;
    out[axis] = Math.min(range.max, Math.max(range.min, value));
  }
  return out;
}

/** The keyboard commands (manifest.json "commands") and the step each one moves. */
export const PTZ_COMMANDS: Readonly<Record<string, readonly [PtzAxis, 1 | -1]>> = {
  "ptz-pan-left": ["pan", -1],
  "ptz-pan-right": ["pan", 1],
  "ptz-tilt-up": ["tilt", 1],
  "ptz-tilt-down": ["tilt", -1],
  "ptz-zoom-in": ["zoom", 1],
  "ptz-zoom-out": ["zoom", -1],
};

/** A shortcut's step: 5% of the range, a whole number of the capability's steps (at least one),
 * from `value` in `direction`, clamped into the range. */
export function stepValue(value: number, range: { min: number; max: number; step: number }, direction: 1 | -1): number {
  const unit = range.step > 0 ? range.step : (range.max - range.min) / 100 || 1;
  const step = Math.max(1, Math.round((range.max - range.min) * 0.05 / unit)) * unit;
  return Math.min(range.max, Math.max(range.min, value + direction * step));
}
