import { describe, expect, it } from "vitest";
import { isPickerAsk, planPicker, type PickerAsk } from "../../extension/lib/picker-plan";

const cam = (label: string, deviceId: string, width = 1920) => ({
  kind: "videoinput", label, deviceId, groupId: "g-" + deviceId,
  capabilities: { deviceId, width: { min: 1, max: width }, height: { min: 1, max: 1080 } },
});
const mic = (label: string, deviceId: string) => ({
  kind: "audioinput", label, deviceId, groupId: "g-" + deviceId, capabilities: { deviceId, echoCancellation: [true, false] },
});
const unconstrained = { basic: {}, advanced: [] };
const devices = [cam("Cam A", "a"), cam("Cam B", "b", 640), cam("Cam A", "a2"), mic("Mic", "m")];

describe("planPicker", () => {
  it("asks for a kind with several devices left, naming them by label and ordinal, best first", () => {
    const plan = planPicker({ devices, video: { basic: { width: { ideal: 1280 } }, advanced: [] } });
    expect(plan).toEqual({
      native: false,
      request: { video: { candidates: [{ label: "Cam A", ordinal: 0 }, { label: "Cam A", ordinal: 1 }, { label: "Cam B", ordinal: 0 }], constraints: { basic: { width: { ideal: 1280 } }, advanced: [] } } },
    });
  });

  it("asks no one when each kind has one device left, and names that device", () => {
    expect(planPicker({ devices, audio: unconstrained })).toEqual({ native: true, pin: { audio: { label: "Mic", ordinal: 0 } } });
    expect(planPicker({ devices, video: { basic: { deviceId: { exact: "b" } }, advanced: [] } }))
      .toEqual({ native: true, pin: { video: { label: "Cam B", ordinal: 0 } } });
    // An advanced set narrows the choice too (SelectSettings), where Chromium ignores its deviceId.
    expect(planPicker({ devices, video: { basic: {}, advanced: [{ deviceId: "b" }] } }))
      .toEqual({ native: true, pin: { video: { label: "Cam B", ordinal: 0 } } });
    // Without the page's list nothing is narrowed here: the picker asks.
    expect(planPicker({ devices: null, audio: unconstrained }).native).toBe(false);
  });

  it("asks only for the kinds with a choice to make", () => {
    const plan = planPicker({ devices, video: unconstrained, audio: unconstrained });
    expect(plan.native).toBe(false);
    if (!plan.native) expect(Object.keys(plan.request)).toEqual(["video"]);
  });

  it("leaves it to the native call (and its OverconstrainedError) when a kind has no device left", () => {
    expect(planPicker({ devices, video: { basic: { width: { min: 4000 } }, advanced: [] }, audio: unconstrained })).toEqual({ native: true });
  });

  it("without the page's device list, lets the picker compute and drops the page's ids", () => {
    const plan = planPicker({
      devices: null,
      video: { basic: { deviceId: "x", groupId: "y", width: 640 }, advanced: [{ deviceId: "x", height: 480 }] },
    });
    expect(plan).toEqual({
      native: false,
      request: { video: { candidates: null, constraints: { basic: { width: 640 }, advanced: [{ height: 480 }] } } },
    });
  });
});

describe("isPickerAsk", () => {
  const good: PickerAsk = { devices, video: unconstrained };
  it("accepts what the main world sends", () => {
    expect(isPickerAsk(good)).toBe(true);
    expect(isPickerAsk({ devices: null, audio: unconstrained })).toBe(true);
    expect(isPickerAsk({ devices: null, video: unconstrained, ptz: { browser: "prompt" } })).toBe(true);
  });
  it.each([
    ["no kind", { devices: null }],
    ["unknown member", { devices: null, video: unconstrained, screen: unconstrained }],
    ["devices not a list", { devices: "all", video: unconstrained }],
    ["a device of another kind", { devices: [{ ...cam("A", "a"), kind: "audiooutput" }], video: unconstrained }],
    ["a huge label", { devices: [cam("x".repeat(600), "a")], video: unconstrained }],
    ["too many devices", { devices: Array.from({ length: 65 }, (_, i) => cam("C", "c" + i)), video: unconstrained }],
    ["advanced not a list", { devices: null, video: { basic: {}, advanced: {} } }],
    ["a PTZ question without the browser state", { devices: null, video: unconstrained, ptz: {} }],
    ["a PTZ question with a long state", { devices: null, video: unconstrained, ptz: { browser: "x".repeat(40) } }],
    ["a PTZ question alone", { devices: null, ptz: { browser: "prompt" } }],
    ["null", null],
  ])("refuses %s", (_name, value) => {
    expect(isPickerAsk(value)).toBe(false);
  });
});
