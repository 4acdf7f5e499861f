/**
 * The settings store in chrome.storage.local. Every read goes to storage (the service worker may
 * have been restarted since the last one); writes are serialized. Whatever cannot be understood
 * is copied to a backup key and reported before anything is rewritten.
 */
import browser from "webextension-polyfill";
import { keepUnreadable, PROBLEMS_KEY, readProblems } from "./checked-storage";
import { serialQueue } from "./serial";
import {
  effectiveSettings, loadSettings, normalizeOrigin, patchSite, resetSite, type SiteSettings, type SiteSettingsPatch,
  type StorageProblem, type StoredSettings,
} from "./settings-schema";

export const SETTINGS_KEY = "settings";
export { PROBLEMS_KEY };

const serialized = serialQueue();

async function readAndRepair(): Promise<StoredSettings> {
  const stored = await browser.storage.local.get(SETTINGS_KEY);
  const raw = stored[SETTINGS_KEY];
  const result = loadSettings(raw);
  // The original is kept (backup:settings:<time>) and reported before anything is rewritten; when
  // it cannot be kept (storage full), it stays in place and the repaired settings are used.
  const kept = !result.problem || await keepUnreadable(SETTINGS_KEY, raw, result.problem);
  if (result.changed && kept) await browser.storage.local.set({ [SETTINGS_KEY]: result.settings });
  return result.settings;
}

export function getSettings(): Promise<StoredSettings> {
  return serialized(readAndRepair);
}

/** Runs `task` with no other settings change in between (an import reads, backs up and replaces). */
export const whileSettingsHeld = <T>(task: () => Promise<T>): Promise<T> => serialized(task);

export const getProblems = (): Promise<StorageProblem[]> => readProblems();

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

/** (Only for an http(s) origin as normalizeOrigin writes it: anything else would be stored, then
 * refused as unreadable at the next read, with a backup and a problem each time.) */
export const setSiteSettings = (origin: string, patch: SiteSettingsPatch) =>
  normalizeOrigin(origin) === origin ? update((s) => patchSite(s, origin, patch))
    : Promise.reject(new TypeError(`not an http(s) origin: ${origin}`));
export const clearSiteSettings = (origin: string) => update((s) => resetSite(s, origin));
export const setDefaults = (patch: SiteSettingsPatch) =>
  update((s) => ({ ...s, defaults: { ...s.defaults, ...patch } }));
