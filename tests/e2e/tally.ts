/**
 * Bookkeeping shared by the hostile-page and fault suites: each attack and each injected fault is
 * recorded (one JSON line in test-results/tally.jsonl, or $CC_TALLY) so that `npm run soak` can
 * report how many were tried, blocked or survived, and whether any user state was lost; and the
 * user's state (everything in chrome.storage.local, and the browser permission of given sites) is
 * read from an extension page so that a test can check it is unchanged.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { expect, openExtensionPage } from "./fixtures";

export const TALLY_FILE = process.env.CC_TALLY ?? "test-results/tally.jsonl";

export interface TallyEntry {
  kind: "attack" | "fault" | "state";
  name: string;
  ok: boolean;
  /** A documented limit: the attack is expected to succeed (the test is marked test.fail). */
  knownLimit?: string;
}

function record(entry: TallyEntry): void {
  mkdirSync(dirname(TALLY_FILE), { recursive: true });
  appendFileSync(TALLY_FILE, JSON.stringify(entry) + "\n");
}

/** Runs one attack; it counts as blocked when every assertion in `run` held. */
export async function attack(name: string, run: () => Promise<void>, knownLimit?: string): Promise<void> {
  let ok = false;
  try {
    await run();
    ok = true;
  } finally {
    record(knownLimit ? { kind: "attack", name, ok, knownLimit } : { kind: "attack", name, ok });
  }
}

/** Runs one injected fault; it counts as survived when every assertion in `run` held. */
export async function fault(name: string, run: () => Promise<void>): Promise<void> {
  let ok = false;
  try {
    await run();
    ok = true;
  } finally {
    record({ kind: "fault", name, ok });
  }
}

export interface UserState {
  local: Record<string, unknown>;
  permissions: Record<string, { camera: unknown; microphone: unknown }>;
}

/** Reads the user's state from an extension page (kept open by the caller for repeated reads).
 * First it lets the history settle (for up to 4 s): captures of tabs that are gone (an earlier
 * test's) still to be ended, and ended captures still to be written (the worker writes the history
 * at most once a second), would otherwise land between two reads and look like a change. */
export async function readUserState(extPage: Page, origins: string[] = []): Promise<UserState> {
  return extPage.evaluate(async (list) => {
    for (let i = 0; i < 40; i++) {
      const session = await chrome.storage.session.get(["liveCaptures", "historyPending"]);
      const tabs = new Set((await chrome.tabs.query({})).map((t) => t.id));
      const live = Object.values((session.liveCaptures ?? {}) as Record<string, { tabId: number }>);
      const pending = (session.historyPending ?? []) as unknown[];
      if (!pending.length && live.every((c) => tabs.has(c.tabId))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const permissions: Record<string, { camera: unknown; microphone: unknown }> = {};
    for (const origin of list) {
      const [camera, microphone] = await Promise.all([
        chrome.contentSettings.camera.get({ primaryUrl: `${origin}/` }),
        chrome.contentSettings.microphone.get({ primaryUrl: `${origin}/` }),
      ]);
      permissions[origin] = { camera: camera.setting, microphone: microphone.setting };
    }
    return { local: await chrome.storage.local.get(null), permissions };
  }, origins);
}

/** The state without the capture history of `origins` (sites whose own use a test records). */
function without(state: UserState, historyOf: string[]): UserState {
  const stored = state.local.captureHistory as { entries?: { origin: string }[]; retentionDays?: number; written?: string } | undefined;
  if (!historyOf.length || !stored?.entries) return state;
  // (`written` names the last write of ended captures: it changes with any site's history.)
  const { written: _written, ...history } = stored;
  const entries = history.entries!.filter((e) => !historyOf.includes(e.origin));
  const local = { ...state.local, captureHistory: { ...history, entries } };
  // A history created by those captures alone is no history.
  if (!entries.length && history.retentionDays === 90) delete (local as { captureHistory?: unknown }).captureHistory;
  return { ...state, local };
}

/** Asserts that the user's state is what it was, and records the check for the soak table.
 * `historyOf`: sites whose own captures during the test may add history entries. */
export async function expectStateUnchanged(extPage: Page, before: UserState, options: { historyOf?: string[] } = {}) {
  let ok = false;
  try {
    const after = await readUserState(extPage, Object.keys(before.permissions));
    expect(without(after, options.historyOf ?? [])).toEqual(without(before, options.historyOf ?? []));
    ok = true;
  } finally {
    record({ kind: "state", name: "user state unchanged", ok });
  }
}

/** An extension page to read state from (the options page: it has every API the extension has). */
export const stateReader = (context: BrowserContext, extensionId: string) =>
  openExtensionPage(context, extensionId, "options/index.html");
