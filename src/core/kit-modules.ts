/**
 * The main world's modules that the pack (src/pack.ts) uses, handed to it by name (the build,
 * scripts/build-pack.mjs, checks that every module the pack imports from the main-world script is
 * here, and names each by its path under src/ with `/` and `-` as `_`).
 */
import * as bridge_protocol from "../bridge/protocol";
import * as core_media_methods from "./media-methods";
import * as core_pack from "./pack";
import * as effects_supported from "../effects/supported";
import * as lib_json from "../lib/json";
import * as lib_natives from "../lib/natives";
import * as lib_wrap from "../lib/wrap";
import * as track_configuration_change_attribute from "../track/configuration-change-attribute";
import * as transfer_install from "../transfer/install";

export const kitModules: Record<string, unknown> = {
  bridge_protocol, core_media_methods, core_pack, effects_supported, lib_json, lib_natives, lib_wrap,
  track_configuration_change_attribute, transfer_install,
};
