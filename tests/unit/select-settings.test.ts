import { describe, expect, it } from "vitest";
import {
  fitnessDistance,
  normalizeTrackConstraints,
  selectDevices,
  type DeviceCapabilities,
} from "../../src/semantics/select-settings";

const camera: DeviceCapabilities = {
  deviceId: "cam-1",
  groupId: "group-1",
  width: { min: 1, max: 1920 },
  height: { min: 1, max: 1080 },
  aspectRatio: { min: 0.001, max: 1920 },
  frameRate: { min: 1, max: 30 },
  facingMode: ["user"],
  resizeMode: ["none", "crop-and-scale"],
};

const microphone: DeviceCapabilities = {
  deviceId: "mic-1",
  groupId: "group-1",
  echoCancellation: [true, false],
  autoGainControl: [true],
  noiseSuppression: [false],
  sampleRate: { min: 48000, max: 48000 },
  channelCount: { min: 1, max: 2 },
};

function device(deviceId: string, label: string, capabilities: DeviceCapabilities) {
  return { deviceId, label, capabilities: { ...capabilities, deviceId } };
}

describe("fitnessDistance: numeric ranges", () => {
  it("is 0 for an exact value inside the range", () => {
    expect(fitnessDistance(camera, { width: { exact: 640 } })).toBe(0);
  });

  it("is Infinity for an exact value outside the range", () => {
    expect(fitnessDistance(camera, { width: { exact: 4000 } })).toBe(Infinity);
  });

  it("honours min and max against the range", () => {
    expect(fitnessDistance(camera, { frameRate: { min: 15, max: 60 } })).toBe(0);
    expect(fitnessDistance(camera, { frameRate: { min: 31 } })).toBe(Infinity);
    expect(fitnessDistance(camera, { frameRate: { max: 0.5 } })).toBe(Infinity);
  });

  it("is Infinity when min is above max", () => {
    expect(fitnessDistance(camera, { width: { min: 800, max: 600 } })).toBe(Infinity);
  });

  it("is 0 for an ideal value the range can produce", () => {
    expect(fitnessDistance(camera, { width: 1280 })).toBe(0);
    expect(fitnessDistance(camera, { width: { ideal: 1280 } })).toBe(0);
  });

  it("measures an unreachable ideal from the closest producible value", () => {
    // actual = 1920, ideal = 3840: |1920 - 3840| / 3840 = 0.5
    expect(fitnessDistance(camera, { width: { ideal: 3840 } })).toBeCloseTo(0.5, 12);
    // actual = 30, ideal = 60: 0.5
    expect(fitnessDistance(camera, { frameRate: 60 })).toBeCloseTo(0.5, 12);
  });

  it("takes the closest value that also meets the constraint's own min", () => {
    // ideal 320 but min 640: actual = 640, |640 - 320| / 640 = 0.5
    expect(fitnessDistance(camera, { width: { min: 640, ideal: 320 } })).toBeCloseTo(0.5, 12);
  });

  it("sums the distances of all members", () => {
    expect(fitnessDistance(camera, { width: 3840, frameRate: 60 })).toBeCloseTo(1, 12);
  });

  it("treats a single-number capability as a one-value range", () => {
    expect(fitnessDistance({ sampleRate: 44100 }, { sampleRate: { exact: 44100 } })).toBe(0);
    expect(fitnessDistance({ sampleRate: 44100 }, { sampleRate: { exact: 48000 } })).toBe(Infinity);
  });

  it("reads only own members: an inherited exact does not make a requirement", () => {
    const inherited = Object.create({ exact: 4000 }) as Record<string, unknown>;
    inherited.ideal = 640;
    expect(fitnessDistance(camera, { width: inherited })).toBe(0);
    expect(fitnessDistance(camera, { width: { exact: 4000, ideal: 640 } })).toBe(Infinity);
  });

  it("with requiredOnly, ignores ideal distances", () => {
    expect(fitnessDistance(camera, { width: 3840 }, { requiredOnly: true })).toBe(0);
    expect(fitnessDistance(camera, { width: { exact: 3840 } }, { requiredOnly: true })).toBe(Infinity);
    expect(fitnessDistance(camera, { facingMode: "environment", sampleRate: 8000 }, { requiredOnly: true })).toBe(0);
  });

  it("treats bare values as exact when asked (advanced sets)", () => {
    expect(fitnessDistance(camera, { width: 3840 }, { bareValues: "exact" })).toBe(Infinity);
    expect(fitnessDistance(camera, { width: 640 }, { bareValues: "exact" })).toBe(0);
  });
});

describe("fitnessDistance: deviceId and groupId", () => {
  it("treats a bare deviceId as ideal: a mismatch costs 1, not Infinity", () => {
    expect(fitnessDistance(camera, { deviceId: "other" })).toBe(1);
    expect(fitnessDistance(camera, { deviceId: "cam-1" })).toBe(0);
  });

  it("requires an exact deviceId", () => {
    expect(fitnessDistance(camera, { deviceId: { exact: "other" } })).toBe(Infinity);
    expect(fitnessDistance(camera, { deviceId: { exact: "cam-1" } })).toBe(0);
  });

  it("accepts any of a list of exact deviceIds", () => {
    expect(fitnessDistance(camera, { deviceId: { exact: ["x", "cam-1"] } })).toBe(0);
    expect(fitnessDistance(camera, { deviceId: { exact: ["x", "y"] } })).toBe(Infinity);
  });

  it("handles groupId like deviceId", () => {
    expect(fitnessDistance(camera, { groupId: { ideal: "group-2" } })).toBe(1);
    expect(fitnessDistance(camera, { groupId: { exact: "group-2" } })).toBe(Infinity);
  });
});

describe("fitnessDistance: strings and enums", () => {
  it("is 0 when the ideal facingMode is supported and 1 when not", () => {
    expect(fitnessDistance(camera, { facingMode: "user" })).toBe(0);
    expect(fitnessDistance(camera, { facingMode: "environment" })).toBe(1);
  });

  it("is 0 when any value of an ideal list is supported", () => {
    expect(fitnessDistance(camera, { facingMode: ["environment", "user"] })).toBe(0);
    expect(fitnessDistance(camera, { facingMode: { ideal: ["environment", "left"] } })).toBe(1);
  });

  it("is Infinity for an unsupported exact facingMode", () => {
    expect(fitnessDistance(camera, { facingMode: { exact: "environment" } })).toBe(Infinity);
    expect(fitnessDistance(camera, { facingMode: { exact: ["environment", "user"] } })).toBe(0);
  });

  it("treats an empty facingMode capability as no value", () => {
    const webcam = { ...camera, facingMode: [] };
    expect(fitnessDistance(webcam, { facingMode: "user" })).toBe(1);
    expect(fitnessDistance(webcam, { facingMode: { exact: "user" } })).toBe(Infinity);
  });

  it("treats an empty list as if the constraint were not given", () => {
    expect(fitnessDistance(camera, { facingMode: [] })).toBe(0);
    expect(fitnessDistance(camera, { facingMode: { exact: [] } })).toBe(0);
  });

  it("requires the ideal to be compatible with the exact list", () => {
    expect(fitnessDistance(camera, { resizeMode: { exact: "none", ideal: "crop-and-scale" } })).toBe(1);
    expect(fitnessDistance(camera, { resizeMode: { exact: ["none", "crop-and-scale"], ideal: "crop-and-scale" } })).toBe(0);
  });
});

describe("fitnessDistance: booleans", () => {
  it("is 0 for a supported ideal and 1 for an unsupported one", () => {
    expect(fitnessDistance(microphone, { autoGainControl: true })).toBe(0);
    expect(fitnessDistance(microphone, { autoGainControl: false })).toBe(1);
  });

  it("is Infinity for an unsupported exact boolean", () => {
    expect(fitnessDistance(microphone, { noiseSuppression: { exact: true } })).toBe(Infinity);
    expect(fitnessDistance(microphone, { echoCancellation: { exact: false } })).toBe(0);
  });

  it("treats a bare boolean as a presence test for pan/tilt/zoom (step 4)", () => {
    expect(fitnessDistance(camera, { zoom: true })).toBe(1);
    expect(fitnessDistance(camera, { zoom: false })).toBe(0);
    const ptz = { ...camera, zoom: { min: 1, max: 4 } };
    expect(fitnessDistance(ptz, { zoom: true })).toBe(0);
  });
});

describe("fitnessDistance: constraints the device or browser does not know", () => {
  it("is Infinity for a required constraint the device does not report", () => {
    expect(fitnessDistance(camera, { sampleRate: { exact: 48000 } })).toBe(Infinity);
    expect(fitnessDistance(camera, { torch: { exact: true } })).toBe(Infinity);
  });

  it("is 1 for an ideal constraint the device does not report", () => {
    expect(fitnessDistance(camera, { sampleRate: 48000 })).toBe(1);
  });

  it("is 0 for a constraint name the browser does not support, even if required", () => {
    expect(fitnessDistance(camera, { madeUp: { exact: 1 } })).toBe(0);
    expect(fitnessDistance(camera, { madeUp: 1 })).toBe(0);
  });

  it("lets the caller choose the supported names", () => {
    expect(fitnessDistance(camera, { madeUp: { exact: 1 } }, { supportedConstraints: ["madeUp"] })).toBe(Infinity);
  });
});

describe("selectDevices", () => {
  const front = device("front", "Front camera", { ...camera, facingMode: ["user"], width: { min: 1, max: 1280 } });
  const back = device("back", "Back camera", { ...camera, facingMode: ["environment"], width: { min: 1, max: 4032 } });

  it("drops devices that fail a required basic constraint", () => {
    const result = selectDevices([front, back], { basic: { width: { min: 1920 } } });
    expect(result.candidates).toEqual([back]);
    expect(result.failedConstraint).toBeNull();
  });

  it("keeps devices that only miss an ideal value", () => {
    const result = selectDevices([front, back], { basic: { facingMode: "left" } });
    expect(result.candidates).toEqual([front, back]);
  });

  it("names the first required constraint that no device satisfies", () => {
    const result = selectDevices([front, back], {
      basic: { width: { min: 100 }, frameRate: { exact: 120 }, height: { exact: 5000 } },
    });
    expect(result.candidates).toEqual([]);
    expect(result.failedConstraint).toBe("frameRate");
  });

  it("follows the page's order when naming the failed constraint", () => {
    const result = selectDevices([front, back], {
      basic: { height: { exact: 5000 }, frameRate: { exact: 120 } },
    });
    expect(result.failedConstraint).toBe("height");
  });

  it("does not blame a constraint that some device satisfies", () => {
    // front fails width, back fails facingMode: neither constraint fails everywhere.
    const result = selectDevices([front, back], {
      basic: { width: { min: 1920 }, facingMode: { exact: "user" } },
    });
    expect(result.candidates).toEqual([]);
    expect(result.failedConstraint).toBe("");
  });

  it("gives an empty failedConstraint when there are no devices", () => {
    expect(selectDevices([], { basic: { width: { exact: 1 } } })).toEqual({ candidates: [], failedConstraint: "" });
  });

  it("narrows candidates with a satisfiable advanced set", () => {
    const result = selectDevices([front, back], { basic: {}, advanced: [{ facingMode: "environment" }] });
    expect(result.candidates).toEqual([back]);
  });

  it("skips an advanced set that no candidate satisfies and applies later ones", () => {
    const result = selectDevices([front, back], {
      basic: {},
      advanced: [{ width: 10000 }, { facingMode: "user" }],
    });
    expect(result.candidates).toEqual([front]);
  });

  it("applies advanced sets in order: a later set cannot undo an earlier one", () => {
    const result = selectDevices([front, back], {
      basic: {},
      advanced: [{ facingMode: "environment" }, { facingMode: "user" }],
    });
    expect(result.candidates).toEqual([back]);
  });

  it("sorts candidates by the basic set's fitness distance", () => {
    const result = selectDevices([front, back], { basic: { facingMode: "environment" } });
    expect(result.candidates).toEqual([back, front]);
  });

  it("sorts by numeric distance", () => {
    // ideal width 3840: back (4032) reaches it, front tops out at 1280.
    const result = selectDevices([front, back], { basic: { width: 3840 } });
    expect(result.candidates.map((d) => d.deviceId)).toEqual(["back", "front"]);
  });

  it("keeps the input order for equal distances", () => {
    const result = selectDevices([back, front], { basic: { frameRate: 30 } });
    expect(result.candidates).toEqual([back, front]);
  });

  it("keeps devices with identical labels distinct by deviceId", () => {
    const a = device("id-a", "USB Camera", camera);
    const b = device("id-b", "USB Camera", camera);
    const all = selectDevices([a, b], { basic: {} });
    expect(all.candidates).toHaveLength(2);
    expect(all.candidates[0]).toBe(a);
    expect(all.candidates[1]).toBe(b);
    const picked = selectDevices([a, b], { basic: { deviceId: { exact: "id-b" } } });
    expect(picked.candidates).toHaveLength(1);
    expect(picked.candidates[0]).toBe(b);
    const preferred = selectDevices([a, b], { basic: { deviceId: "id-b" } });
    expect(preferred.candidates).toEqual([b, a]);
    expect(preferred.candidates[0]).toBe(b);
  });
});

describe("normalizeTrackConstraints", () => {
  it("returns null for false and undefined", () => {
    expect(normalizeTrackConstraints(false)).toBeNull();
    expect(normalizeTrackConstraints(undefined)).toBeNull();
  });

  it("returns empty sets for true", () => {
    expect(normalizeTrackConstraints(true)).toEqual({ basic: {}, advanced: [] });
  });

  it("converts other primitives to a boolean, as WebIDL does", () => {
    expect(normalizeTrackConstraints(1)).toEqual({ basic: {}, advanced: [] });
    expect(normalizeTrackConstraints(0)).toBeNull();
  });

  it("splits an object into the basic set and the advanced sets", () => {
    const result = normalizeTrackConstraints({
      width: { min: 640, ideal: 1280 },
      facingMode: ["user", "environment"],
      advanced: [{ frameRate: 30 }, null],
    });
    expect(result).toEqual({
      basic: { width: { min: 640, ideal: 1280 }, facingMode: ["user", "environment"] },
      advanced: [{ frameRate: 30 }, {}],
    });
  });

  it("copies only own members", () => {
    const inherited = Object.create({ height: 720 }) as Record<string, unknown>;
    inherited.width = 640;
    const result = normalizeTrackConstraints(inherited);
    expect(result).toEqual({ basic: { width: 640 }, advanced: [] });
  });

  it("takes a snapshot the page cannot change afterwards", () => {
    const width = { exact: 640 };
    const result = normalizeTrackConstraints({ width });
    width.exact = 4000;
    expect(result).toEqual({ basic: { width: { exact: 640 } }, advanced: [] });
  });

  it("rejects a non-array advanced member with a TypeError", () => {
    const result = normalizeTrackConstraints({ advanced: 5 });
    expect(result).toMatchObject({ error: "TypeError" });
  });

  it("rejects a non-object advanced entry with a TypeError", () => {
    const result = normalizeTrackConstraints({ advanced: [{}, "x"] });
    expect(result).toMatchObject({ error: "TypeError" });
  });

  it("feeds selectDevices", () => {
    const normalized = normalizeTrackConstraints({ deviceId: { exact: "id-b" } });
    if (!normalized || "error" in normalized) throw new Error("expected constraints");
    const a = device("id-a", "Mic", microphone);
    const b = device("id-b", "Mic", microphone);
    expect(selectDevices([a, b], normalized).candidates).toEqual([b]);
  });
});
