/**
 * "Hide device names from sites" (label deprecation, Media Capture Extensions): while the user's
 * setting for the site is on, device labels read as "" everywhere a page could read them:
 * `MediaDeviceInfo.label` (and so `InputDeviceInfo`), `MediaDeviceInfo.toJSON()`, and the label of
 * tracks that come from a capture device (`MediaStreamTrack.label`). Other tracks (canvas,
 * WebRTC) keep their labels, which name no device. With the setting off, the native getters run.
 */
import type { PageBridge } from "../bridge/page-bridge";
import {
  apply, hasOwn, setOwn,
} from "../lib/natives";
import { isObject, trackGetSettings, trackProto } from "../lib/natives";
import { wrapGetter, wrapMethod } from "../lib/wrap";

export function installHideLabels(bridge: PageBridge): void {
  const hidden = () => bridge.connected && bridge.siteConfig().hideLabels;

  if (typeof MediaDeviceInfo !== "undefined") {
    wrapGetter(MediaDeviceInfo.prototype, "label", (native, thisArg) => {
      // The native getter runs first: it throws "Illegal invocation" for a foreign receiver.
      const label = apply(native, thisArg, []);
      return label !== "" && hidden() ? "" : label;
    });
    wrapMethod(MediaDeviceInfo.prototype, "toJSON", (native, thisArg, args) => {
      const json = apply(native, thisArg, args) as Record<string, unknown>;
      if (isObject(json) && hasOwn(json, "label") && json.label !== "" && hidden()) {
        setOwn(json, "label", "");
      }
      return json;
    });
  }
  if (trackProto && trackGetSettings) {
    wrapGetter(trackProto, "label", (native, thisArg) => {
      const label = apply(native, thisArg, []);
      if (label === "" || !hidden()) return label;
      // Only capture tracks (they have a deviceId) carry a device's name.
      const settings = apply(trackGetSettings!, thisArg, []) as { deviceId?: unknown };
      return settings && typeof settings.deviceId === "string" && settings.deviceId !== "" ? "" : label;
    });
  }
}
