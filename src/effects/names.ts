/** The effects' constraint names (stateless: the pack has its own copy, src/core/pack.ts). */
export const POWER = "powerEfficient";
export const FACE = "humanFaceDetectionMode";
export const FRAMING = "faceFraming";
export const BLUR = "backgroundBlur";
/** In code-unit order. Those the browser supports natively are left to it. */
export const NAMES = [BLUR, "eyeGazeCorrection", FRAMING, "gestureReactions", FACE, POWER];
