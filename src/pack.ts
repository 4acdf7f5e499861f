/**
 * The pack's entry: the features' implementations, which the main-world script (src/main-world.iife.ts)
 * loads into a frame the first time it needs them (src/core/pack.ts). The build turns this into one
 * function with no free variables (dist/pack.js); `kit` is what the main world hands it. The
 * modules it shares with the main-world script (src/core/kit-modules.ts) are the main world's own
 * instances, not copies.
 */
import type { PageBridge } from "./bridge/page-bridge";
import { trackContinues } from "./effects/face";
import { installEffects } from "./effects/effects";
import { installPtz } from "./ptz/ptz";
import { installConfigurationChange } from "./track/configuration-change";
import { installCaptureTime } from "./track/capture-time";
import { installStatsFillIn } from "./track/stats-fill-in";
import { installLiveTracks } from "./tracking/live-tracks";
import { installCaptureElements } from "./tracking/capture-elements";
import { installUserChooses } from "./semantics/user-chooses";
import { installConstraintReading, installConstraintSealing } from "./semantics/read-constraints";
import { transferHooks } from "./transfer/install";
import { mediaRealm } from "./transfer/realm";
import { apply, functionToString } from "./lib/natives";

declare const __kit: { bridge: PageBridge; start?: () => void };

const bridge = __kit.bridge;
// Called once the modules above have started (with the native functions in place, src/core/pack.ts).
__kit.start = () => {
  // In the order the main world used to install them: interceptors run in this order.
  // The very first: every later one, and the browser, get the constraints read once.
  installConstraintReading();
  // First: the later interceptors see constraints the browser knows (docs/EFFECTS.md).
  installEffects(bridge);
  // Before user-chooses: the PTZ gate settles the permission, then hands the call on.
  installPtz(bridge);
  // After the PTZ gate: it compares what the page may see, and PTZ's own muting counts as muted.
  installConfigurationChange();
  installUserChooses(bridge);
  installLiveTracks(bridge);
  // The <usermedia>/<camera>/<microphone> elements' tracks go to the same hooks.
  installCaptureElements();
  installStatsFillIn();
  installCaptureTime();
  // The last interceptor: what the features made of the constraints, in a form safe to hand over.
  installConstraintSealing();
  transferHooks.moved = trackContinues;
  transferHooks.realm = mediaRealm;
  transferHooks.realmText = () => apply(functionToString, mediaRealm, []) as string;
};
