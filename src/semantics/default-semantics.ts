import type { PageBridge } from "../bridge/page-bridge";
import { DEFAULT_SITE_CONFIG, effectiveSemantics } from "../bridge/protocol";
import { apply, getOwnPropertyDescriptor } from "../lib/natives";
import { defineAttribute } from "../lib/wrap";

/**
 * `MediaDevices.prototype.defaultSemantics` (Media Capture Extensions, "MediaDevices Interface
 * Extensions"): the user's choice for this site, "browser-chooses" unless they asked otherwise.
 * Try it: demo/index.html, "Default semantics".
 */
export function installDefaultSemantics(bridge: PageBridge): void {
  if (typeof MediaDevices === "undefined") return;
  // A real MediaDevices answers the native `ondevicechange` getter; anything else throws.
  const brandGetter = getOwnPropertyDescriptor(MediaDevices.prototype, "ondevicechange")?.get;
  const isMediaDevices = (thisArg: unknown): boolean => {
    if (!brandGetter) return thisArg instanceof MediaDevices;
    try {
      apply(brandGetter, thisArg, []);
      return true;
    } catch {
      return false;
    }
  };
  defineAttribute(MediaDevices.prototype, "defaultSemantics", isMediaDevices, () =>
    effectiveSemantics(bridge.connected ? bridge.siteConfig() : DEFAULT_SITE_CONFIG));
}
