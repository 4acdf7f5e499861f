import { describe, expect, it, vi } from "vitest";

// tracking.ts talks to chrome.* through the polyfill, which refuses to load outside an extension;
// groupLive itself is pure.
vi.mock("webextension-polyfill", () => ({ default: {} }));
const { groupLive } = await import("../../extension/background/tracking");
type LiveCapture = import("../../extension/background/tracking").LiveCapture;

const capture = (over: Partial<LiveCapture>): LiveCapture => ({
  id: "a", tabId: 1, frameId: 0, documentId: "D0", origin: "https://a.example", topOrigin: null,
  kind: "video", label: "Cam", startedAt: 1000, ...over,
});

describe("groupLive (the popup's rows)", () => {
  it("merges a page's same-origin iframes with the page: one row per tab, site and device", () => {
    const rows = groupLive({
      k1: capture({ id: "a" }),
      k2: capture({ id: "b", frameId: 3, documentId: "D3", startedAt: 500 }),
      k3: capture({ id: "c", kind: "audio", label: "Mic" }),
    });
    expect(rows).toEqual([
      { tabId: 1, origin: "https://a.example", topOrigin: null, kind: "audio", label: "Mic", since: 1000, count: 1, muted: false, paused: false, ptz: false },
      { tabId: 1, origin: "https://a.example", topOrigin: null, kind: "video", label: "Cam", since: 500, count: 2, muted: false, paused: false, ptz: false },
    ]);
  });

  it("keeps other tabs, other sites and embedded sites apart", () => {
    const rows = groupLive({
      k1: capture({}),
      k2: capture({ id: "b", tabId: 2 }),
      k3: capture({ id: "c", frameId: 4, origin: "https://b.example", topOrigin: "https://a.example" }),
    });
    expect(rows.map((r) => [r.tabId, r.origin, r.topOrigin])).toEqual([
      [1, "https://a.example", null], [2, "https://a.example", null], [1, "https://b.example", "https://a.example"],
    ]);
  });

  it("a row is muted or paused only when every capture of it is, and uses PTZ when one does", () => {
    const state = (live: Record<string, LiveCapture>) => groupLive(live).map((r) => [r.muted, r.paused, r.ptz]);
    expect(state({ k1: capture({ muted: true, paused: true }), k2: capture({ id: "b" }) })).toEqual([[false, false, false]]);
    expect(state({ k1: capture({ muted: true, paused: true }), k2: capture({ id: "b", muted: true, paused: true, ptz: true }) }))
      .toEqual([[true, true, true]]);
    expect(state({ k1: capture({ paused: true }), k2: capture({ id: "b", paused: true, ptz: false }) })).toEqual([[false, true, false]]);
    expect(state({ k1: capture({ ptz: true }), k2: capture({ id: "b", muted: true }) })).toEqual([[false, false, true]]);
  });
});
