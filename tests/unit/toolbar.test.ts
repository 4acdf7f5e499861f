import { beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveGroup } from "../../extension/background/tracking";

// A stand-in for the parts of chrome.action and storage.session the toolbar uses, recording what
// each tab shows. Chrome keeps a tab's own icon and title until they are set again.
const session: Record<string, unknown> = {};
const shown = new Map<number, { icon?: string; title?: string }>();
const closed = new Set<number>();
let globalTitle = "";
const action = {
  setBadgeText: async () => undefined,
  setBadgeBackgroundColor: async () => undefined,
  setTitle: async ({ tabId, title }: { tabId?: number; title: string }) => {
    if (tabId === undefined) globalTitle = title;
    else if (closed.has(tabId)) throw new Error("No tab with id");
    else shown.set(tabId, { ...shown.get(tabId), title });
  },
  setIcon: async ({ tabId, path }: { tabId: number; path: Record<number, string> }) => {
    if (closed.has(tabId)) throw new Error("No tab with id");
    shown.set(tabId, { ...shown.get(tabId), icon: path[16].includes("live") ? "live" : "normal" });
  },
};
const browserStub = {
  action,
  i18n: { getMessage: (key: string) => key },
  storage: { session: { get: async (key: string) => ({ [key]: structuredClone(session[key]) }), set: async (v: object) => Object.assign(session, v) } },
};
vi.mock("webextension-polyfill", () => ({ default: browserStub }));
(globalThis as unknown as { chrome: unknown }).chrome = { action };
const { tabLooks, toolbarTabNavigated, updateToolbar } = await import("../../extension/background/toolbar");

const group = (tabId: number, kind: "audio" | "video"): LiveGroup => ({
  tabId, kind, origin: "https://a.example", topOrigin: null, label: "x", since: 0, count: 1, muted: false, paused: false, ptz: false,
});
/** What the tab shows: its own values, else the global title and the normal icon. */
const look = (tabId: number) => ({ icon: shown.get(tabId)?.icon ?? "normal", title: shown.get(tabId)?.title ?? globalTitle });

beforeEach(() => {
  for (const key of Object.keys(session)) delete session[key];
  shown.clear();
  closed.clear();
  globalTitle = "";
});

describe("tabLooks", () => {
  it("gives each tab the kinds it uses", () => {
    expect(tabLooks([group(1, "video"), group(2, "audio"), group(1, "video"), group(3, "audio"), group(3, "video")]))
      .toEqual(new Map([[1, "video"], [2, "audio"], [3, "both"]]));
  });
});

describe("updateToolbar", () => {
  it("marks tabs with captures, and gives them back the normal icon and the global title after", async () => {
    await updateToolbar([group(1, "video"), group(2, "audio")]);
    expect(look(1)).toEqual({ icon: "live", title: "toolbarTabCamera" });
    expect(look(2)).toEqual({ icon: "live", title: "toolbarTabMicrophone" });
    expect(look(3)).toEqual({ icon: "normal", title: "badgeTitleBoth" });

    await updateToolbar([group(2, "audio")]);
    expect(look(1)).toEqual({ icon: "normal", title: "badgeTitleMicrophone" });
    // The idle tab's own title follows later changes of the global one.
    await updateToolbar([]);
    expect(look(1)).toEqual({ icon: "normal", title: "extName" });
    expect(look(2)).toEqual({ icon: "normal", title: "extName" });
  });

  it("sets nothing again while nothing changed, except for a forced tab", async () => {
    await updateToolbar([group(1, "video")]);
    shown.set(1, { icon: "live", title: "moved your camera" });
    await updateToolbar([group(1, "video")]);
    expect(look(1).title).toBe("moved your camera");
    await updateToolbar([group(1, "video")], 1);
    expect(look(1).title).toBe("toolbarTabCamera");
  });

  it("starts afresh on a tab Chrome reset by a navigation, and forgets closed tabs", async () => {
    await updateToolbar([group(1, "video"), group(2, "video")]);
    shown.delete(1); // Chrome drops the tab's own values when a new document commits
    await toolbarTabNavigated(1);
    await updateToolbar([group(1, "video"), group(2, "video")]);
    expect(look(1)).toEqual({ icon: "live", title: "toolbarTabCamera" });
    closed.add(2);
    await updateToolbar([]);
    expect((session.toolbarTabs as { tabs: object }).tabs).toEqual({ 1: "idle" });
  });
});
