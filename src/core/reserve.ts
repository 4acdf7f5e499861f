/**
 * The members the pack's features wrap (src/core/pack.ts), wrapped at start so that the page can
 * never hold a reference around them: until the pack is in they call the native function, except
 * the calls that must wait for it (they hold what would reach the extension: a legacy
 * getUserMedia, a query of the camera's PTZ permission).
 */
import { answers, apply, getOwnPropertyDescriptor, isObject, promiseThen, trackProto } from "../lib/natives";
import { reserve, wrapMethod } from "../lib/wrap";
import { later, ptzFree, unchecked } from "./media-methods";
import { packIn, packPending, whenPack } from "./pack";

/** `holder[name]`'s calls for which `engage(args)` holds wait for the pack (`promise`: the call
 * returns a promise; else it returns nothing, e.g. a callback API), then go through every layer. */
function waitFor(holder: object, name: string, engage: (args: unknown[], thisArg: unknown) => boolean, promise: boolean): void {
  let outer: Function | undefined;
  wrapMethod(holder, name, (native, thisArg, args) => {
    if (!outer || !engage(args, thisArg)) return apply(native, thisArg, args);
    if (!packPending()) {
      if (promise || packIn()) return apply(native, thisArg, args);
      // (Legacy getUserMedia, where the pack cannot come: PTZ-free constraints, or refused.)
      const safe = ptzFree(args[0] as object, true);
      // (`args` is this layer's own copy.)
      return safe ? (args[0] = safe, apply(native, thisArg, args)) : void apply(promiseThen, unchecked(), [undefined, args[2]]);
    }
    const again = () => apply(outer!, thisArg, args);
    if (promise) return later(again);
    whenPack(() => {
      try {
        again();
      } catch (e) {
        // Natively thrown at the call, which returned long ago: the error callback has it, rather
        // than nothing at all.
        apply(args[2] as Function, undefined, [e]);
      }
    });
    return undefined;
  });
  outer = getOwnPropertyDescriptor(holder, name)?.value as Function | undefined;
}

export function reserveMembers(): void {
  const track = trackProto;
  reserve([
    [track, "label", "get"], [track, "muted", "get"], [track, "stats", "get"], [track, "enabled", "set"],
    [track, "stop", "value"], [track, "clone", "value"], [track, "getConstraints", "value"],
    [typeof PermissionStatus === "undefined" ? undefined : PermissionStatus.prototype, "state", "get"],
  ]);
  if (typeof Navigator !== "undefined") {
    // Only a call that would not throw at once: on a navigator (javaEnabled is the cheapest check
    // of the receiver: it throws "Illegal invocation" as getUserMedia would), with a dictionary
    // (any object: a function, document.all ... are read as one). Anything else goes to the
    // browser now, which throws what it throws.
    const nav = Navigator.prototype;
    const onNavigator = answers(nav.javaEnabled);
    const legacy = (args: unknown[], thisArg: unknown) => onNavigator(thisArg) && isObject(args[0]) &&
      typeof args[1] === "function" && typeof args[2] === "function";
    waitFor(nav, "getUserMedia", legacy, false);
    waitFor(nav, "webkitGetUserMedia", legacy, false);
  }
  if (typeof Permissions !== "undefined") {
    waitFor(Permissions.prototype, "query", (args) => {
      try {
        const d = args[0] as { name?: unknown; panTiltZoom?: unknown } | null;
        return isObject(d) && d.name === "camera" && d.panTiltZoom === true;
      } catch {
        return false; // the native call reports it
      }
    }, true);
  }
}
