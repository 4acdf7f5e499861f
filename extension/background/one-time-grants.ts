/**
 * One-time grants: when the user allows a device in the picker for a site that has no browser
 * permission yet, and does not ask us to remember it, the service worker sets the site's camera or
 * microphone permission to "allow" and records what it was before. The record is undone once no
 * tab shows the site any more, never earlier: setting a site back to "ask" ends the tracks it has
 * open (measured in Chromium 156). Pure functions, unit-tested in tests/unit/one-time-grants.test.ts;
 * permissions.ts does the storage and chrome.contentSettings side.
 */
import type { CaptureKind, PermissionSetting } from "../lib/picker";
import { normalizeOrigin } from "./settings-schema";

export const ONE_TIME_GRANTS_KEY = "oneTimeGrants";

export interface OneTimeGrant {
  /** Serialized http(s) origin, as normalizeOrigin returns it. */
  origin: string;
  kind: CaptureKind;
  /** The setting to restore. */
  previous: PermissionSetting;
}

export const isCaptureKind = (v: unknown): v is CaptureKind => v === "video" || v === "audio";
export const isPermissionSetting = (v: unknown): v is PermissionSetting =>
  v === "allow" || v === "ask" || v === "block";

/** What chrome.contentSettings reports, in our three words: "session_only" and anything unknown
 * behave like "ask" for camera and microphone. */
export function asPermissionSetting(v: unknown): PermissionSetting {
  return isPermissionSetting(v) ? v : "ask";
}

const sameGrant = (a: { origin: string; kind: CaptureKind }, b: { origin: string; kind: CaptureKind }) =>
  a.origin === b.origin && a.kind === b.kind;

/** A well-formed record (parseOneTimeGrants may still leave it out as redundant). */
export function isGrantRecord(v: unknown): v is OneTimeGrant {
  if (typeof v !== "object" || v === null) return false;
  const { origin, kind, previous } = v as Record<string, unknown>;
  return normalizeOrigin(origin) === origin && isCaptureKind(kind) && isPermissionSetting(previous);
}

/** The valid records of a stored value, at most one per origin and kind (the first wins: it holds
 * the setting from before any grant). */
export function parseOneTimeGrants(raw: unknown): OneTimeGrant[] {
  if (!Array.isArray(raw)) return [];
  const out: OneTimeGrant[] = [];
  for (const entry of raw) {
    if (typeof entry !== "object" || entry === null) continue;
    const { origin, kind, previous } = entry as Record<string, unknown>;
    const normalized = normalizeOrigin(origin);
    if (!normalized || normalized !== origin || !isCaptureKind(kind) || !isPermissionSetting(previous)) continue;
    // A record that would restore "allow" would undo nothing.
    if (previous === "allow") continue;
    const record = { origin: normalized, kind, previous };
    if (!out.some((r) => sameGrant(r, record))) out.push(record);
  }
  return out;
}

/** Adds records; for an origin and kind that already has one, the older record is kept, since a
 * second one-time grant on top of the first must still restore the setting from before both. */
export function addGrants(records: readonly OneTimeGrant[], added: readonly OneTimeGrant[]): OneTimeGrant[] {
  const out = [...records];
  for (const record of added) {
    if (record.previous !== "allow" && !out.some((r) => sameGrant(r, record))) out.push(record);
  }
  return out;
}

/** Drops the records of an origin for the given kinds: used when the user sets the permission
 * themselves or makes the grant permanent, so it must not be undone later. */
export function dropGrants(records: readonly OneTimeGrant[], origin: string, kinds: readonly CaptureKind[]): OneTimeGrant[] {
  return records.filter((r) => !(r.origin === origin && kinds.includes(r.kind)));
}

/** Origins shown by tabs, from their committed and pending URLs (a tab that is loading a page of
 * the site counts: the grant is about to be used). */
export function originsOfTabs(tabs: readonly { url?: string; pendingUrl?: string }[]): Set<string> {
  const origins = new Set<string>();
  for (const tab of tabs) {
    for (const url of [tab.url, tab.pendingUrl]) {
      const origin = normalizeOrigin(url);
      if (origin) origins.add(origin);
    }
  }
  return origins;
}

/** Which records to undo now: those whose site no tab shows. `openOrigins` null means the browser
 * has just started, when every leftover record is undone. */
export function planReverts(records: readonly OneTimeGrant[], openOrigins: ReadonlySet<string> | null) {
  const revert: OneTimeGrant[] = [];
  const keep: OneTimeGrant[] = [];
  for (const record of records) (openOrigins?.has(record.origin) ? keep : revert).push(record);
  return { revert, keep };
}
