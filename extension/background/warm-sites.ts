/**
 * Warm sites: the sites the user captured on lately (the tracking history's top-level captures,
 * the MAX_WARM_SITES most recent). Their top frames get a registered isolated-world script at
 * document_start (extension/content/site-flags/warm.iife.ts) that has the frame load the pack at
 * once, so that a returning site's first getUserMedia does not wait for it. Every other frame
 * loads the pack on demand. Derived from the history: clearing it (or its retention) clears them.
 */
import warmFile from "../content/site-flags/warm.iife.ts?script";
import type { HistoryEntry } from "./tracking-history";
import { originToPattern, replaceRegisteredScripts } from "./site-flag-scripts";

export const WARM_SCRIPT_ID = "site-warm";
export const MAX_WARM_SITES = 20;

/** The match patterns of the sites captured on in a top frame, most recent first, at most `max`. */
export function warmPatterns(entries: readonly HistoryEntry[], max = MAX_WARM_SITES): string[] {
  // Each site's latest end in one pass, then only the sites sorted (a history of up to 10,000
  // entries has few sites; this runs after every history write).
  const latest = new Map<string, number>();
  for (const e of entries) {
    if (e.topOrigin === null && e.end > (latest.get(e.origin) ?? -Infinity)) latest.set(e.origin, e.end);
  }
  const out: string[] = [];
  for (const [origin] of [...latest].sort((a, b) => b[1] - a[1])) {
    const pattern = originToPattern(origin);
    if (pattern) out.push(pattern);
    if (out.length >= max) break;
  }
  return out;
}

/** What this worker registered last (sorted patterns), to skip an unchanged registration. */
let registered: string | undefined;
let applying: Promise<void> = Promise.resolve();

/** Brings the registration in line with the history's entries (`force`: also when this worker
 * registered the same, e.g. after an update, when the script's file may have moved). */
export function syncWarmSites(entries: readonly HistoryEntry[], force = false): Promise<void> {
  const patterns = warmPatterns(entries);
  const key = [...patterns].sort().join(" ");
  const run = async () => {
    if (!force && key === registered) return;
    await replaceRegisteredScripts([WARM_SCRIPT_ID], patterns.length ? [{
      id: WARM_SCRIPT_ID, js: [warmFile], matches: patterns, runAt: "document_start", allFrames: false,
      world: "ISOLATED", persistAcrossSessions: true,
    }] : []);
    registered = key;
  };
  applying = applying.then(run, run).catch((error: unknown) => {
    registered = undefined;
    console.warn("Capture Control: the warm sites could not be registered", error);
  });
  return applying;
}
