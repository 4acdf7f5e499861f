/**
 * The settings file people export and import on the options page (issue 8). Pure: the worker's
 * half (storage, backup) is settings-transfer.ts; tests in tests/unit/settings-document.test.ts.
 * The file is checked with the store's own schema (settings-schema.ts, remembered.ts) and older
 * versions go through the store's migrations, but unlike the store, which keeps what it can read,
 * an import takes all or nothing.
 */
import { isObject } from "../lib/guards";
import { checkRemembered, type RememberedDevices } from "./remembered";
import {
  joinIssues, migrateAndCheck, pathKey, quoted, SETTINGS_VERSION, type SiteSettings, type SiteSettingsPatch,
  type StoredSettings,
} from "./settings-schema";

export const SETTINGS_FORMAT = "capture-control-settings";
/** Far above any real settings (a site's entry is under 100 bytes); refused before parsing. */
export const MAX_IMPORT_BYTES = 1_000_000;

export interface SettingsDocument {
  format: typeof SETTINGS_FORMAT;
  /** SETTINGS_VERSION of the Capture Control that wrote it. */
  version: number;
  exportedAt: string;
  settings: { defaults: SiteSettings; sites: Record<string, SiteSettingsPatch> };
  /** Absent in a file made by hand: then an import leaves the remembered devices as they are. */
  rememberedDevices?: RememberedDevices;
}

/** What an import would store, and what the page shows before asking to replace. */
export interface ImportedSettings {
  settings: StoredSettings;
  rememberedDevices: RememberedDevices | null;
  summary: ImportSummary;
}

export interface ImportSummary {
  version: number;
  exportedAt: string | null;
  sites: number;
  rememberedDevices: number | null;
}

export function toSettingsDocument(settings: StoredSettings, rememberedDevices: RememberedDevices, now: Date): SettingsDocument {
  return {
    format: SETTINGS_FORMAT,
    version: SETTINGS_VERSION,
    exportedAt: now.toISOString(),
    settings: { defaults: settings.defaults, sites: settings.sites },
    rememberedDevices,
  };
}

export class ImportError extends Error {
  override name = "ImportError";
}

const DOCUMENT_FIELDS = new Set(["format", "version", "exportedAt", "settings", "rememberedDevices"]);

/** Reads an exported file's text; throws an ImportError that names what is wrong. */
export function readSettingsDocument(text: string): ImportedSettings {
  // Counted in UTF-8, as the file is, and before JSON.parse spends time on a huge string.
  if (text.length > MAX_IMPORT_BYTES || new TextEncoder().encode(text).length > MAX_IMPORT_BYTES) {
    throw new ImportError(`the file is larger than ${MAX_IMPORT_BYTES / 1_000_000} MB`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ImportError("the file is not JSON");
  }
  if (!isObject(doc)) throw new ImportError("the file holds no settings object");
  if (doc.format !== SETTINGS_FORMAT) {
    throw new ImportError(`format: expected "${SETTINGS_FORMAT}", found ${quoted(doc.format ?? null)}`);
  }
  const { version } = doc;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    throw new ImportError(`version: invalid value ${quoted(version ?? null)}`);
  }
  if (version > SETTINGS_VERSION) {
    throw new ImportError(`version: the file is from a newer Capture Control (settings version ${version}; this one reads up to ${SETTINGS_VERSION})`);
  }
  const issues: string[] = [];
  for (const key of Object.keys(doc)) {
    if (!DOCUMENT_FIELDS.has(key)) issues.push(`${pathKey(key).replace(/^\./, "")}: unknown field`);
  }
  if (doc.exportedAt !== undefined && typeof doc.exportedAt !== "string") issues.push(`exportedAt: invalid value ${quoted(doc.exportedAt)}`);
  let settings: StoredSettings | null = null;
  if (!isObject(doc.settings)) issues.push("settings: missing");
  // The version belongs to the file, not to the settings inside it.
  else if ("version" in doc.settings) issues.push("settings.version: unknown field");
  else {
    const checked = migrateAndCheck(doc.settings, version);
    issues.push(...checked.issues.map((issue) => `settings${issue.startsWith("[") ? "" : "."}${issue}`));
    settings = checked.settings;
  }
  const remembered = doc.rememberedDevices === undefined ? null : checkRemembered(doc.rememberedDevices);
  if (remembered) issues.push(...remembered.issues);
  if (issues.length || !settings) throw new ImportError(joinIssues(issues, 5));
  return {
    settings,
    rememberedDevices: remembered?.value ?? null,
    summary: {
      version,
      exportedAt: typeof doc.exportedAt === "string" ? doc.exportedAt : null,
      sites: Object.keys(settings.sites).length,
      rememberedDevices: remembered ? Object.keys(remembered.value).length : null,
    },
  };
}
