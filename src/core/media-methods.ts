import type { PageBridge } from "../bridge/page-bridge";
import { effectiveSemantics } from "../bridge/protocol";
import { NAMES } from "../effects/names";
import { appendOwn, apply, bareArgs, devicesProto, getOwnPropertyDescriptor, getPrototypeOf, hasOwn, isObject, objectCreate, ObjectProto, ownKeys, PromiseCtor, promiseThen, trackProto } from "../lib/natives";
import { wrapMethod } from "../lib/wrap";
import { packIn, packPending, whenPack } from "./pack";

/**
 * The media methods every feature builds on, wrapped once. Features add interceptors; while no
 * interceptor wants a call, the wrapper hands it to the native method untouched (same `this`,
 * same arguments, same returned promise), which is what keeps the extension transparent.
 */
export type MethodName =
  | "getUserMedia" | "enumerateDevices" | "getCapabilities" | "getSettings" | "applyConstraints";

/** Returns `undefined` to pass the call on, or the call's result. `native` goes on with the later
 * interceptors and then the native method, so a feature may call it with changed arguments. */
export type Interceptor = (native: Function, thisArg: unknown, args: unknown[]) => unknown;

// No arguments: this, so that reading a missing one never reaches a page's Array.prototype[0].
// (An interceptor reads at most the first; one given is the array's own.)
const NO_ARGS: unknown[] = bareArgs([]);

/** The interceptors from `from` on, then `native`: made once per interceptor list and native
 * (`memo`, no prototype), not for every call (a getSettings call made two of them). */
function chain(list: Interceptor[], from: number, native: Function, memo: Function[]): Function {
  if (from >= list.length) return native;
  return memo[from] ??= function (this: unknown, ...args: unknown[]) {
    if (!args.length) args = NO_ARGS;
    for (let i = from; i < list.length; i++) {
      const result = list[i](chain(list, i + 1, native, memo), this, args);
      if (result !== undefined) return result;
    }
    return apply(native, this, args);
  };
}

const interceptors: Partial<Record<MethodName, Interceptor[]>> = {};

export function intercept(method: MethodName, interceptor: Interceptor): void {
  const list = interceptors[method] ?? (interceptors[method] = []);
  appendOwn(list, interceptor);
}

/** Sees the value a method's promise fulfils with (e.g. getUserMedia's stream); cannot change it. */
export type ResolvedHook = (value: unknown) => void;

const resolvedHooks: Partial<Record<MethodName, ResolvedHook[]>> = {};

export function onResolved(method: MethodName, hook: ResolvedHook): void {
  const list = resolvedHooks[method] ?? (resolvedHooks[method] = []);
  appendOwn(list, hook);
}

/** A promise that settles as `result` does; the hooks see the value before the page does. A fresh
 * promise rather than a reaction on `result`: a reaction would mark a rejection handled and so
 * hide the page's own `unhandledrejection` event. */
function observed(result: unknown, hooks: ResolvedHook[]): unknown {
  if (typeof result !== "object" || result === null) return result;
  return new PromiseCtor((resolve, reject) => {
    apply(promiseThen, result, [(value: unknown) => {
      // Resolved first: the page's reaction is queued before anything a hook queues.
      resolve(value);
      for (let i = 0; i < hooks.length; i++) {
        try {
          hooks[i](value);
        } catch {
          // A hook's failure never reaches the page.
        }
      }
    }, reject]);
  });
}

/** A promise for what `run()` returns (a promise) once the pack is in or cannot come: for calls
 * whose features are in the pack (src/core/pack.ts). The page's getters on its arguments run then. */
export function later(run: () => unknown): unknown {
  return new PromiseCtor((resolve, reject) => whenPack(() => {
    try {
      apply(promiseThen, run(), [resolve, reject]);
    } catch (error) {
      reject(error);
    }
  }));
}

let bridgeOf: PageBridge | undefined;
const protoKeys = ownKeys(ObjectProto).length;
// Track constraints some feature acts on (effects, PTZ); "advanced" may hold any of them.
const FEATURED = [...NAMES, "pan", "tilt", "zoom", "advanced"];

/** A copy (own data properties, no prototype) of a plain object whose own keys `ok` takes, each
 * value through `map`; `undefined` for another object (and a TypeError for a primitive). No getter
 * of the page runs. */
function copy(o: object, ok: (key: string) => boolean, map: (v: unknown) => unknown): Record<string, unknown> | undefined {
  if (getPrototypeOf(o) !== ObjectProto) return;
  const out = objectCreate(null) as Record<string, unknown>, keys = ownKeys(o);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i], d = getOwnPropertyDescriptor(o, key)!;
    if (typeof key !== "string" || !ok(key) || !hasOwn(d, "value") || (out[key] = map(d.value)) === undefined) return;
  }
  return out;
}

/** For a getUserMedia call that every feature passes on unchanged (the site's settings engage
 * none: no picker, no forced effect; and the constraints are a plain object of `audio` and
 * `video` only, each a boolean or a plain object of data properties none of whose names a
 * feature acts on), the constraints to give the browser: a copy, so what it reads is what was
 * checked. A page that added to Object.prototype gets the pack's decision instead. */
function passedOn(constraints: unknown): unknown {
  const config = bridgeOf!.siteConfig();
  if (effectiveSemantics(config) !== "browser-chooses" || config.powerSaving || config.blurBackground || config.frameFace ||
    ownKeys(ObjectProto).length !== protoKeys) return;
  return ptzFree(constraints as object, true);
}

/** A copy of a plain track constraint set none of whose members a feature acts on. */
const plainSet = (set: object) => copy(set, (key) => {
  for (let k = 0; k < FEATURED.length; k++) if (key === FEATURED[k]) return false;
  return true;
}, (v) => v);
/** A copy of plain getUserMedia constraints: audio and video, each a boolean or a plainSet. */
const plainStream = (c: object) =>
  copy(c, (key) => key === "audio" || key === "video", (track) => typeof track === "boolean" ? track : plainSet(track as object));

/**
 * Constraints made safe where the pack cannot come (a page kept it out, or froze a built-in it
 * needs: a lockdown), so that nothing of its gates: for an object, a copy of plain data none of
 * whose members a feature acts on (no pan, tilt, zoom or advanced: PTZ's only places); undefined
 * where that cannot be made (getters, a Proxy, another prototype ...). `stream`: getUserMedia's.
 */
export function ptzFree(c: object, stream: boolean): unknown {
  try {
    return stream ? plainStream(c) : plainSet(c);
  } catch {
    // (Not an object, or a Proxy's trap threw.)
  }
}
const DOMExceptionCtor = DOMException;
/** A call refused where its constraints cannot be made safe (the constructor as at start: a removed
 * frame's realm has none later). */
export const unchecked = () => new PromiseCtor((_, reject) => reject(new DOMExceptionCtor("Constraints not checked", "NotAllowedError")));

/** getUserMedia's and applyConstraints' wrappers (the others' are `routed`). */
function route(method: "getUserMedia" | "applyConstraints") {
  const run = routed(method);
  const stream = method === "getUserMedia";
  /** Once the pack is in, or cannot come: then with PTZ-free constraints, or refused. */
  const go = (native: Function, thisArg: unknown, args: unknown[]): unknown => {
    // (No code of the page's runs on a value that is not an object.)
    if (packIn() || !isObject(args[0])) return run(native, thisArg, args);
    const safe = ptzFree(args[0], stream);
    return safe ? apply(native, thisArg, [safe]) : unchecked();
  };
  // applyConstraints waits for the pack where a track reached a realm without it (a frame's
  // prototype called on a track of its parent's): its PTZ gate is there.
  if (!stream) return (native: Function, thisArg: unknown, args: unknown[]): unknown =>
    packPending() && isObject(args[0]) ? later(() => go(native, thisArg, args)) : go(native, thisArg, args);
  // getUserMedia waits for the pack: its features (picker, PTZ, effects, tracking) are there.
  return (native: Function, thisArg: unknown, args: unknown[]): unknown => {
    if (!packPending()) return go(native, thisArg, args);
    // (Not a plain object: the pack decides.)
    const plain = passedOn(args[0]);
    if (!plain) return later(() => go(native, thisArg, args));
    // Such a call goes to the browser now, while the pack comes; the stream goes to the page once
    // the pack's hooks saw it (as they would have), an error at once.
    // (The browser is asked first: asking for the pack takes a moment of this thread.)
    return new PromiseCtor((resolve, reject) => {
      const asked = apply(native, thisArg, [plain]);
      whenPack();
      apply(promiseThen, asked, [(stream: unknown) => whenPack(() => {
        resolve(stream);
        announce(method, stream);
      }), reject]);
    });
  };
}

function routed(method: MethodName) {
  let memo: Function[] = [], memoFor: Function | undefined, memoLength = 0;
  return (native: Function, thisArg: unknown, args: unknown[]): unknown => {
    const hooks = resolvedHooks[method];
    const list = interceptors[method];
    if (list) {
      if (native !== memoFor || list.length !== memoLength) {
        memo = objectCreate(null);
        memoFor = native;
        memoLength = list.length;
      }
      for (let i = 0; i < list.length; i++) {
        const result = list[i](chain(list, i + 1, native, memo), thisArg, args);
        if (result !== undefined) return hooks ? observed(result, hooks) : result;
      }
    }
    const result = apply(native, thisArg, args);
    return hooks ? observed(result, hooks) : result;
  };
}

export function installMediaMethods(bridge: PageBridge): void {
  bridgeOf = bridge;
  if (devicesProto) {
    wrapMethod(devicesProto, "getUserMedia", route("getUserMedia"));
    wrapMethod(devicesProto, "enumerateDevices", routed("enumerateDevices"));
  }
  if (trackProto) {
    wrapMethod(trackProto, "getCapabilities", routed("getCapabilities"));
    wrapMethod(trackProto, "getSettings", routed("getSettings"));
    wrapMethod(trackProto, "applyConstraints", route("applyConstraints"));
  }
}

/** Runs the onResolved hooks as if `method` had fulfilled with `value`: for tracks that arrive in
 * this realm some other way (a track transferred from another same-origin window, a capture
 * element's). */
export function announce(method: MethodName, value: unknown): void {
  // (A capture element's track, src/tracking/capture-elements.ts: the hooks are in the pack.)
  if (packPending()) return whenPack(() => announce(method, value));
  const hooks = resolvedHooks[method];
  for (let i = 0; hooks && i < hooks.length; i++) {
    try {
      hooks[i](value);
    } catch {
      // As in observed(): a hook's failure never reaches the page.
    }
  }
}
