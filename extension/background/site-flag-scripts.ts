/**
 * Keeps the registered site-flag content scripts (see extension/content/site-flags/flags.ts) in
 * step with the settings. `planFlagScripts` is pure and unit-tested.
 */
import type { StoredSettings } from "./settings-schema";
import { bridgeFile } from "./bridge-file";
import userChoosesFile from "../content/site-flags/user-chooses.iife.ts?script";
import hideLabelsFile from "../content/site-flags/hide-labels.iife.ts?script";
import powerSavingFile from "../content/site-flags/power-saving.iife.ts?script";
import blurBackgroundFile from "../content/site-flags/blur-background.iife.ts?script";
import frameFaceFile from "../content/site-flags/frame-face.iife.ts?script";

export interface FlagScript {
  id: string;
  js: string[];
  matches: string[];
  excludeMatches: string[];
}

/** A match pattern for exactly one origin, or null when Chrome's patterns cannot express it. */
export function originToPattern(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!/^[a-z0-9.-]+$/i.test(url.hostname)) return null; // IPv6 literals and odd hosts
  // The port is explicit: a pattern without one matches every port of the host.
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return `${url.protocol}//${url.hostname}:${port}/*`;
}

const FLAGS: { id: string; file: () => string; isOn: (s: StoredSettings["defaults"]) => boolean;
  field: "semantics" | "hideLabels" | "powerSaving" | "blurBackground" | "frameFace"; }[] = [
  { id: "site-flag-user-chooses", file: () => userChoosesFile, field: "semantics",
    isOn: (s) => s.semantics === "user-chooses" },
  { id: "site-flag-hide-labels", file: () => hideLabelsFile, field: "hideLabels", isOn: (s) => s.hideLabels },
  { id: "site-flag-power-saving", file: () => powerSavingFile, field: "powerSaving", isOn: (s) => s.powerSaving },
  { id: "site-flag-blur-background", file: () => blurBackgroundFile, field: "blurBackground", isOn: (s) => s.blurBackground },
  { id: "site-flag-frame-face", file: () => frameFaceFile, field: "frameFace", isOn: (s) => s.frameFace },
];
export const FLAG_SCRIPT_IDS = FLAGS.map((f) => f.id);

/**
 * The flag scripts for `settings`. Each also carries the bridge's isolated half (`bridge`, the
 * file the manifest names), since frames other than top frames get it only on demand otherwise,
 * and a page must know its settings before its first script runs.
 */
export function planFlagScripts(settings: StoredSettings, files?: Record<string, string>, bridge?: string): FlagScript[] {
  const plan: FlagScript[] = [];
  for (const flag of FLAGS) {
    const onByDefault = flag.isOn(settings.defaults);
    const exceptions: string[] = [];
    for (const [origin, patch] of Object.entries(settings.sites)) {
      if (patch[flag.field] === undefined) continue;
      const on = flag.isOn({ ...settings.defaults, ...patch });
      if (on === onByDefault) continue;
      const pattern = originToPattern(origin);
      if (pattern) exceptions.push(pattern);
    }
    const js = [files?.[flag.id] ?? flag.file()];
    if (bridge) js.push(bridge);
    if (onByDefault) plan.push({ id: flag.id, js, matches: ["<all_urls>"], excludeMatches: exceptions });
    else if (exceptions.length) plan.push({ id: flag.id, js, matches: exceptions, excludeMatches: [] });
  }
  return plan;
}

let applying: Promise<void> = Promise.resolve();

/**
 * Makes the registered scripts among `ids` exactly `scripts` (the flag scripts here, the warm
 * sites' in warm-sites.ts): those still wanted are updated in place, the others unregistered, new
 * ones registered. Chrome sends every such change to every renderer, so an update is one message
 * where removing and adding again were two (measured: each pair landed in a page's first
 * getUserMedia when a capture had just ended), and no document starts between the two without
 * the script.
 */
export async function replaceRegisteredScripts(ids: string[], scripts: chrome.scripting.RegisteredContentScript[]): Promise<void> {
  const existing = new Set((await chrome.scripting.getRegisteredContentScripts({ ids })).map((s) => s.id));
  const wanted = new Set(scripts.map((s) => s.id));
  const gone = [...existing].filter((id) => !wanted.has(id));
  const kept = scripts.filter((s) => existing.has(s.id));
  const added = scripts.filter((s) => !existing.has(s.id));
  if (gone.length) await chrome.scripting.unregisterContentScripts({ ids: gone });
  if (kept.length) {
    try {
      // Every field given, so nothing of the old registration stays (an update keeps what it is
      // not told: exceptions that are gone must be cleared).
      await chrome.scripting.updateContentScripts(kept.map((s) => ({ ...s, excludeMatches: s.excludeMatches ?? [] })));
    } catch {
      await chrome.scripting.unregisterContentScripts({ ids: kept.map((s) => s.id) });
      await chrome.scripting.registerContentScripts(kept);
    }
  }
  if (added.length) await chrome.scripting.registerContentScripts(added);
}

/** Replaces the registered flag scripts by the plan for `settings`. */
export function applyFlagScripts(settings: StoredSettings): Promise<void> {
  const run = async () => {
    const plan = planFlagScripts(settings, undefined, bridgeFile());
    await replaceRegisteredScripts(FLAG_SCRIPT_IDS, plan.map((script) => ({
      id: script.id,
      js: script.js,
      matches: script.matches,
      excludeMatches: script.excludeMatches.length ? script.excludeMatches : undefined,
      runAt: "document_start" as const,
      allFrames: true,
      matchOriginAsFallback: true,
      world: "ISOLATED" as const,
      persistAcrossSessions: true,
    })));
  };
  applying = applying.then(run, run);
  return applying;
}
