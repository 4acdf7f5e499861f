/**
 * The main world's modules that the pack (src/pack.ts) shares with it, handed to it by name (their
 * path under src/ with `/` and `-` as `_`): those with state (the wrappers, the interceptors, the
 * pack's own state ...). Stateless ones (natives, json, protocol) the pack has copies of, which
 * start when it arrives, with the built-ins as they were at document start (src/core/pack.ts).
 */
import * as core_media_methods from "./media-methods";
import * as effects_supported from "../effects/supported";
import * as lib_wrap from "../lib/wrap";
import * as track_configuration_change_attribute from "../track/configuration-change-attribute";
import * as tracking_capture_trigger from "../tracking/capture-trigger";
import * as transfer_install from "../transfer/install";

export const kitModules: Record<string, unknown> = {
  core_media_methods: { announce: core_media_methods.announce, intercept: core_media_methods.intercept, onResolved: core_media_methods.onResolved },
  effects_supported: { ourConstraints: effects_supported.ourConstraints, withSorted: effects_supported.withSorted, workersMayRun: effects_supported.workersMayRun, workersRefused: effects_supported.workersRefused },
  lib_wrap: { defineAttribute: lib_wrap.defineAttribute, looksNative: lib_wrap.looksNative, wrapGetter: lib_wrap.wrapGetter, wrapMethod: lib_wrap.wrapMethod, wrapSetter: lib_wrap.wrapSetter },
  track_configuration_change_attribute: { nativeConfigurationChange: track_configuration_change_attribute.nativeConfigurationChange },
  tracking_capture_trigger: { early: tracking_capture_trigger.early },
  transfer_install: { transferHooks: transfer_install.transferHooks },
};
