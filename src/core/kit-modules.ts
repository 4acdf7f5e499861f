/**
 * The main world's modules that the pack (src/pack.ts) shares with it: those with state (the
 * wrappers, the interceptors, the pack's own state ...). The kit hands over each export the pack
 * uses under a short name (scripts/build-pack.mjs, kitNames: this object is in the start script,
 * which must stay small), and the pack reads it as `__kit.m.<short name>`. Written by the build.
 * Stateless modules (natives, json, protocol) the pack has copies of, which start when it arrives,
 * with the built-ins as they were at document start (src/core/pack.ts).
 */
import * as core_media_methods from "./media-methods";
import * as effects_supported from "../effects/supported";
import * as lib_wrap from "../lib/wrap";
import * as track_configuration_change_attribute from "../track/configuration-change-attribute";
import * as tracking_capture_trigger from "../tracking/capture-trigger";
import * as transfer_install from "../transfer/install";

export const kitModules: Record<string, unknown> = {
  a: core_media_methods.announce,
  c: core_media_methods.intercept,
  e: core_media_methods.onResolved,
  j: effects_supported.ourConstraints,
  k: effects_supported.withSorted,
  l: effects_supported.workersMayRun,
  m: effects_supported.workersRefused,
  o: lib_wrap.defineAttribute,
  r: lib_wrap.looksNative,
  u: lib_wrap.wrapGetter,
  w: lib_wrap.wrapMethod,
  x: lib_wrap.wrapSetter,
  z: track_configuration_change_attribute.nativeConfigurationChange,
  A: tracking_capture_trigger.early,
  D: transfer_install.transferHooks,
};
