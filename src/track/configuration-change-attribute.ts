/**
 * `MediaStreamTrack.prototype.onconfigurationchange`, an event handler IDL attribute, where the
 * browser lacks it: part of the main world's start (src/core/pack.ts), so that a page finds it from
 * its first script on; the events themselves come from ./configuration-change.ts.
 */
import { addEventListener, answers, apply, getOwnPropertyDescriptor, trackReadyState, TypeErrorCtor, WeakMapCtor, weakMapGet, weakMapSet } from "../lib/natives";
import { defineAttribute } from "../lib/wrap";

let native = false;
/** Whether the browser has the event (then this file added nothing). */
export const nativeConfigurationChange = (): boolean => native;

export function installConfigurationChangeAttribute(): void {
  if (typeof MediaStreamTrack === "undefined" || !trackReadyState) return;
  const proto = MediaStreamTrack.prototype;
  const name = "onconfigurationchange";
  native = getOwnPropertyDescriptor(proto, name) !== undefined;
  if (native) return;
  // `onconfigurationchange`, an event handler IDL attribute.
  const handlers = new WeakMapCtor<object, { fn: unknown }>();
  defineAttribute(proto, name, answers(trackReadyState), (track) => {
    const slot = apply(weakMapGet, handlers, [track]) as { fn: unknown } | undefined;
    return slot ? slot.fn : null;
  }, (track, args) => {
    if (!args.length) {
      throw new TypeErrorCtor("Failed to set the 'onconfigurationchange' property on 'MediaStreamTrack': 1 argument required, but only 0 present.");
    }
    const value = args[0];
    const fn = (typeof value === "object" && value !== null) || typeof value === "function" ? value : null;
    let slot = apply(weakMapGet, handlers, [track]) as { fn: unknown } | undefined;
    if (!slot) {
      slot = { fn: null };
      apply(weakMapSet, handlers, [track, slot]);
      const held = slot;
      apply(addEventListener, track, ["configurationchange", (event: Event) => {
        if (typeof held.fn === "function") apply(held.fn, track, [event]);
      }]);
    }
    slot.fn = fn;
  });
}
