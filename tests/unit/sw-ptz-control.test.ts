/**
 * ptz-control.ts, the real module against the in-memory chrome of ./fake-chrome.ts: only a site
 * the user allowed pan/tilt/zoom may start a PTZ session (and so take control from another tab's
 * site), and a frame may only report the camera position of its own session.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fake } from "./fake-chrome";
import type { ContentSender } from "../../extension/background/messenger";

vi.mock("webextension-polyfill", async () => ({ default: (await import("./fake-chrome")).fake.api }));

const { cameraMoved, controlView, startSession } = await import("../../extension/background/ptz-control");
const { getSiteSettings, setSiteSettings } = await import("../../extension/background/settings-store");

const MEET = "https://meet.example";
const OTHER = "https://other.example";
const session = () => ({ ranges: { pan: { min: -100, max: 100, step: 1 } }, values: { pan: 0 } });
const top = (origin: string, tabId: number, documentId: string): ContentSender =>
  ({ origin, tabId, frameId: 0, documentId, topOrigin: origin });
const controlPushes = () => fake.sent.filter((s) => s.message?.type === "page.push" && s.message.topic === "ptz.control");
const storedSessions = () => (fake.session.data.ptzControl as { sessions: { tabId: number }[] } | undefined)?.sessions ?? [];

beforeEach(async () => {
  fake.reset();
  await setSiteSettings(MEET, { ptz: "allow" });
  // Tab 1: a site with PTZ allowed has the camera.
  await startSession(session(), top(MEET, 1, "DOC-1"));
  fake.sent.length = 0;
});

describe("startSession", () => {
  it("ignores a site whose PTZ setting is Ask: the other tab keeps control", async () => {
    expect((await getSiteSettings(OTHER)).ptz).toBe("ask");
    expect(await startSession(session(), top(OTHER, 2, "DOC-2"))).toBeNull();
    expect(controlPushes()).toEqual([]);
    expect(storedSessions().map((s) => s.tabId)).toEqual([1]);
    expect(await controlView(1)).toMatchObject({ origin: MEET, active: true });
    expect(await controlView(2)).toBeNull();
  });

  it("ignores a site whose PTZ setting is Block", async () => {
    await setSiteSettings(OTHER, { ptz: "block" });
    await startSession(session(), top(OTHER, 2, "DOC-2"));
    expect(controlPushes()).toEqual([]);
    expect(storedSessions().map((s) => s.tabId)).toEqual([1]);
  });

  it("lets a site with PTZ allowed take control: the other tab's session is told it is paused", async () => {
    await setSiteSettings(OTHER, { ptz: "allow" });
    await startSession(session(), top(OTHER, 2, "DOC-2"));
    expect(controlPushes()).toEqual([{
      tabId: 1, options: { frameId: 0, documentId: "DOC-1" },
      message: { type: "page.push", topic: "ptz.control", data: { active: false } },
    }]);
    expect(storedSessions().map((s) => s.tabId).sort()).toEqual([1, 2]);
    expect(await controlView(1)).toMatchObject({ origin: MEET, active: false });
    expect(await controlView(2)).toMatchObject({ origin: OTHER, active: true });
  });
});

describe("cameraMoved with a position", () => {
  it("updates the sender's own session, clamped to the camera's range", async () => {
    await cameraMoved({ values: { pan: 150 } }, top(MEET, 1, "DOC-1"));
    expect((await controlView(1))?.values).toEqual({ pan: 100 });
    await cameraMoved({ values: { pan: -30 } }, top(MEET, 1, "DOC-1"));
    expect((await controlView(1))?.values).toEqual({ pan: -30 });
  });

  it("changes nothing when another frame or document of the tab reports it", async () => {
    const before = structuredClone(fake.session.data.ptzControl);
    await cameraMoved({ values: { pan: 150 } }, { origin: MEET, tabId: 1, frameId: 3, documentId: "DOC-3", topOrigin: MEET });
    await cameraMoved({ values: { pan: 150 } }, top(MEET, 1, "DOC-NEWER"));
    await cameraMoved({ values: { pan: 150 } }, top(MEET, 9, "DOC-1"));
    expect((await controlView(1))?.values).toEqual({ pan: 0 });
    expect(fake.session.data.ptzControl).toEqual(before);
  });
});
