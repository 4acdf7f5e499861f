/**
 * Devices the user told the picker to remember for a site ("Remember for this site"): one label
 * per kind, in chrome.storage.local under REMEMBERED_KEY. The picker pre-selects them. Entries that
 * cannot be read are dropped from the working copy but the original is kept as a backup and
 * reported first.
 */
import browser from "webextension-polyfill";
import { readChecked } from "./checked-storage";
import { serialQueue } from "./serial";
import type { CaptureKind } from "../lib/picker";
import { isObject } from "../lib/guards";
import { normalizeOrigin, pathKey, quoted } from "./settings-schema";

export const REMEMBERED_KEY = "rememberedDevices";
export type RememberedDevices = Record<string, { video?: string; audio?: string }>;

const isLabel = (v: unknown): v is string => typeof v === "string" && v.length <= 512;

/** Keeps the valid part of a stored value; `issues` names each part left out (an import refuses
 * any, storage drops them). */
export function checkRemembered(raw: unknown, path = "rememberedDevices"): { value: RememberedDevices; issues: string[] } {
  const value: RememberedDevices = {};
  const issues: string[] = [];
  if (raw === undefined) return { value, issues };
  if (!isObject(raw)) return { value, issues: [`${path}: not an object`] };
  for (const [key, entry] of Object.entries(raw)) {
    const origin = normalizeOrigin(key);
    const at = `${path}${pathKey(key)}`;
    if (!origin) { issues.push(`${at}: not an http(s) origin`); continue; }
    if (!isObject(entry)) { issues.push(`${at}: not an object`); continue; }
    const out: { video?: string; audio?: string } = {};
    for (const [kind, label] of Object.entries(entry)) {
      if (kind !== "video" && kind !== "audio") issues.push(`${at}${pathKey(kind)}: unknown kind of device`);
      else if (isLabel(label)) out[kind] = label;
      else issues.push(`${at}.${kind}: invalid device name ${quoted(label)}`);
    }
    if (out.video !== undefined || out.audio !== undefined) value[origin] = out;
  }
  return { value, issues };
}

/** Keeps the valid part of a stored value; `dropped` tells whether anything was left out. */
export function parseRemembered(raw: unknown): { value: RememberedDevices; dropped: boolean } {
  const { value, issues } = checkRemembered(raw);
  return { value, dropped: issues.length > 0 };
}

const serialized = serialQueue();

/** What is stored; what cannot be read is backed up and reported first (checked-storage.ts). */
const read = (): Promise<RememberedDevices> => readChecked("local", REMEMBERED_KEY, (raw) => {
  const { value, dropped } = parseRemembered(raw);
  return { value, problem: dropped ? "Some devices remembered for sites could not be read." : null };
});

export const listRemembered = (): Promise<RememberedDevices> => serialized(read);

/** Runs `task` with no other change to the remembered devices in between (an import replaces them). */
export const whileRememberedHeld = <T>(task: () => Promise<T>): Promise<T> => serialized(task);

export async function rememberedFor(origin: string): Promise<{ video?: string; audio?: string }> {
  return (await listRemembered())[origin] ?? {};
}

export function rememberDevice(origin: string, kind: CaptureKind, label: string): Promise<void> {
  // What parseRemembered would drop on the next read is refused now instead.
  if (normalizeOrigin(origin) !== origin || (kind !== "video" && kind !== "audio") || !isLabel(label)) {
    return Promise.reject(new TypeError("cannot remember this device for this site"));
  }
  return serialized(async () => {
    const all = await read();
    all[origin] = { ...all[origin], [kind]: label };
    await browser.storage.local.set({ [REMEMBERED_KEY]: all });
  });
}

/** Forgets one kind, or everything remembered for the site when `kind` is omitted. */
export function forgetDevice(origin: string, kind?: CaptureKind): Promise<void> {
  return serialized(async () => {
    const all = await read();
    if (!all[origin]) return;
    if (kind) {
      const rest = { ...all[origin] };
      delete rest[kind];
      if (rest.video === undefined && rest.audio === undefined) delete all[origin];
      else all[origin] = rest;
    } else {
      delete all[origin];
    }
    await browser.storage.local.set({ [REMEMBERED_KEY]: all });
  });
}
