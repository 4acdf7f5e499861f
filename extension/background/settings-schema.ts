/**
 * The settings schema, its validation and migrations. Pure functions (unit-tested in
 * tests/unit/settings-schema.test.ts); storage lives in settings-store.ts.
 */
import type { Semantics, SiteConfig } from "../../src/bridge/protocol";
import { isObject, type Loose } from "../lib/guards";

export const SETTINGS_VERSION = 3;

export type PtzPolicy = "ask" | "allow" | "block";

/** What the user can set globally and override per site. */
export interface SiteSettings {
  /** "Let me choose devices": `defaultSemantics` for the site. */
  semantics: Semantics;
  /** "Hide device names from sites". */
  hideLabels: boolean;
  /** Pan/tilt/zoom permission kept by the extension. */
  ptz: PtzPolicy;
  /** "Save camera power": the site's camera captures ask for `powerEfficient` as if the page had
   * (an effect the user forces, src/effects/effects.ts). */
  powerSaving: boolean;
  /** "Blur my background": the site's new camera captures ask for `backgroundBlur` as if the
   * page had (src/effects/effects.ts). */
  blurBackground: boolean;
  /** "Keep me in frame": the site's new camera captures ask for `faceFraming` as if the page had. */
  frameFace: boolean;
}
export type SiteSettingsPatch = Partial<SiteSettings>;

export interface StoredSettings {
  version: typeof SETTINGS_VERSION;
  defaults: SiteSettings;
  /** Keyed by serialized origin ("https://example.com", "http://localhost:8080"). */
  sites: Record<string, SiteSettingsPatch>;
}

export interface StorageProblem {
  /** When it was found (ms since epoch). */
  at: number;
  /** Storage key under which the original data was kept. */
  backupKey: string;
  /** What was wrong, in words for the options page. */
  reason: string;
}

export const FACTORY_DEFAULTS: SiteSettings = Object.freeze({
  semantics: "browser-chooses",
  hideLabels: false,
  ptz: "ask",
  powerSaving: false,
  blurBackground: false,
  frameFace: false,
}) as SiteSettings;

export function emptySettings(): StoredSettings {
  return { version: SETTINGS_VERSION, defaults: { ...FACTORY_DEFAULTS }, sites: {} };
}


const FIELD_CHECKS: { [K in keyof SiteSettings]: (v: unknown) => v is SiteSettings[K] } = {
  semantics: (v): v is Semantics => v === "browser-chooses" || v === "user-chooses",
  hideLabels: (v): v is boolean => typeof v === "boolean",
  ptz: (v): v is PtzPolicy => v === "ask" || v === "allow" || v === "block",
  powerSaving: (v): v is boolean => typeof v === "boolean",
  blurBackground: (v): v is boolean => typeof v === "boolean",
  frameFace: (v): v is boolean => typeof v === "boolean",
};

/** Validates a patch coming from the UI or an import; returns an error text or null. */
export function checkPatch(patch: unknown): string | null {
  if (!isObject(patch)) return "settings must be an object";
  for (const key of Object.keys(patch)) {
    if (!Object.hasOwn(FIELD_CHECKS, key)) return `unknown setting "${key}"`;
    if (!FIELD_CHECKS[key as keyof SiteSettings](patch[key])) return `invalid value for "${key}"`;
  }
  return null;
}

/** Canonical origin of an http(s) site, or null for anything else. */
export function normalizeOrigin(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 2048) return null;
  try {
    const url = new URL(input);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch {
    return null;
  }
}

export interface LoadResult {
  settings: StoredSettings;
  /** True when the stored value must be rewritten (migrated or repaired). */
  changed: boolean;
  /** Set when part or all of the stored value could not be used; the original must be backed up. */
  problem: string | null;
}

/** A value as an issue quotes it: short, so that a huge bad value cannot flood a message. */
export function quoted(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `.name` for a plain key, `["key"]` for anything else (origins, odd names). */
export const pathKey = (key: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${quoted(key.slice(0, 200))}]`;

/** Issues joined for one message; a flood of them is cut short. */
export function joinIssues(issues: string[], max = 10): string {
  const shown = issues.slice(0, max).join("; ");
  return issues.length > max ? `${shown}; and ${issues.length - max} more` : shown;
}

/**
 * Turns whatever is in storage into valid current settings. Valid data passes unchanged; older
 * versions are migrated; invalid entries are dropped and reported (the caller keeps the original
 * as a backup first). Data from a newer version is not understood: defaults are used and the
 * original is reported, so a downgrade loses nothing.
 */
export function loadSettings(raw: unknown): LoadResult {
  if (raw === undefined) return { settings: emptySettings(), changed: true, problem: null };
  if (!isObject(raw)) {
    return { settings: emptySettings(), changed: true, problem: "stored settings were not an object" };
  }
  const version = raw.version === undefined ? 0 : raw.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    return { settings: emptySettings(), changed: true, problem: "stored settings had no valid version" };
  }
  if (version > SETTINGS_VERSION) {
    return {
      settings: emptySettings(), changed: true,
      problem: `stored settings are from a newer version (${version}) of Capture Control`,
    };
  }
  const { settings, migrated, issues } = migrateAndCheck(raw, version);
  return { settings, changed: migrated || issues.length > 0, problem: issues.length ? joinIssues(issues) : null };
}

export interface CheckResult {
  /** The valid part, in the current version. */
  settings: StoredSettings;
  migrated: boolean;
  /** What was left out, one entry per place (`sites["https://a.example"].ptz: invalid value "x"`). */
  issues: string[];
}

/**
 * Brings settings data of `version` (0 ... SETTINGS_VERSION) to the current version and checks
 * every field. The store repairs with it (keeps the valid part); an import refuses any issue.
 */
export function migrateAndCheck(raw: Loose, version: number): CheckResult {
  let data: Loose = raw;
  for (let v = version; v < SETTINGS_VERSION; v++) data = MIGRATIONS[v](data);
  return { ...check(data), migrated: version < SETTINGS_VERSION };
}

/** MIGRATIONS[n] turns version n into version n + 1. */
const MIGRATIONS: ((data: Loose) => Loose)[] = [
  // 0 → 1: the pre-release layout kept the global defaults at the top level and per-site
  // settings under "perSite"; "userChooses" was a boolean.
  (data) => {
    const fromLegacy = (entry: unknown): Loose => {
      if (!isObject(entry)) return {};
      const out: Loose = { ...entry };
      if ("userChooses" in out) {
        out.semantics = out.userChooses === true ? "user-chooses" : "browser-chooses";
        delete out.userChooses;
      }
      return out;
    };
    // (An explicit version 0 sits at the top level too; it is not a setting.)
    const { perSite, sites, defaults, version: _version, ...topLevel } = data;
    return {
      version: 1,
      defaults: fromLegacy(defaults ?? topLevel),
      sites: Object.fromEntries(Object.entries(isObject(sites ?? perSite) ? (sites ?? perSite) as Loose : {})
        .map(([origin, entry]) => [origin, fromLegacy(entry)])),
    };
  },
  // 1 → 2: "Save camera power" (powerSaving) is new, off unless the user turns it on.
  (data) => ({ ...data, version: 2, defaults: isObject(data.defaults) ? { powerSaving: false, ...data.defaults } : data.defaults }),
  // 2 → 3: "Blur my background" (blurBackground) and "Keep me in frame" (frameFace) are new, off
  // unless the user turns them on.
  (data) => ({
    ...data, version: 3,
    defaults: isObject(data.defaults) ? { blurBackground: false, frameFace: false, ...data.defaults } : data.defaults,
  }),
];

/** Keeps the fields of `entry` that are known and valid; reports the others under `path`. */
function checkFields(entry: Loose, path: string, issues: string[]): Loose {
  const out: Loose = {};
  for (const key of Object.keys(entry)) {
    const value = entry[key];
    if (!Object.hasOwn(FIELD_CHECKS, key)) issues.push(`${path}${pathKey(key)}: unknown setting`);
    else if (FIELD_CHECKS[key as keyof SiteSettings](value)) out[key] = value;
    else issues.push(`${path}${pathKey(key)}: invalid value ${quoted(value)}`);
  }
  return out;
}

function check(data: Loose): Omit<CheckResult, "migrated"> {
  const issues: string[] = [];
  if (!isObject(data.defaults)) issues.push("defaults: missing");
  const defaults = { ...FACTORY_DEFAULTS, ...checkFields(isObject(data.defaults) ? data.defaults : {}, "defaults", issues) };
  if (!isObject(data.sites)) issues.push("sites: missing");
  const sites: Record<string, SiteSettingsPatch> = {};
  for (const [key, entry] of Object.entries(isObject(data.sites) ? data.sites : {})) {
    const origin = normalizeOrigin(key);
    const path = `sites${pathKey(key)}`;
    if (!origin) issues.push(`${path}: not an http(s) origin`);
    else if (!isObject(entry)) issues.push(`${path}: not an object`);
    else {
      const patch = checkFields(entry, path, issues);
      if (Object.keys(patch).length) sites[origin] = patch as SiteSettingsPatch;
    }
  }
  for (const key of Object.keys(data)) {
    if (key !== "version" && key !== "defaults" && key !== "sites") issues.push(`${pathKey(key).replace(/^\./, "")}: unknown field`);
  }
  return { settings: { version: SETTINGS_VERSION, defaults, sites }, issues };
}

/** The settings in force for one origin. */
export function effectiveSettings(settings: StoredSettings, origin: string | null): SiteSettings {
  const site = origin ? settings.sites[origin] : undefined;
  return { ...settings.defaults, ...site };
}

export function siteConfigOf(settings: SiteSettings): SiteConfig {
  return {
    semantics: settings.semantics, hideLabels: settings.hideLabels, ptz: settings.ptz, powerSaving: settings.powerSaving,
    blurBackground: settings.blurBackground, frameFace: settings.frameFace,
  };
}

/** Applies a patch to one site. Values equal to the default are kept: a choice the user made
 * for a site stays when the default changes later ("Reset" removes it). */
export function patchSite(settings: StoredSettings, origin: string, patch: SiteSettingsPatch): StoredSettings {
  return { ...settings, sites: { ...settings.sites, [origin]: { ...settings.sites[origin], ...patch } } };
}

export function resetSite(settings: StoredSettings, origin: string): StoredSettings {
  const sites = { ...settings.sites };
  delete sites[origin];
  return { ...settings, sites };
}
