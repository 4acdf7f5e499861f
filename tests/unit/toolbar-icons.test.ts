import { describe, expect, it, vi } from "vitest";
import type { LiveGroup } from "../../extension/background/tracking";

// The toolbar gives Chrome the icons' pixels, decoded once per worker run, instead of their paths
// (which Chrome's setIcon fetches and decodes in the worker on every call). Stand-ins for the
// worker's fetch, createImageBitmap and OffscreenCanvas record what was decoded.
const fetched: string[] = [];
const icons: unknown[] = [];
const session: Record<string, unknown> = {};
const action = {
  setBadgeText: async () => undefined,
  setBadgeBackgroundColor: async () => undefined,
  setTitle: async () => undefined,
  setIcon: async (details: unknown) => {
    icons.push(details);
  },
};
vi.mock("webextension-polyfill", () => ({
  default: {
    action,
    i18n: { getMessage: (key: string) => key },
    storage: { session: { get: async (key: string) => ({ [key]: structuredClone(session[key]) }), set: async (v: object) => Object.assign(session, v) } },
  },
}));
const g = globalThis as Record<string, unknown>;
g.chrome = { action, runtime: { getURL: (path: string) => `chrome-extension://id${path}` } };
g.fetch = async (url: string) => {
  fetched.push(url);
  return { blob: async () => ({ url }) };
};
g.createImageBitmap = async (blob: { url: string }) => ({ url: blob.url });
g.OffscreenCanvas = class {
  constructor(readonly width: number, readonly height: number) {}
  getContext() {
    let drawn = "";
    return {
      drawImage: (bitmap: { url: string }) => {
        drawn = bitmap.url;
      },
      getImageData: (_x: number, _y: number, w: number, h: number) => ({ from: drawn, w, h }),
    };
  }
};
const { updateToolbar } = await import("../../extension/background/toolbar");

const group = (tabId: number): LiveGroup => ({
  tabId, kind: "video", origin: "https://a.example", topOrigin: null, label: "x", since: 0, count: 1, muted: false, paused: false, ptz: false,
});
const url = (file: string) => `chrome-extension://id/icons/${file}`;

describe("toolbar icons", () => {
  it("are given to Chrome as pixels of the right files and sizes, each file decoded once", async () => {
    await updateToolbar([group(1)]);
    await updateToolbar([]);
    await updateToolbar([group(2)]);
    await updateToolbar([]);
    const live = { 16: { from: url("icon-live-16.png"), w: 16, h: 16 }, 32: { from: url("icon-live-32.png"), w: 32, h: 32 } };
    const normal = { 16: { from: url("icon-16.png"), w: 16, h: 16 }, 32: { from: url("icon-32.png"), w: 32, h: 32 } };
    const of = (tabId: number) => (icons as { tabId: number }[]).filter((d) => d.tabId === tabId);
    expect(of(1)[0]).toEqual({ tabId: 1, imageData: live });
    expect(of(1).at(-1)).toEqual({ tabId: 1, imageData: normal });
    expect(of(2)[0]).toEqual({ tabId: 2, imageData: live });
    expect(of(2).at(-1)).toEqual({ tabId: 2, imageData: normal });
    expect(icons.every((d) => !("path" in (d as object)))).toBe(true);
    expect(fetched.sort()).toEqual([url("icon-16.png"), url("icon-32.png"), url("icon-live-16.png"), url("icon-live-32.png")]);
  });
});
