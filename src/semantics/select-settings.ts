/**
 * Constraint selection from W3C "Media Capture and Streams" (mediacapture-main): the
 * "fitness distance" definition and the candidate filtering of the SelectSettings algorithm,
 * applied per device (each device stands for all the settings dictionaries it can produce).
 *
 * Pure TypeScript, synchronous, no DOM or chrome APIs. Meant to run in a page's main world, so:
 * - data that may come from the page is walked with plain `for` loops and index access only;
 * - constraint members are read only when they are own properties (`hasOwn`), never inherited,
 *   so a page that sets `Object.prototype.exact` cannot turn an ideal into a requirement;
 * - arrays we build are filled with `defineProperty`, never `push` or `arr[i] = v` (which would
 *   run a setter a page put on `Array.prototype[i]`);
 * - no `Math.*`, no `Number()`/`String()` calls: page code can replace those globals.
 *
 * Known simplifications (documented here rather than guessed at):
 * - Properties are treated as independent: the distance for a set is the sum of each member's
 *   smallest distance over the device's range. Real settings dictionaries tie width, height and
 *   aspectRatio together; that coupling is not modelled.
 * - A numeric capability's `step` is ignored: every value in [min, max] counts as producible.
 */
import {
  appendOwn, hasOwn, isArray, ownKeys
} from "../lib/natives";

/** The shape of `InputDeviceInfo.getCapabilities()`. */
export type DeviceCapabilities = Record<string, unknown>;
/** A `MediaTrackConstraintSet`: bare values, `{exact}`, `{ideal}`, `{min, max}`, string lists... */
export type ConstraintSet = Record<string, unknown>;

export interface FitnessOptions {
  /**
   * Only decide whether the required members (exact / min / max, and bare values when
   * `bareValues` is "exact") can be satisfied: the result is 0 or Infinity.
   */
  requiredOnly?: boolean;
  /**
   * How bare values (`width: 640`, `facingMode: "user"`) count. SelectSettings step 3 treats
   * them as ideal for the basic set (the default); step 5 treats them as exact for advanced sets.
   */
  bareValues?: "ideal" | "exact";
  /**
   * Constraint names the user agent supports (fitness distance step 1: any other name adds 0).
   * Defaults to SUPPORTED_CONSTRAINTS.
   */
  supportedConstraints?: readonly string[];
}

export interface SelectableDevice {
  deviceId: string;
  label: string;
  capabilities: DeviceCapabilities;
}

export interface NormalizedTrackConstraints {
  basic: ConstraintSet;
  advanced: ConstraintSet[];
}

/**
 * What `navigator.mediaDevices.getSupportedConstraints()` reports in Chrome (the
 * mediacapture-main properties, plus Image Capture, screen capture and a few newer ones).
 */
export const SUPPORTED_CONSTRAINTS: readonly string[] = [
  "width", "height", "aspectRatio", "frameRate", "facingMode", "resizeMode",
  "sampleRate", "sampleSize", "echoCancellation", "autoGainControl", "noiseSuppression",
  "latency", "channelCount", "deviceId", "groupId",
  "whiteBalanceMode", "exposureMode", "focusMode", "pointsOfInterest", "exposureCompensation",
  "exposureTime", "colorTemperature", "iso", "brightness", "contrast", "saturation", "sharpness",
  "focusDistance", "pan", "tilt", "zoom", "torch",
  "displaySurface", "suppressLocalAudioPlayback", "backgroundBlur", "voiceIsolation",
];

/**
 * Properties whose constraint type is `(boolean or ConstrainDouble)` (Media Capture Image / PTZ):
 * a bare boolean there asks whether the property exists (fitness distance step 4).
 */
const PRESENCE_BOOLEAN_NAMES: readonly string[] = ["pan", "tilt", "zoom"];

type Kind = "number" | "string" | "boolean";

// ---------------------------------------------------------------------------------------------
// Small safe helpers
// ---------------------------------------------------------------------------------------------

function includes(list: readonly string[], value: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === value) return true;
  return false;
}

function ownMember(object: unknown, key: string): unknown {
  if (object === null || (typeof object !== "object" && typeof object !== "function")) return undefined;
  return hasOwn(object as object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** WebIDL turns `null` (and any object that is not an array) into a dictionary. */
function isDictionary(value: unknown): boolean {
  if (value === null) return true;
  return (typeof value === "object" || typeof value === "function") && !isArray(value);
}

function abs(x: number): number {
  return x < 0 ? -x : x;
}

function larger(a: number, b: number): number {
  // NaN propagates, so a NaN bound makes the range empty.
  if (a !== a || b !== b) return NaN;
  return a > b ? a : b;
}

function smaller(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  return a < b ? a : b;
}

/** Numeric conversion without calling page code: objects (whose valueOf could run) are ignored. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" || typeof value === "boolean") return +value;
  return undefined;
}

/** A list of strings, or null when absent or empty ("an empty list ... as if not specified"). */
function toStringList(value: unknown): string[] | null {
  const out: string[] = [];
  if (typeof value === "string") appendOwn(out, value);
  else if (typeof value === "number" || typeof value === "boolean") appendOwn(out, "" + value);
  else if (isArray(value)) {
    const list = value as unknown[];
    const length = list.length;
    for (let i = 0; i < length; i++) {
      const item = list[i];
      if (typeof item === "string") appendOwn(out, item);
      else if (typeof item === "number" || typeof item === "boolean") appendOwn(out, "" + item);
    }
  }
  return out.length ? out : null;
}

function toBooleanList(value: unknown): boolean[] | null {
  if (value === undefined) return null;
  const out: boolean[] = [];
  appendOwn(out, !!value);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

/** The kind of a capability value, or null when the device reports no value for it. */
function capabilityKind(capability: unknown): Kind | null {
  if (typeof capability === "boolean") return "boolean";
  if (typeof capability === "string") return "string";
  if (typeof capability === "number") return "number";
  if (isArray(capability)) {
    const list = capability as unknown[];
    // An empty list (Chrome's facingMode for most webcams) means "no value": the settings
    // dictionary has no such member.
    if (list.length === 0) return null;
    const first = list[0];
    if (typeof first === "boolean") return "boolean";
    if (typeof first === "string") return "string";
    return null;
  }
  if (capability !== null && typeof capability === "object") return "number";
  return null;
}

/** The kind a constraint value suggests, for properties the device does not report. */
function constraintKind(value: unknown): Kind | null {
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "string" || isArray(value)) return "string";
  if (typeof value === "number") return "number";
  if (!isDictionary(value)) return null;
  const keys = ["exact", "ideal", "min", "max"];
  for (let i = 0; i < keys.length; i++) {
    const member = ownMember(value, keys[i]);
    if (member === undefined) continue;
    if (typeof member === "boolean") return "boolean";
    if (typeof member === "string" || isArray(member)) return "string";
    return "number";
  }
  return null;
}

function stringCapabilityValues(capability: unknown): string[] | null {
  const values = toStringList(capability);
  return values;
}

function booleanCapabilityValues(capability: unknown): boolean[] | null {
  const out: boolean[] = [];
  if (typeof capability === "boolean") appendOwn(out, capability);
  else if (isArray(capability)) {
    const list = capability as unknown[];
    for (let i = 0; i < list.length; i++) if (typeof list[i] === "boolean") appendOwn(out, list[i] as boolean);
  }
  return out.length ? out : null;
}

/** [lo, hi] the device can produce, or null when it reports no numeric value. */
function numericRange(capability: unknown): [number, number] | null {
  if (typeof capability === "number") return [capability, capability];
  if (capability === null || typeof capability !== "object" || isArray(capability)) return null;
  const min = ownMember(capability, "min");
  const max = ownMember(capability, "max");
  return [typeof min === "number" ? min : -Infinity, typeof max === "number" ? max : Infinity];
}

// ---------------------------------------------------------------------------------------------
// Fitness distance of one constraint
// ---------------------------------------------------------------------------------------------

interface Context {
  bareIsExact: boolean;
  requiredOnly: boolean;
  supported: readonly string[];
}

/** Reads exact / ideal / min / max, with a bare value counting as exact or ideal. */
function parts(value: unknown, bareIsExact: boolean): { exact: unknown; ideal: unknown; min: unknown; max: unknown } {
  if (isDictionary(value)) {
    return {
      exact: ownMember(value, "exact"),
      ideal: ownMember(value, "ideal"),
      min: ownMember(value, "min"),
      max: ownMember(value, "max"),
    };
  }
  return bareIsExact
    ? { exact: value, ideal: undefined, min: undefined, max: undefined }
    : { exact: undefined, ideal: value, min: undefined, max: undefined };
}

/** Fitness distance step 8 for lists: true when some value is in all the given lists. */
function anyCommon<T>(device: readonly T[], exact: readonly T[] | null, ideal: readonly T[]): boolean {
  for (let i = 0; i < device.length; i++) {
    const v = device[i];
    let inExact = exact === null;
    if (exact !== null) for (let j = 0; j < exact.length; j++) if (exact[j] === v) inExact = true;
    if (!inExact) continue;
    for (let j = 0; j < ideal.length; j++) if (ideal[j] === v) return true;
  }
  return false;
}

function listDistance<T>(device: readonly T[] | null, exact: readonly T[] | null, ideal: readonly T[] | null, ctx: Context): number {
  // Not specified at all (e.g. `facingMode: []`, `{exact: []}`): "an empty list ... MUST be
  // interpreted as if the constraint were not specified".
  if (exact === null && ideal === null) return 0;
  // Step 2: required, and no value of the device satisfies it (or the member does not exist).
  if (exact !== null && (device === null || !anyCommon(device, null, exact))) return Infinity;
  if (ctx.requiredOnly) return 0;
  // Step 5: the settings dictionary has no such member.
  if (device === null) return 1;
  // Step 6: no ideal value.
  if (ideal === null) return 0;
  // Step 8: (actual == ideal) ? 0 : 1, where "==" on a list means "one of them", and the actual
  // value must also satisfy this constraint's exact list.
  return anyCommon(device, exact, ideal) ? 0 : 1;
}

function numberDistance(capability: unknown, value: unknown, ctx: Context): number {
  const p = parts(value, ctx.bareIsExact);
  const exact = toNumber(p.exact);
  const min = toNumber(p.min);
  const max = toNumber(p.max);
  let ideal = toNumber(p.ideal);
  if (ideal !== undefined && ideal !== ideal) ideal = undefined; // NaN ideal: nothing to aim for
  if (exact === undefined && min === undefined && max === undefined && ideal === undefined) return 0;
  const range = numericRange(capability);
  const required = exact !== undefined || min !== undefined || max !== undefined;
  let lo = range ? range[0] : -Infinity;
  let hi = range ? range[1] : Infinity;
  if (min !== undefined) lo = larger(lo, min);
  if (max !== undefined) hi = smaller(hi, max);
  if (exact !== undefined) {
    lo = larger(lo, exact);
    hi = smaller(hi, exact);
  }
  // Step 2: required and no value in the device's range satisfies it, or no such member.
  if (required && (range === null || !(lo <= hi))) return Infinity;
  if (ctx.requiredOnly) return 0;
  // Step 5.
  if (range === null) return 1;
  // Step 6.
  if (ideal === undefined) return 0;
  // Step 7: the closest value the device can produce that also meets this constraint's
  // min/max/exact, then (actual == ideal) ? 0 : |actual - ideal| / max(|actual|, |ideal|).
  if (!(lo <= hi)) {
    lo = range[0];
    hi = range[1];
  }
  const actual = ideal < lo ? lo : ideal > hi ? hi : ideal;
  if (actual === ideal) return 0;
  return abs(actual - ideal) / larger(abs(actual), abs(ideal));
}

function constraintDistance(name: string, value: unknown, capabilities: DeviceCapabilities, ctx: Context): number {
  // A dictionary member that is undefined is not present.
  if (value === undefined) return 0;
  // Step 1: a constraint the user agent does not support adds 0. (WebIDL would have dropped it.)
  if (!includes(ctx.supported, name)) return 0;
  const capability = ownMember(capabilities, name);
  const capKind = capabilityKind(capability);
  const exists = capKind !== null;

  // Step 4: a bare boolean for a property that is not boolean. After WebIDL conversion only the
  // `(boolean or ConstrainDouble)` members (pan/tilt/zoom) can hold one (`width: true` is
  // already 1), so only those are treated this way; true means "the property must exist".
  // Step 2 still comes first when bare values are exact.
  if (typeof value === "boolean" && includes(PRESENCE_BOOLEAN_NAMES, name) && capKind !== "boolean") {
    if (ctx.bareIsExact) {
      // Step 2: "does not satisfy the constraint or doesn't exist" -> Infinity.
      if (!exists || value !== exists) return Infinity;
      return 0;
    }
    if (ctx.requiredOnly) return 0;
    return value === exists ? 0 : 1;
  }

  const kind: Kind = capKind ?? constraintKind(value) ?? "number";
  if (kind === "number") return numberDistance(capability, value, ctx);
  const p = parts(value, ctx.bareIsExact);
  if (kind === "string") {
    return listDistance(capKind === "string" ? stringCapabilityValues(capability) : null,
      toStringList(p.exact), toStringList(p.ideal), ctx);
  }
  return listDistance(capKind === "boolean" ? booleanCapabilityValues(capability) : null,
    toBooleanList(p.exact), toBooleanList(p.ideal), ctx);
}

function contextFor(options: FitnessOptions | undefined): Context {
  return {
    bareIsExact: options?.bareValues === "exact",
    requiredOnly: options?.requiredOnly === true,
    supported: options?.supportedConstraints ?? SUPPORTED_CONSTRAINTS,
  };
}

/** Own string keys of a constraint set, in the order the page wrote them, without "advanced". */
function constraintNames(constraintSet: ConstraintSet): string[] {
  const out: string[] = [];
  const keys = ownKeys(constraintSet);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key === "string" && key !== "advanced") appendOwn(out, key);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * The fitness distance between a device (all the settings dictionaries it can produce: the
 * smallest distance among them) and a constraint set: the sum over the set's members of
 *   1. 0 if the user agent does not support the constraint;
 *   2. Infinity if the constraint is required (min / max / exact, or a bare value when bare
 *      values are exact) and cannot be satisfied, or the device has no such property;
 *   3. (does not apply to this kind of object: not modelled, the caller picks devices by kind);
 *   4. for a bare boolean on a non-boolean property: (value == exists) ? 0 : 1;
 *   5. 1 if the device has no such property;
 *   6. 0 if there is no ideal value;
 *   7. numeric: (actual == ideal) ? 0 : |actual - ideal| / max(|actual|, |ideal|);
 *   8. string, enum, boolean: (actual == ideal) ? 0 : 1, "==" on a list meaning "any of".
 * deviceId and groupId are ordinary string constraints: a bare value in the basic set is ideal.
 */
export function fitnessDistance(capabilities: DeviceCapabilities, constraintSet: ConstraintSet, options?: FitnessOptions): number {
  const ctx = contextFor(options);
  const names = constraintNames(constraintSet);
  let total = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (!hasOwn(constraintSet, name)) continue;
    total += constraintDistance(name, constraintSet[name], capabilities, ctx);
    if (total === Infinity) return Infinity;
  }
  return total;
}

/**
 * SelectSettings over devices:
 * - step 3: keep the devices whose fitness distance for the basic set (bare values ideal) is
 *   finite, i.e. that meet every required member;
 * - step 4: none left -> `failedConstraint` names a required constraint that no device could
 *   satisfy (the first one in the page's order), or "" when no single constraint failed for
 *   every device (getUserMedia: "or "" if there isn't one"). With no devices at all it is ""
 *   too: the caller should report NotFoundError then, not OverconstrainedError;
 * - step 5: each advanced set in order (bare values exact) keeps the candidates for which it is
 *   finite, and is ignored when it is infinite for all of them;
 * - step 6: candidates sorted by the basic set's fitness distance, ascending, stable (ties keep
 *   the input order, standing in for "system default" choices).
 * Devices are returned as the same objects that were passed in.
 */
export function selectDevices<D extends SelectableDevice>(
  devices: readonly D[],
  constraints: { basic: ConstraintSet; advanced?: readonly ConstraintSet[] },
): { candidates: D[]; failedConstraint: string | null } {
  const basic = constraints.basic;
  const names = constraintNames(basic);
  const required = contextFor({ requiredOnly: true });
  const failsEverywhere: boolean[] = [];
  for (let n = 0; n < names.length; n++) appendOwn(failsEverywhere, true);

  let candidates: D[] = [];
  for (let d = 0; d < devices.length; d++) {
    const device = devices[d];
    let ok = true;
    for (let n = 0; n < names.length; n++) {
      const name = names[n];
      const value = hasOwn(basic, name) ? basic[name] : undefined;
      if (constraintDistance(name, value, device.capabilities, required) === Infinity) ok = false;
      else failsEverywhere[n] = false;
    }
    if (ok) appendOwn(candidates, device);
  }

  if (candidates.length === 0) {
    let failed = "";
    if (devices.length > 0) {
      for (let n = 0; n < names.length; n++) {
        if (failsEverywhere[n]) {
          failed = names[n];
          break;
        }
      }
    }
    return { candidates, failedConstraint: failed };
  }

  const advanced = constraints.advanced;
  if (advanced) {
    for (let a = 0; a < advanced.length; a++) {
      const set = advanced[a];
      const kept: D[] = [];
      for (let d = 0; d < candidates.length; d++) {
        if (fitnessDistance(candidates[d].capabilities, set, { bareValues: "exact", requiredOnly: true }) !== Infinity) {
          appendOwn(kept, candidates[d]);
        }
      }
      if (kept.length > 0) candidates = kept;
    }
  }

  // Stable insertion sort by the basic set's distance (bare values ideal).
  const distances: number[] = [];
  for (let d = 0; d < candidates.length; d++) appendOwn(distances, fitnessDistance(candidates[d].capabilities, basic));
  for (let i = 1; i < candidates.length; i++) {
    const device = candidates[i];
    const distance = distances[i];
    let j = i - 1;
    while (j >= 0 && distances[j] > distance) {
      candidates[j + 1] = candidates[j];
      distances[j + 1] = distances[j];
      j--;
    }
    candidates[j + 1] = device;
    distances[j + 1] = distance;
  }
  return { candidates, failedConstraint: null };
}

// The snapshot of what the page passed as `audio` / `video` lives in track-constraints.ts (the
// main world needs only that part).
export { normalizeTrackConstraints } from "./track-constraints";
