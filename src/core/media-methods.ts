import type { PageBridge } from "../bridge/page-bridge";
import { effectiveSemantics } from "../bridge/protocol";
import { NAMES } from "../effects/names";
import { appendOwn, apply, bareArgs, devicesProto, getOwnPropertyDescriptor, getPrototypeOf, hasOwn, objectCreate, ObjectProto, ownKeys, PromiseCtor, promiseThen, trackProto } from "../lib/natives";
import { wrapMethod } from "../lib/wrap";
import { packPending, whenPack } from "./pack";

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
function passedOn(constraints: unknown): Record<string, unknown> | undefined {
  const config = bridgeOf!.siteConfig();
  if (effectiveSemantics(config) !== "browser-chooses" || config.powerSaving || config.blurBackground || config.frameFace ||
    ownKeys(ObjectProto).length !== protoKeys) return;
  return copy(constraints as object, (key) => key === "audio" || key === "video", (track) => typeof track === "boolean" ? track
    : copy(track as object, (key) => {
      for (let k = 0; k < FEATURED.length; k++) if (key === FEATURED[k]) return false;
      return true;
    }, (v) => v));
}

function route(method: MethodName) {
  const run = routed(method);
  if (method !== "getUserMedia") return run;
  // getUserMedia waits for the pack: its features (picker, PTZ, effects, tracking) are there.
  return (native: Function, thisArg: unknown, args: unknown[]): unknown => {
    if (!packPending()) return run(native, thisArg, args);
    let plain: Record<string, unknown> | undefined;
    try {
      plain = passedOn(args[0]);
    } catch {
      // Not an object, or a page's proxy threw: the pack decides.
    }
    if (!plain) return later(() => run(native, thisArg, args));
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
    wrapMethod(devicesProto, "enumerateDevices", route("enumerateDevices"));
  }
  if (trackProto) {
    wrapMethod(trackProto, "getCapabilities", route("getCapabilities"));
    wrapMethod(trackProto, "getSettings", route("getSettings"));
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
