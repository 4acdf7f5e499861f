import type { PageBridge } from "../bridge/page-bridge";
import { DEFAULT_SITE_CONFIG, effectiveSemantics } from "../bridge/protocol";
import { answers, devicesProto, getOwnPropertyDescriptor } from "../lib/natives";
import { defineAttribute } from "../lib/wrap";

/**
 * `MediaDevices.prototype.defaultSemantics` (Media Capture Extensions, "MediaDevices Interface
 * Extensions"): the user's choice for this site, "browser-chooses" unless they asked otherwise.
 * Try it: demo/index.html, "Default semantics".
 */
export function installDefaultSemantics(bridge: PageBridge): void {
  if (!devicesProto) return;
  // A real MediaDevices answers the native `ondevicechange` getter (Chromium has it since long
  // before the minimum version); anything else throws.
  const isMediaDevices = answers(getOwnPropertyDescriptor(devicesProto, "ondevicechange")?.get);
  defineAttribute(devicesProto, "defaultSemantics", isMediaDevices, () =>
    effectiveSemantics(bridge.connected ? bridge.siteConfig() : DEFAULT_SITE_CONFIG));
}
