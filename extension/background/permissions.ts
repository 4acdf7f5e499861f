/**
 * The browser's own camera and microphone permission of each site (chrome.contentSettings), the
 * one-time grants the picker makes, and the UI calls that show and change these together with the
 * devices remembered for a site.
 *
 * Try by hand: open a site, then the popup: the Camera and Microphone selects change what the
 * site's navigator.permissions.query() says at once.
 */
import browser from "webextension-polyfill";
import { readChecked } from "./checked-storage";
import { serialQueue } from "./serial";
import type { CaptureKind, PermissionSetting } from "../lib/picker";
import type { SitePermissions } from "../lib/messages";
import { MessageError, type UiHandlers } from "./messenger";
import {
  addGrants, asPermissionSetting, dropGrants, isCaptureKind, isGrantRecord, isPermissionSetting, ONE_TIME_GRANTS_KEY,
  originsOfTabs, parseOneTimeGrants, planReverts, type OneTimeGrant,
} from "./one-time-grants";
import { onWatchedTabRemoved, onWatchedTabReplaced, onWatchedTabUpdated, watchedCollection } from "./navigation-watch";
import { forgetDevice, listRemembered, rememberedFor } from "./remembered";
import { normalizeOrigin } from "./settings-schema";
import { originToPattern } from "./site-flag-scripts";

function contentSettingOf(kind: CaptureKind) {
  return kind === "video" ? chrome.contentSettings.camera : chrome.contentSettings.microphone;
}

export async function getSitePermission(origin: string, kind: CaptureKind): Promise<PermissionSetting> {
  const { setting } = await contentSettingOf(kind).get({ primaryUrl: `${origin}/` });
  return asPermissionSetting(setting);
}

/** Sets the permission of exactly this origin (scheme, host and port). */
export async function setSitePermission(origin: string, kind: CaptureKind, setting: PermissionSetting): Promise<void> {
  await contentSettingOf(kind).set({ primaryPattern: patternOf(origin), setting });
}

/** Chrome's match patterns cannot name an IPv6 literal host (originToPattern returns null). */
function patternOf(origin: string): string {
  const pattern = originToPattern(origin);
  if (!pattern) {
    throw new MessageError("NotSupportedError", `the browser cannot keep a camera or microphone permission for ${origin}`);
  }
  return pattern;
}

/** Whether the browser can keep a camera or microphone permission for `origin` (what
 * requireOrigin and patternOf ask of a grant, without throwing). */
export const canKeepPermission = (origin: string): boolean =>
  normalizeOrigin(origin) === origin && originToPattern(origin) !== null;

/** One-time grants are taken back when no tab shows their site: a tab's new address matters
 * while there are any (./navigation-watch.ts). */
const holdingGrants = watchedCollection("one-time permissions");

// Every change to the grant records, and the permission changes that go with them, runs in turn.
const serialized = serialQueue();

/** The records; a value that is not a list of well-formed records is backed up and reported
 * before the readable records replace it (checked-storage.ts). */
async function readGrants(): Promise<OneTimeGrant[]> {
  const records = await readChecked("local", ONE_TIME_GRANTS_KEY, (raw) => ({
    value: parseOneTimeGrants(raw),
    problem: raw === undefined || (Array.isArray(raw) && raw.every(isGrantRecord)) ? null
      : "Some one-time camera or microphone permissions to undo could not be read.",
  }));
  holdingGrants(records.length > 0);
  return records;
}

async function writeGrants(records: OneTimeGrant[]): Promise<void> {
  holdingGrants(true);
  if (records.length) await browser.storage.local.set({ [ONE_TIME_GRANTS_KEY]: records });
  else await browser.storage.local.remove(ONE_TIME_GRANTS_KEY);
  holdingGrants(records.length > 0);
}

/**
 * Allows `kinds` for a site whose user just chose a device in the extension's picker, so that the
 * browser does not ask a second time. Kinds already allowed are left alone. Unless `persistent`,
 * the grant lasts until no tab shows the site any more.
 */
export async function grantForPicker(origin: string, kinds: readonly CaptureKind[], options: { persistent: boolean }): Promise<void> {
  const site = requireOrigin(origin);
  kinds.forEach(requireKind);
  patternOf(site);
  return serialized(async () => {
    const records = await readGrants();
    if (options.persistent) {
      // A permanent grant replaces any one-time grant of the same kinds.
      const kept = dropGrants(records, site, kinds);
      if (kept.length !== records.length) await writeGrants(kept);
    }
    for (const kind of new Set(kinds)) {
      const previous = await getSitePermission(site, kind);
      if (previous === "allow") continue;
      // The record is written before the grant: if the worker stops in between, undoing a grant
      // that was never made is harmless, a grant without a record would be permanent.
      if (!options.persistent) await writeGrants(addGrants(await readGrants(), [{ origin: site, kind, previous }]));
      await setSitePermission(site, kind, "allow");
    }
  });
}

async function restore(record: OneTimeGrant): Promise<void> {
  try {
    // Someone else may have changed it since; only our "allow" is undone.
    if (await getSitePermission(record.origin, record.kind) === "allow") {
      await setSitePermission(record.origin, record.kind, record.previous);
    }
  } catch (error) {
    console.warn("Capture Control: could not undo a one-time grant", record, error);
  }
}

/** Undoes the one-time grants of sites no tab shows, or all of them when the browser starts. */
function revertGrants(atStartup: boolean): Promise<void> {
  return serialized(async () => {
    const records = await readGrants();
    if (!records.length) return;
    const open = atStartup ? null : originsOfTabs(await browser.tabs.query({}));
    const { revert, keep } = planReverts(records, open);
    if (!revert.length) return;
    for (const record of revert) await restore(record);
    await writeGrants(keep);
  });
}

/** Call once, synchronously at the top level of the service worker, so the events wake it. */
export function startPermissionListeners(): void {
  const check = () => void revertGrants(false);
  onWatchedTabRemoved(check);
  onWatchedTabReplaced(check);
  onWatchedTabUpdated((_tabId, change) => {
    if (change.url !== undefined) check();
  });
  browser.runtime.onStartup.addListener(() => void revertGrants(true));
  // Records written elsewhere than writeGrants (none in the extension; a test plants them).
  browser.storage.onChanged.addListener((changes, area) => {
    const change = changes[ONE_TIME_GRANTS_KEY];
    if (area === "local" && change) holdingGrants(Array.isArray(change.newValue) && change.newValue.length > 0);
  });
  // A tab may have closed while the worker was not running to hear it.
  check();
}

// ---- UI calls ----

function requireOrigin(value: unknown): string {
  const origin = normalizeOrigin(value);
  if (!origin || origin !== value) {
    throw new MessageError("TypeError", "origin must be an http(s) origin such as https://example.com");
  }
  return origin;
}

function requireKind(value: unknown): CaptureKind {
  if (!isCaptureKind(value)) throw new MessageError("TypeError", 'kind must be "video" or "audio"');
  return value;
}

function requireSetting(value: unknown): PermissionSetting {
  if (!isPermissionSetting(value)) throw new MessageError("TypeError", 'setting must be "allow", "ask" or "block"');
  return value;
}

async function sitePermissions(origin: string): Promise<SitePermissions> {
  const [video, audio, remembered, grants] = await Promise.all([
    getSitePermission(origin, "video"), getSitePermission(origin, "audio"), rememberedFor(origin), readGrants(),
  ]);
  const temporary: NonNullable<SitePermissions["temporary"]> = {};
  for (const g of grants) if (g.origin === origin && (g.kind === "video" ? video : audio) === "allow") temporary[g.kind] = true;
  return { video, audio, remembered, ...(temporary.video || temporary.audio ? { temporary } : {}) };
}

export const permissionUiHandlers: UiHandlers = {
  "ui.getPermissions": async (message) => sitePermissions(requireOrigin(message.origin)),
  "ui.setPermission": async (message) => {
    const origin = requireOrigin(message.origin);
    const kind = requireKind(message.kind);
    const setting = requireSetting(message.setting);
    await serialized(async () => {
      await setSitePermission(origin, kind, setting);
      // The user's own choice stands: a one-time grant of this kind must not undo it later.
      const records = await readGrants();
      const kept = dropGrants(records, origin, [kind]);
      if (kept.length !== records.length) await writeGrants(kept);
    });
    return sitePermissions(origin);
  },
  "ui.forgetDevice": async (message) => {
    const origin = requireOrigin(message.origin);
    const kind = message.kind === undefined ? undefined : requireKind(message.kind);
    await forgetDevice(origin, kind);
    return sitePermissions(origin);
  },
  "ui.listRemembered": async () => listRemembered(),
};
