import { describe, expect, it } from "vitest";
import { ptzFree } from "../../src/core/media-methods";

// Where the pack cannot come, getUserMedia, applyConstraints and the legacy form go on only with
// these copies (src/core/media-methods.ts): plain data, no member a feature acts on.
describe("ptzFree: constraints made safe where no feature can check them", () => {
  it("copies plain audio/video constraints into objects without a prototype", () => {
    const c = { audio: true, video: { width: 320, facingMode: { ideal: "user" } } };
    const copy = ptzFree(c, true) as Record<string, any>;
    expect(copy).toEqual(c);
    expect(copy).not.toBe(c);
    expect(Object.getPrototypeOf(copy)).toBe(null);
    expect(Object.getPrototypeOf(copy.video)).toBe(null);
    expect(ptzFree({ width: 320, height: { max: 480 } }, false)).toEqual({ width: 320, height: { max: 480 } });
  });

  it("refuses pan, tilt, zoom and advanced (PTZ's places) and the effects' members, at either level", () => {
    for (const video of [{ pan: 300 }, { tilt: true }, { zoom: { ideal: 2 } }, { advanced: [{ width: 320 }] }, { powerEfficient: true }]) {
      expect(ptzFree({ video }, true), JSON.stringify(video)).toBeUndefined();
      expect(ptzFree(video, false), JSON.stringify(video)).toBeUndefined();
    }
  });

  it("refuses what it cannot copy without running the page's code or losing members", () => {
    let reads = 0;
    const getter = { get video() { reads++; return true; } };
    expect(ptzFree(getter, true)).toBeUndefined();
    expect(reads).toBe(0);
    expect(ptzFree({ video: Object.create({ pan: 300 }) }, true)).toBeUndefined(); // another prototype
    expect(ptzFree({ video: true, semantics: "user-chooses" }, true)).toBeUndefined(); // a member it does not know
    expect(ptzFree({ video: true, [Symbol("x")]: 1 }, true)).toBeUndefined();
    expect(ptzFree(new Proxy({}, { ownKeys() { throw new Error("trap"); } }), true)).toBeUndefined();
  });
});
