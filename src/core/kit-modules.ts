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
  h: effects_supported.ourConstraints,
  i: effects_supported.withSorted,
  j: effects_supported.workersMayRun,
  k: effects_supported.workersRefused,
  m: lib_wrap.defineAttribute,
  p: lib_wrap.looksNative,
  s: lib_wrap.wrapGetter,
  u: lib_wrap.wrapMethod,
  v: lib_wrap.wrapSetter,
  x: track_configuration_change_attribute.nativeConfigurationChange,
  y: tracking_capture_trigger.early,
  B: transfer_install.transferHooks,
};
