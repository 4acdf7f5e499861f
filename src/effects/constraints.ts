/**
 * Camera constraints from Media Capture Extensions that Chromium lacks, made honest in the page
 * (issue 7). Only boolean constraints (ConstrainBoolean) so far:
 *
 * - `powerEfficient`: real. `true` steers the browser's own SelectSettings towards a native camera
 *   mode (`resizeMode: "none"`, no software crop/scale) at no more than 30 fps and, when the page
 *   names no size, its mode of at most 640x480. The setting reports whether the track's current
 *   configuration is such a mode; the capability is `[false, true]` for cameras with native modes.
 * - `eyeGazeCorrection`, `gestureReactions`: not implemented, so a camera reports `[false]` and
 *   `false`; `true` is ignored as an ideal, skips an advanced set, and is an OverconstrainedError
 *   when required.
 *
 * A constraint the browser supports natively (e.g. `eyeGazeCorrection` with
 * --enable-experimental-web-platform-features) is left entirely to the browser. A call that names
 * none of these constraints goes to the native method untouched; so does every getUserMedia
 * without video constraints. Nothing is loaded and nothing is sent anywhere.
 */
import { isArray, ownKeys, setOwn } from "../lib/natives";

export type Loose = Record<string, unknown>;
export const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null;

/** What one set asks of one constraint: `want` true/false, `required` (exact; every member of an
 * advanced set is). Undefined: the set does not constrain it. */
export interface Ask { want: boolean; required: boolean }

/** ConstrainBoolean read the way WebIDL converts it (object: the dictionary's `exact`, `ideal`;
 * anything else: ToBoolean). In an advanced set a bare value is exact and `ideal` is ignored. */
export function readAsk(v: unknown, advanced: boolean): Ask | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== "object") return { want: !!v, required: advanced };
  const exact = (v as Loose).exact, ideal = (v as Loose).ideal;
  if (exact !== undefined) return { want: !!exact, required: true };
  if (ideal !== undefined && !advanced) return { want: !!ideal, required: false };
  return undefined;
}

/** ConstrainDOMString read as WebIDL converts it: the acceptable values, in the page's order. */
export function readModes(v: unknown, advanced: boolean): { modes: unknown[]; required: boolean } | undefined {
  const list = (x: unknown): unknown[] => (isArray(x) ? x as unknown[] : [x]);
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || isArray(v)) return { modes: list(v), required: advanced };
  const exact = (v as Loose).exact, ideal = (v as Loose).ideal;
  if (exact !== undefined) return { modes: list(exact), required: true };
  if (ideal !== undefined && !advanced) return { modes: list(ideal), required: false };
  return undefined;
}

/** How getConstraints() echoes a ConstrainBoolean member (as Chromium does for its own). */
export function echo(v: unknown, text?: boolean): unknown {
  const as = (x: unknown) => (text ? x : !!x);
  if (v === null || typeof v !== "object" || isArray(v)) return as(v);
  const out: Loose = {};
  const exact = (v as Loose).exact, ideal = (v as Loose).ideal;
  if (exact !== undefined) setOwn(out, "exact", as(exact));
  if (ideal !== undefined) setOwn(out, "ideal", as(ideal));
  return out;
}

/** A shallow copy of a dictionary's own string-keyed members. */
export function copy(from: Loose): Loose {
  const out: Loose = {};
  const keys = ownKeys(from);
  for (let i = 0; i < keys.length; i++) if (typeof keys[i] === "string") setOwn(out, keys[i], from[keys[i] as string]);
  return out;
}

/** A copy of data (values, dictionaries, lists) all the way down, for each call that gives it to
 * the page: the browser gives every call its own, and the page may change what it is given. */
export function copyDeep(v: unknown): unknown {
  if (isArray(v)) {
    const list: unknown[] = [];
    for (let i = 0; i < v.length; i++) setOwn(list, i, copyDeep(v[i]));
    return list;
  }
  if (!isObject(v)) return v;
  const out: Loose = {};
  const keys = ownKeys(v);
  for (let i = 0; i < keys.length; i++) if (typeof keys[i] === "string") setOwn(out, keys[i], copyDeep(v[keys[i] as string]));
  return out;
}

export { withSorted } from "./supported";

/** `list.includes(item)` without the page's Array.prototype. */
export function includes(list: unknown[], item: unknown): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === item) return true;
  return false;
}

export const listOf = (v: unknown): unknown[] | undefined => (isArray(v) ? v as unknown[] : undefined);
