/**
 * tracking.ts (the live-capture registry and the history), the real module against the in-memory
 * chrome of ./fake-chrome.ts: one tab cannot fill the registry through many frames, and a private
 * window's captures are listed while live but never reach the history.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fake } from "./fake-chrome";
import type { ContentSender } from "../../extension/background/messenger";

vi.mock("webextension-polyfill", async () => ({ default: (await import("./fake-chrome")).fake.api }));

const T = await import("../../extension/background/tracking");
const { capturesEnded, capturesStarted, HISTORY_KEY, LIVE_KEY, PENDING_KEY, trackingUiHandlers } = T;

/** (tracking.ts: MAX_PER_FRAME and MAX_PER_TAB.) */
const PER_FRAME = 32;
const PER_TAB = 96;

const frame = (origin: string, tabId: number, frameId: number, extra: Partial<ContentSender> = {}): ContentSender =>
  ({ origin, tabId, frameId, documentId: `DOC-${tabId}-${frameId}`, topOrigin: origin, ...extra });
const report = (prefix: string, n: number) =>
  ({ captures: Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, kind: "video", label: "Cam", ago: 0 })) });
const live = () => Object.values((fake.session.data[LIVE_KEY] ?? {}) as Record<string, { tabId: number; origin: string }>);
const liveOfTab = (tabId: number) => live().filter((c) => c.tabId === tabId).length;
const history = () => ((fake.local.data[HISTORY_KEY] as { entries?: { origin: string }[] } | undefined)?.entries ?? []);
const pending = () => (fake.session.data[PENDING_KEY] ?? []) as unknown[];

beforeEach(() => fake.reset());

describe("capturesStarted", () => {
  it("refuses more than a tab's share of live captures, however many frames report them", async () => {
    const site = "https://many-frames.example";
    // Each frame within its own cap; together they reach the tab's.
    for (let f = 1; f * PER_FRAME <= PER_TAB; f++) await capturesStarted(report(`f${f}-`, PER_FRAME), frame(site, 5, f));
    expect(liveOfTab(5)).toBe(PER_TAB);

    const refused = await capturesStarted(report("late-", 1), frame(site, 5, 50)).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ name: "QuotaExceededError" });
    expect(liveOfTab(5)).toBe(PER_TAB);

    // Another tab's site is not crowded out.
    await expect(capturesStarted(report("v", 1), frame("https://meet.example", 9, 0))).resolves.toBeNull();
    expect(liveOfTab(9)).toBe(1);
  });

  it("refuses more than a frame's share in one frame", async () => {
    const sender = frame("https://one-frame.example", 6, 0);
    await capturesStarted(report("a", PER_FRAME), sender);
    await expect(capturesStarted(report("b", 1), sender)).rejects.toMatchObject({ name: "QuotaExceededError" });
    expect(liveOfTab(6)).toBe(PER_FRAME);
  });
});

describe("a private window's captures", () => {
  it("are listed while live and leave no history entry when they end", async () => {
    const privateTab = frame("https://private.example", 7, 0, { incognito: true });
    const normalTab = frame("https://normal.example", 8, 0);
    await capturesStarted(report("p", 1), privateTab);
    await capturesStarted(report("n", 1), normalTab);

    const { groups } = await trackingUiHandlers["ui.tracking.live"]({}) as { groups: { tabId: number; origin: string }[] };
    expect(groups.map((g) => [g.tabId, g.origin]).sort()).toEqual([[7, "https://private.example"], [8, "https://normal.example"]]);

    await capturesEnded({ ended: [{ id: "n0", ago: 0 }] }, normalTab);
    await capturesEnded({ ended: [{ id: "p0", ago: 0 }] }, privateTab);
    expect(live()).toEqual([]);
    // The normal tab's capture reaches the stored history (at once, or within a second when one
    // was written just before); the private window's never does, nor waits for it.
    await vi.waitFor(() => expect(history().map((e) => e.origin)).toEqual(["https://normal.example"]), { timeout: 3000 });
    expect(pending()).toEqual([]);
    const shown = await trackingUiHandlers["ui.history.get"]({}) as { entries: { origin: string }[] };
    expect(shown.entries.map((e) => e.origin)).toEqual(["https://normal.example"]);
  });
});

describe("the history write", () => {
  it("adds an ended capture once, even when the session write after it fails", async () => {
    const sender = frame("https://once.example", 11, 0);
    // The write that takes the written captures out of the session fails, once.
    const set = fake.session.set;
    let failed = false;
    fake.session.set = async (items: Record<string, unknown>) => {
      if (!failed && history().length === 1 && Array.isArray(items[PENDING_KEY]) && (items[PENDING_KEY] as unknown[]).length === 0) {
        failed = true;
        throw new Error("QUOTA_BYTES quota exceeded");
      }
      return set(items);
    };
    try {
      await capturesStarted(report("a", 1), sender);
      await capturesEnded({ ended: [{ id: "a0", ago: 0 }] }, sender).catch(() => undefined);
      await vi.waitFor(() => expect(failed).toBe(true), { timeout: 3000 });
      await capturesStarted(report("b", 1), sender);
      await capturesEnded({ ended: [{ id: "b0", ago: 0 }] }, sender).catch(() => undefined);
      await vi.waitFor(() => expect(pending()).toEqual([]), { timeout: 3000 });
      expect(history().map((e) => e.origin)).toEqual(["https://once.example", "https://once.example"]);
    } finally {
      fake.session.set = set;
    }
  });
});
