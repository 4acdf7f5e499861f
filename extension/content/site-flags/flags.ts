/**
 * Site flags: what the main world must know synchronously at document_start (before the first page
 * script) about the current site. The service worker registers one tiny isolated-world content
 * script per flag, matched to exactly the origins where the flag is on (chrome.scripting
 * .registerContentScripts); each sets its bit in a global of the extension's isolated world, which
 * the page cannot see. This costs no message at page load.
 */
export const SITE_FLAGS_GLOBAL = "captureControlSiteFlags";
export const FLAG_USER_CHOOSES = 1;
export const FLAG_HIDE_LABELS = 2;
export const FLAG_POWER_SAVING = 4;
export const FLAG_BLUR_BACKGROUND = 8;
export const FLAG_FRAME_FACE = 16;
/** The warm flag (extension/background/warm-sites.ts) calls this hook of the isolated half, which
 * runs before it (the manifest's scripts come before registered ones). */
export const WARM_HOOK = "captureControlWarm";
/** The isolated half's handshake, for the service worker to call after it injected a new half
 * into open pages (the extension was reloaded or updated: the main world must hear of it now). */
export const CONNECT_HOOK = "captureControlConnect";

export function setSiteFlag(bit: number): void {
  const scope = globalThis as unknown as Record<string, number | undefined>;
  scope[SITE_FLAGS_GLOBAL] = (scope[SITE_FLAGS_GLOBAL] ?? 0) | bit;
}

export function readSiteFlags(): number {
  return (globalThis as unknown as Record<string, number | undefined>)[SITE_FLAGS_GLOBAL] ?? 0;
}
