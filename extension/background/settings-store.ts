/**
 * The settings store in chrome.storage.local. Every read goes to storage (the service worker may
 * have been restarted since the last one); writes are serialized. Whatever cannot be understood
 * is copied to a backup key and reported before anything is rewritten.
 */
import browser from "webextension-polyfill";
import { serialQueue } from "./serial";
import {
  effectiveSettings, loadSettings, patchSite, resetSite, type SiteSettings, type SiteSettingsPatch,
  type StorageProblem, type StoredSettings,
} from "./settings-schema";

export const SETTINGS_KEY = "settings";
export const PROBLEMS_KEY = "storageProblems";
const BACKUP_PREFIX = "backup:settings:";
const MAX_PROBLEMS = 20;

const serialized = serialQueue();

async function readAndRepair(): Promise<StoredSettings> {
  const stored = await browser.storage.local.get(SETTINGS_KEY);
  const raw = stored[SETTINGS_KEY];
  const result = loadSettings(raw);
  if (result.problem) {
    const at = Date.now();
    const backupKey = BACKUP_PREFIX + at;
    // The original is kept before anything is rewritten.
    await browser.storage.local.set({ [backupKey]: raw === undefined ? null : raw });
    const problems = await getProblems();
    problems.push({ at, backupKey, reason: result.problem });
    await browser.storage.local.set({ [PROBLEMS_KEY]: problems.slice(-MAX_PROBLEMS) });
  }
  if (result.changed) await browser.storage.local.set({ [SETTINGS_KEY]: result.settings });
  return result.settings;
}

export function getSettings(): Promise<StoredSettings> {
  return serialized(readAndRepair);
}

export async function getProblems(): Promise<StorageProblem[]> {
  const stored = await browser.storage.local.get(PROBLEMS_KEY);
  const list = stored[PROBLEMS_KEY];
  return Array.isArray(list) ? (list as StorageProblem[]) : [];
}

export async function getSiteSettings(origin: string | null): Promise<SiteSettings> {
  return effectiveSettings(await getSettings(), origin);
}

function update(change: (settings: StoredSettings) => StoredSettings): Promise<StoredSettings> {
  return serialized(async () => {
    const next = change(await readAndRepair());
    await browser.storage.local.set({ [SETTINGS_KEY]: next });
    return next;
  });
}

export const setSiteSettings = (origin: string, patch: SiteSettingsPatch) =>
  update((s) => patchSite(s, origin, patch));
export const clearSiteSettings = (origin: string) => update((s) => resetSite(s, origin));
export const setDefaults = (patch: SiteSettingsPatch) =>
  update((s) => ({ ...s, defaults: { ...s.defaults, ...patch } }));
