/**
 * What the build (vite.config.ts, scripts/build-pack.mjs) and the main-world script agree on about
 * the pack: the window property its file assigns to, and the placeholders the build fills in in the
 * main-world script once the pack is built (the start of its text, which names its build, and the
 * globals it reads).
 */
export const PACK_PROPERTY = "\u2060capture-control:pack";
export const PACK_FILE = "pack.js";
export const HEAD_PLACEHOLDER = "__CAPTURE_CONTROL_PACK_HEAD__";
export const EARLY_PLACEHOLDER = "__CAPTURE_CONTROL_PACK_EARLY__";
export const LATE_PLACEHOLDER = "__CAPTURE_CONTROL_PACK_LATE__";
