/**
 * The main-world entry: one self-contained IIFE that Chrome runs at document_start in every frame
 * (manifest: world MAIN, all_frames, match_about_blank, match_origin_as_fallback). Everything here
 * runs synchronously, before the first page script. No chrome.* APIs exist in this world.
 */
import { connectPageBridge } from "./bridge/page-bridge";
import { installPtz } from "./ptz/ptz";
import { installMediaMethods } from "./core/media-methods";
import { installEffects } from "./effects/effects";
import { installDefaultSemantics } from "./semantics/default-semantics";
import { installHideLabels } from "./semantics/hide-labels";
import { installUserChooses } from "./semantics/user-chooses";
import { installLiveTracks } from "./tracking/live-tracks";
import { installCaptureElements } from "./tracking/capture-elements";
import { installConfigurationChange } from "./track/configuration-change";
import { installCaptureTime } from "./track/capture-time";
import { installStatsFillIn } from "./track/stats-fill-in";
import { installTransfer } from "./transfer/install";

const bridge = connectPageBridge();
installMediaMethods();
// First: the later interceptors see constraints the browser knows (docs/EFFECTS.md).
installEffects(bridge);
installDefaultSemantics(bridge);
// Before user-chooses: the PTZ gate settles the permission, then hands the call on.
installPtz(bridge);
// After the PTZ gate: it compares what the page may see, and PTZ's own muting counts as muted.
installConfigurationChange();
installUserChooses(bridge);
installHideLabels(bridge);
installLiveTracks(bridge);
// The <usermedia>/<camera>/<microphone> elements' tracks go to the same hooks (lazily).
installCaptureElements();
installStatsFillIn();
installCaptureTime();
// Last: its wrappers sit outside the others (it clones and stops tracks through them).
installTransfer();
