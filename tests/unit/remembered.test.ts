import { describe, expect, it, vi } from "vitest";

// remembered.ts talks to chrome.storage through the polyfill, which refuses to load outside an
// extension; parseRemembered itself is pure.
vi.mock("webextension-polyfill", () => ({ default: {} }));
const { parseRemembered } = await import("../../extension/background/remembered");

describe("parseRemembered", () => {
  it("reads nothing stored as no devices", () => {
    expect(parseRemembered(undefined)).toEqual({ value: {}, dropped: false });
  });

  it("keeps valid entries unchanged", () => {
    const raw = { "https://a.example": { video: "Cam A", audio: "Mic A" }, "http://localhost:8080": { video: "fake_device_1" } };
    expect(parseRemembered(raw)).toEqual({ value: raw, dropped: false });
  });

  it("stores sites under their serialized origin", () => {
    expect(parseRemembered({ "https://A.example:443/": { video: "Cam" } }))
      .toEqual({ value: { "https://a.example": { video: "Cam" } }, dropped: false });
  });

  it.each([["null", null], ["a string", "{}"], ["an array", [{ video: "Cam" }]], ["a number", 4]])(
    "drops %s entirely and says so", (_name, raw) => {
      expect(parseRemembered(raw)).toEqual({ value: {}, dropped: true });
    });

  it("drops invalid parts and keeps the rest", () => {
    const { value, dropped } = parseRemembered({
      "not a url": { video: "Cam" },
      "javascript:alert(1)": { video: "Cam" },
      "https://a.example": { video: "Cam", audio: 42 },
      "https://b.example": { screen: "Display" },
      "https://c.example": null,
      "https://d.example": { video: "x".repeat(513) },
      "https://e.example": { audio: "x".repeat(512) },
    });
    expect(dropped).toBe(true);
    expect(value).toEqual({ "https://a.example": { video: "Cam" }, "https://e.example": { audio: "x".repeat(512) } });
  });

  it("does not let an origin key reach the prototype", () => {
    const raw = JSON.parse('{"__proto__": {"video": "Cam"}, "https://a.example": {"video": "Cam"}}');
    const { value, dropped } = parseRemembered(raw);
    expect(dropped).toBe(true);
    expect(Object.keys(value)).toEqual(["https://a.example"]);
    expect(({} as Record<string, unknown>).video).toBeUndefined();
  });
});
