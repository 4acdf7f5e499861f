/**
 * The members the pack's features wrap (src/core/pack.ts), wrapped at start so that the page can
 * never hold a reference around them: until the pack is in they call the native function, except
 * the calls that must wait for it (they hold what would reach the extension: a legacy
 * getUserMedia, a query of the camera's PTZ permission).
 */
import { answers, apply, getOwnPropertyDescriptor, trackProto } from "../lib/natives";
import { reserve, wrapMethod } from "../lib/wrap";
import { later } from "./media-methods";
import { packPending, whenPack } from "./pack";

/** `holder[name]`'s calls for which `engage(args)` holds wait for the pack (`promise`: the call
 * returns a promise; else it returns nothing, e.g. a callback API), then go through every layer. */
function waitFor(holder: object, name: string, engage: (args: unknown[], thisArg: unknown) => boolean, promise: boolean): void {
  let outer: Function | undefined;
  wrapMethod(holder, name, (native, thisArg, args) => {
    if (!packPending() || !outer || !engage(args, thisArg)) return apply(native, thisArg, args);
    const again = () => apply(outer!, thisArg, args);
    if (promise) return later(again);
    whenPack(() => {
      try {
        again();
      } catch {
        // (It would have thrown to nobody: the page's call returned long ago.)
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
    // of the receiver: it throws "Illegal invocation" as getUserMedia would), with a dictionary.
    // Anything else goes to the browser now, which throws what it throws.
    const onNavigator = answers(Navigator.prototype.javaEnabled);
    const legacy = (args: unknown[], thisArg: unknown) => onNavigator(thisArg) && typeof args[0] === "object" && args[0] !== null &&
      typeof args[1] === "function" && typeof args[2] === "function";
    waitFor(Navigator.prototype, "getUserMedia", legacy, false);
    waitFor(Navigator.prototype, "webkitGetUserMedia", legacy, false);
  }
  if (typeof Permissions !== "undefined") {
    waitFor(Permissions.prototype, "query", (args) => {
      try {
        const d = args[0] as { name?: unknown; panTiltZoom?: unknown } | null;
        return typeof d === "object" && d !== null && d.name === "camera" && d.panTiltZoom === true;
      } catch {
        return false; // the native call reports it
      }
    }, true);
  }
}
