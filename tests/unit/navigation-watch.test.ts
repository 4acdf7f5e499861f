import { beforeEach, describe, expect, it, vi } from "vitest";
import { tabIndex } from "../../extension/background/tab-index";

/** A stand-in for a chrome.events.Event: the listeners Chrome would deliver to. */
function fakeEvent<F extends (...args: never[]) => void>() {
  const listeners = new Set<F>();
  return {
    listeners,
    addListener: (f: F) => void listeners.add(f),
    removeListener: (f: F) => void listeners.delete(f),
    fire: (...args: Parameters<F>) => { for (const f of listeners) f(...args); },
  };
}

let committed: ReturnType<typeof fakeEvent>;
let updated: ReturnType<typeof fakeEvent>;
let removed: ReturnType<typeof fakeEvent>;
let replaced: ReturnType<typeof fakeEvent>;
let watch: typeof import("../../extension/background/navigation-watch");

beforeEach(async () => {
  committed = fakeEvent();
  updated = fakeEvent();
  removed = fakeEvent();
  replaced = fakeEvent();
  (globalThis as Record<string, unknown>).chrome = {
    webNavigation: { onCommitted: committed }, tabs: { onUpdated: updated, onRemoved: removed, onReplaced: replaced },
  };
  vi.resetModules();
  watch = await import("../../extension/background/navigation-watch");
});

describe("navigation-watch (webNavigation and tab updates only while something is in a tab)", () => {
  it("listens from the worker's start until every collection said it holds nothing", () => {
    const a = watch.watchedCollection("a"), b = watch.watchedCollection("b");
    expect(committed.listeners.size).toBe(0); // not before the start
    watch.startNavigationWatch();
    const heard = () => [committed, updated, removed, replaced].map((e) => e.listeners.size);
    expect(heard()).toEqual([1, 1, 1, 1]);
    a(false);
    expect(committed.listeners.size).toBe(1); // b has not said yet
    b(false);
    expect(heard()).toEqual([0, 0, 0, 0]);
    b(true);
    expect(heard()).toEqual([1, 1, 1, 1]);
    b(false);
    expect(watch.navigationListening()).toBe(false);
  });

  it("hands each event to every handler while listening", () => {
    const seen: string[] = [];
    watch.onNavigationCommitted((d) => seen.push(`commit ${d.tabId}/${d.frameId}`));
    watch.onWatchedTabUpdated((tabId, change) => seen.push(`update ${tabId} ${change.status}`));
    watch.onWatchedTabUpdated((tabId) => seen.push(`second ${tabId}`));
    watch.onWatchedTabRemoved((tabId) => seen.push(`removed ${tabId}`));
    watch.onWatchedTabReplaced((added, gone) => seen.push(`replaced ${gone} by ${added}`));
    watch.watchedCollection("a");
    watch.startNavigationWatch();
    committed.fire({ tabId: 3, frameId: 7 } as never);
    updated.fire(4 as never, { status: "unloaded" } as never);
    removed.fire(5 as never, {} as never);
    replaced.fire(9 as never, 6 as never);
    expect(seen).toEqual(["commit 3/7", "update 4 unloaded", "second 4", "removed 5", "replaced 6 by 9"]);
  });

  it("follows a tab index: listening while it may hold a tab, not once it knows it holds none", async () => {
    const index = tabIndex<number[]>((tabs) => tabs, watch.watchedCollection("captures"));
    watch.startNavigationWatch();
    expect(watch.navigationListening()).toBe(true); // nothing read yet
    await index.load(async () => []);
    expect(watch.navigationListening()).toBe(false);
    let release!: () => void;
    const saving = index.save([5], () => new Promise<void>((r) => { release = r; }));
    expect(watch.navigationListening()).toBe(true); // from before the write starts
    release();
    await saving;
    await index.save([], async () => undefined);
    expect(watch.navigationListening()).toBe(false);
    // A failed write: the stored value may be either, so it listens.
    await expect(index.save([], async () => { throw new Error("quota"); })).rejects.toThrow("quota");
    expect(watch.navigationListening()).toBe(true);
  });
});
