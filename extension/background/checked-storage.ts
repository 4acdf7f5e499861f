/**
 * Reading what the extension keeps in chrome.storage when part of it may not be readable (a bug,
 * data from another version, a hand edit). The readable part is used; the original is first copied
 * to `backup:<name>:<time>` in chrome.storage.local and reported in `storageProblems` (the options
 * page and the popup show them), and only then is the repaired value written. Nothing is silently
 * wiped: when the backup cannot be written (storage full), the stored value is left as it is.
 */
import browser from "webextension-polyfill";
import { isObject } from "../lib/guards";
import { serialQueue } from "./serial";
import type { StorageProblem } from "./settings-schema";

export const PROBLEMS_KEY = "storageProblems";
const MAX_PROBLEMS = 20;

export const isStorageProblem = (v: unknown): v is StorageProblem =>
  isObject(v) && Number.isFinite(v.at) && typeof v.backupKey === "string" && typeof v.reason === "string";

/** The problems reported so far (entries that cannot be read are left out, not removed). */
export async function readProblems(): Promise<StorageProblem[]> {
  const stored = (await browser.storage.local.get(PROBLEMS_KEY))[PROBLEMS_KEY];
  return Array.isArray(stored) ? stored.filter(isStorageProblem) : [];
}

const reporting = serialQueue();

/**
 * Keeps `raw` (what was stored under `name`) as a backup and reports `reason`. Resolves true once
 * both are stored, false when they could not be (then the caller must not overwrite `raw`).
 */
export function keepUnreadable(name: string, raw: unknown, reason: string): Promise<boolean> {
  return reporting(async () => {
    const value = raw === undefined ? null : raw;
    try {
      const at = Date.now();
      const backupKey = `backup:${name}:${at}`;
      const changes: Record<string, unknown> = { [backupKey]: value };
      const stored = (await browser.storage.local.get(PROBLEMS_KEY))[PROBLEMS_KEY];
      const problems = Array.isArray(stored) ? stored.filter(isStorageProblem) : [];
      if (stored !== undefined && (!Array.isArray(stored) || problems.length !== stored.length)) {
        // The list of problems itself could not be read: it is kept too.
        const listKey = `backup:${PROBLEMS_KEY}:${at}`;
        changes[listKey] = stored;
        problems.push({ at, backupKey: listKey, reason: "The list of earlier storage problems could not be read." });
      }
      problems.push({ at, backupKey, reason });
      changes[PROBLEMS_KEY] = problems.slice(-MAX_PROBLEMS);
      await browser.storage.local.set(changes);
      return true;
    } catch (error) {
      console.warn(`Capture Control: could not keep a backup of unreadable ${name}`, error);
      return false;
    }
  });
}

/** Takes a problem off the list once the user read it (its backup stays, for "Download copy"). */
export function dismissProblem(backupKey: string): Promise<StorageProblem[]> {
  return reporting(async () => {
    const problems = (await readProblems()).filter((p) => p.backupKey !== backupKey);
    await browser.storage.local.set({ [PROBLEMS_KEY]: problems });
    return problems;
  });
}

/** What a backup holds (only `backup:` keys can be read this way). */
export async function readBackup(backupKey: string): Promise<unknown> {
  if (!backupKey.startsWith("backup:")) throw new TypeError("not a backup");
  return (await browser.storage.local.get(backupKey))[backupKey] ?? null;
}

/** Removes every backup of `name` (e.g. the history's, when the user clears the history), and the
 * problems that point to them. */
export function removeBackups(name: string): Promise<void> {
  return reporting(async () => {
    const prefix = `backup:${name}:`;
    const keys = await keysStartingWith(prefix);
    if (keys.length) await browser.storage.local.remove(keys);
    const problems = await readProblems();
    const left = problems.filter((p) => !p.backupKey.startsWith(prefix));
    if (left.length !== problems.length) await browser.storage.local.set({ [PROBLEMS_KEY]: left });
  });
}

/** The keys in chrome.storage.local that start with `prefix`. */
async function keysStartingWith(prefix: string): Promise<string[]> {
  const area = browser.storage.local as typeof browser.storage.local & { getKeys?: () => Promise<string[]> };
  // getKeys (Chromium 130+) spares reading the whole history just to list the keys.
  const keys = area.getKeys ? await area.getKeys() : Object.keys(await area.get(null));
  return keys.filter((key) => key.startsWith(prefix));
}

const BACKUPS_KEPT = 3;

async function removeOlderBackups(prefix: string): Promise<void> {
  const older = (await keysStartingWith(prefix))
    .sort((a, b) => Number(b.slice(prefix.length)) - Number(a.slice(prefix.length))).slice(BACKUPS_KEPT);
  if (older.length) await browser.storage.local.remove(older);
}

/**
 * Keeps `value` under `backup:<name>:<time>` (the same keys as keepUnreadable, but no problem is
 * reported: nothing was wrong) in the same storage call as `changes`, so the two are written
 * together or not at all. Only the newest few backups of `name` are kept.
 */
export function writeWithBackup(name: string, value: unknown, changes: Record<string, unknown>): Promise<string> {
  return reporting(async () => {
    const backupKey = `backup:${name}:${Date.now()}`;
    await browser.storage.local.set({ ...changes, [backupKey]: value === undefined ? null : value });
    // Pruning is tidying up: the new value and its backup are already stored when it fails.
    await removeOlderBackups(`backup:${name}:`).catch((error) => console.warn("Capture Control: could not remove old backups", error));
    return backupKey;
  });
}

/** What a parser makes of a stored value: the usable part, and what was wrong (null: nothing). */
export interface Parsed<T> {
  value: T;
  problem: string | null;
}

/** One queue per key: two reads that race cannot both find the same bad value and keep it twice. */
const checking = new Map<string, ReturnType<typeof serialQueue>>();

/** Reads `key` from `area`; when `parse` finds a problem, keeps the original (keepUnreadable)
 * and writes the usable part in its place. */
export function readChecked<T>(
  area: "local" | "session", key: string, parse: (raw: unknown) => Parsed<T>, name = key,
): Promise<T> {
  let queue = checking.get(key);
  if (!queue) checking.set(key, queue = serialQueue());
  return queue(async () => {
    const storage = browser.storage[area];
    const raw = (await storage.get(key))[key];
    const { value, problem } = parse(raw);
    if (problem && await keepUnreadable(name, raw, problem)) await storage.set({ [key]: value });
    return value;
  });
}

/** Parses an object of entries keyed by id, keeping the entries `isEntry` accepts. */
export function parseEntries<T>(raw: unknown, isEntry: (key: string, value: unknown) => value is T, what: string): Parsed<Record<string, T>> {
  const value: Record<string, T> = {};
  if (raw === undefined) return { value, problem: null };
  if (!isObject(raw)) return { value, problem: `The ${what} could not be read.` };
  let dropped = 0;
  for (const [key, entry] of Object.entries(raw)) {
    if (isEntry(key, entry)) value[key] = entry;
    else dropped++;
  }
  return { value, problem: dropped ? `${dropped} of the ${what} could not be read.` : null };
}

export const isInt = (v: unknown): v is number => Number.isInteger(v);
export const isOptionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === "string";
export const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";
