import { apply } from "../lib/natives";
import { wrapMethod } from "../lib/wrap";

/**
 * The media methods every feature builds on, wrapped once. Features add interceptors; while no
 * interceptor wants a call, the wrapper hands it to the native method untouched (same `this`,
 * same arguments, same returned promise), which is what keeps the extension transparent.
 */
export type MethodName =
  | "getUserMedia" | "enumerateDevices" | "getCapabilities" | "getSettings" | "applyConstraints";

/** Returns `undefined` to pass the call on, or the call's result. */
export type Interceptor = (native: Function, thisArg: unknown, args: unknown[]) => unknown;

const interceptors: Partial<Record<MethodName, Interceptor[]>> = {};

export function intercept(method: MethodName, interceptor: Interceptor): void {
  const list = interceptors[method] ?? (interceptors[method] = []);
  list[list.length] = interceptor;
}

function route(method: MethodName) {
  return (native: Function, thisArg: unknown, args: unknown[]): unknown => {
    const list = interceptors[method];
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const result = list[i](native, thisArg, args);
        if (result !== undefined) return result;
      }
    }
    return apply(native, thisArg, args);
  };
}

export function installMediaMethods(): void {
  if (typeof MediaDevices !== "undefined") {
    wrapMethod(MediaDevices.prototype, "getUserMedia", route("getUserMedia"));
    wrapMethod(MediaDevices.prototype, "enumerateDevices", route("enumerateDevices"));
  }
  if (typeof MediaStreamTrack !== "undefined") {
    wrapMethod(MediaStreamTrack.prototype, "getCapabilities", route("getCapabilities"));
    wrapMethod(MediaStreamTrack.prototype, "getSettings", route("getSettings"));
    wrapMethod(MediaStreamTrack.prototype, "applyConstraints", route("applyConstraints"));
  }
}
