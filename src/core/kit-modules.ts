/**
 * The main world's modules that the pack (src/pack.ts) shares with it, handed to it by name (their
 * path under src/ with `/` and `-` as `_`): those with state (the wrappers, the interceptors, the
 * pack's own state ...). Stateless ones (natives, json, protocol) the pack has copies of, which
 * start when it arrives, with the built-ins as they were at document start (src/core/pack.ts).
 */
import * as core_media_methods from "./media-methods";
import * as core_pack from "./pack";
import * as effects_supported from "../effects/supported";
import * as lib_wrap from "../lib/wrap";
import * as track_configuration_change_attribute from "../track/configuration-change-attribute";
import * as tracking_capture_trigger from "../tracking/capture-trigger";
import * as transfer_install from "../transfer/install";

export const kitModules: Record<string, unknown> = {
  core_media_methods, core_pack, effects_supported, lib_wrap,
  track_configuration_change_attribute, tracking_capture_trigger, transfer_install,
};
