/** The PTZ keyboard commands' step (extension/lib/ptz.ts): 5% of the range in whole steps, clamped. */
import { describe, expect, it } from "vitest";
import { PTZ_COMMANDS, stepValue } from "../../extension/lib/ptz";

describe("stepValue", () => {
  it("moves 5% of the range, in whole capability steps, clamped into the range", () => {
    expect(stepValue(100, { min: 100, max: 400, step: 1 }, 1)).toBe(115);
    expect(stepValue(100, { min: 100, max: 400, step: 1 }, -1)).toBe(100);
    expect(stepValue(395, { min: 100, max: 400, step: 1 }, 1)).toBe(400);
    expect(stepValue(0, { min: -180, max: 180, step: 7 }, 1)).toBe(21); // 18 → 3 steps of 7 (rounded)
    expect(stepValue(1, { min: 1, max: 2, step: 0.5 }, 1)).toBe(1.5); // at least one step
    expect(stepValue(0, { min: -10, max: 10, step: 0 }, -1)).toBe(-1); // step 0: 5% of the range
  });
  it("names six commands, two per axis", () => {
    expect(Object.values(PTZ_COMMANDS).map(([axis, dir]) => `${axis}${dir}`).sort())
      .toEqual(["pan-1", "pan1", "tilt-1", "tilt1", "zoom-1", "zoom1"]);
  });
});
