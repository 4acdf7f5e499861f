/**
 * One prompt per request: a getUserMedia that asks for pan/tilt/zoom on a site where PTZ is
 * "ask" and whose devices the user chooses (user-chooses) gets one window, the device picker,
 * which also asks about PTZ. The PTZ gate (ptz.ts) leaves such a call to the picker flow
 * (user-chooses.ts) with PTZ taken out of the constraints, and a question keyed by the
 * constraints object it passes on; the picker flow asks, fills in `answer`, and uses the page's
 * own constraints (`original`) only when the answer is "allow".
 */
import type { PtzPolicy } from "../bridge/protocol";
import { WeakMapCtor } from "../lib/natives";

export interface PtzQuestion {
  /** The browser's own PTZ permission state, for the wording ("the browser asks next"). */
  browser: string;
  /** The page's constraints, PTZ included. */
  original: unknown;
  answer?: PtzPolicy;
}

export const ptzQuestions = new WeakMapCtor<object, PtzQuestion>();
