/**
 * `MediaStreamTrack.prototype.onconfigurationchange`, an event handler IDL attribute, where the
 * browser lacks it: part of the main world's start (src/core/pack.ts), so that a page finds it from
 * its first script on; the events themselves come from ./configuration-change.ts.
 */
import { addEventListener, answers, apply, getOwnPropertyDescriptor, isObject, removeEventListener, trackProto, trackReadyState, TypeErrorCtor, WeakMapCtor, weakMapGet, weakMapSet } from "../lib/natives";
import { defineAttribute } from "../lib/wrap";

let native = false;
/** Whether the browser has the event (then this file added nothing). */
export const nativeConfigurationChange = (): boolean => native;

export function installConfigurationChangeAttribute(): void {
  const proto = trackProto;
  if (!proto || !trackReadyState) return;
  const type = "configurationchange", name = "on" + type;
  native = getOwnPropertyDescriptor(proto, name) !== undefined;
  if (native) return;
  // `onconfigurationchange`, an event handler IDL attribute.
  type Slot = { fn: unknown; on?: (event: Event) => void };
  const handlers = new WeakMapCtor<object, Slot>();
  defineAttribute(proto, name, answers(trackReadyState), (track) => {
    const slot = apply(weakMapGet, handlers, [track]) as Slot | undefined;
    return slot ? slot.fn : null;
  }, (track, args) => {
    if (!args.length) {
      throw new TypeErrorCtor("Failed to set the '" + name + "' property on 'MediaStreamTrack': 1 argument required, but only 0 present.");
    }
    const value = args[0];
    let slot = apply(weakMapGet, handlers, [track]) as Slot | undefined;
    if (!slot) apply(weakMapSet, handlers, [track, slot = { fn: null }]);
    const s = slot;
    s.fn = isObject(value) ? value : null;
    // As HTML's event handlers: the listener is added when the handler is set (at the end of the
    // listeners then), kept while it changes, and removed when it is set to null.
    if (!s.fn) s.on = s.on && apply(removeEventListener, track, [type, s.on]) as undefined;
    else if (!s.on) {
      apply(addEventListener, track, [type, s.on = (event: Event) => {
        if (typeof s.fn === "function") apply(s.fn, track, [event]);
      }]);
    }
  });
}
