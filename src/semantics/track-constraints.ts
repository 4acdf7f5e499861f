/**
 * Snapshots of the page's `audio` / `video` constraints (mediacapture-main
 * MediaTrackConstraints), taken in the page's realm without running page code more than a
 * browser would: own members only, null-prototype copies, no iteration protocols.
 * Kept apart from select-settings.ts so the main-world script does not carry the selection
 * algorithm (the service worker and the picker run that).
 */
import {
  appendOwn, hasOwn, isArray, objectCreate, ownKeys
} from "../lib/natives";
import type { ConstraintSet, NormalizedTrackConstraints } from "./select-settings";

function ownMember(object: unknown, key: string): unknown {
  if (object === null || (typeof object !== "object" && typeof object !== "function")) return undefined;
  return hasOwn(object as object, key) ? (object as Record<string, unknown>)[key] : undefined;
}


function copyList(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  const length = list.length;
  for (let i = 0; i < length; i++) {
    const item = list[i];
    // sequence<DOMString>: keep primitives; objects would need page code to stringify.
    if (item === null || (typeof item !== "object" && typeof item !== "function")) appendOwn(out, item);
  }
  return out;
}

function copyMember(value: unknown): unknown {
  if (isArray(value)) return copyList(value as unknown[]);
  if (value === null) return objectCreate(null);
  if (typeof value !== "object" && typeof value !== "function") return value;
  const out = objectCreate(null) as Record<string, unknown>;
  const keys = ["exact", "ideal", "min", "max"];
  for (let i = 0; i < keys.length; i++) {
    const member = ownMember(value, keys[i]);
    if (member === undefined) continue;
    out[keys[i]] = isArray(member) ? copyList(member as unknown[]) : member;
  }
  return out;
}

/** A snapshot of a constraint set: own members only, in null-prototype objects. */
function copyConstraintSet(value: object): ConstraintSet {
  const out = objectCreate(null) as ConstraintSet;
  const keys = ownKeys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== "string" || key === "advanced") continue;
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    out[key] = copyMember(member);
  }
  return out;
}

/**
 * The `audio` or `video` member of MediaStreamConstraints, `(boolean or MediaTrackConstraints)`:
 * - `undefined` or `false` (and, per WebIDL union conversion, any other falsy primitive such as
 *   0 or "") -> null: this kind is not requested;
 * - `true` (and any other truthy primitive: WebIDL converts non-objects to boolean) ->
 *   `{basic: {}, advanced: []}`: requested, unconstrained;
 * - an object, or `null` (WebIDL converts null to an empty dictionary) -> its own members as the
 *   basic set, and its own `advanced` member, which must be an array of objects (null and
 *   undefined entries count as empty sets), as the advanced sets. Anything else there ->
 *   `{error: "TypeError"}`. Only arrays are accepted for `advanced` (not other iterables),
 *   because iterating would run page code.
 * The result is a snapshot: later changes to the page's objects do not affect it.
 */
export function normalizeTrackConstraints(
  value: unknown,
): NormalizedTrackConstraints | { error: "TypeError"; message: string } | null {
  if (value === undefined) return null;
  if (value !== null && typeof value !== "object" && typeof value !== "function") {
    return value ? { basic: objectCreate(null) as ConstraintSet, advanced: [] } : null;
  }
  if (value === null) return { basic: objectCreate(null) as ConstraintSet, advanced: [] };
  const basic = copyConstraintSet(value);
  const advanced: ConstraintSet[] = [];
  const list = ownMember(value, "advanced");
  if (list !== undefined) {
    if (!isArray(list)) {
      return { error: "TypeError", message: "The 'advanced' member of the track constraints must be an array of constraint sets." };
    }
    const sets = list as unknown[];
    const length = sets.length;
    for (let i = 0; i < length; i++) {
      const set = sets[i];
      if (set === null || set === undefined) appendOwn(advanced, objectCreate(null) as ConstraintSet);
      else if (typeof set === "object" || typeof set === "function") appendOwn(advanced, copyConstraintSet(set));
      else {
        return { error: "TypeError", message: "Entry " + i + " of 'advanced' in the track constraints is not an object." };
      }
    }
  }
  return { basic, advanced };
}
