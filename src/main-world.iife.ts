/**
 * The main-world entry: one self-contained IIFE that Chrome runs at document_start in every frame
 * (manifest: world MAIN, all_frames, match_about_blank, match_origin_as_fallback). Everything here
 * runs synchronously, before the first page script. No chrome.* APIs exist in this world.
 *
 * It is small on purpose: it wraps what the features need wrapped from the start and answers what
 * must be answered synchronously; the features' implementations are in the pack (src/pack.ts),
 * which comes the first time the frame needs it (src/core/pack.ts).
 */
import { connectPageBridge } from "./bridge/page-bridge";
import { installMediaMethods } from "./core/media-methods";
import { kitModules } from "./core/kit-modules";
import { installPackLoader } from "./core/pack";
import { reserveMembers } from "./core/reserve";
import { installSupportedConstraints } from "./effects/supported";
import { installDefaultSemantics } from "./semantics/default-semantics";
import { installHideLabels } from "./semantics/hide-labels";
import { installConfigurationChangeAttribute } from "./track/configuration-change-attribute";
import { installCaptureTrigger } from "./tracking/capture-trigger";
import { installTransfer } from "./transfer/install";

const bridge = connectPageBridge();
installPackLoader(bridge, kitModules);
installMediaMethods(bridge);
reserveMembers();
installSupportedConstraints(bridge);
installDefaultSemantics(bridge);
// Here, not in the pack: device names stay hidden in a frame the pack cannot reach.
installHideLabels(bridge);
installConfigurationChangeAttribute();
// The <usermedia>/<camera>/<microphone> elements bring the pack at the first click.
installCaptureTrigger();
// Last: its wrappers sit outside the others (it clones and stops tracks through them).
installTransfer();
