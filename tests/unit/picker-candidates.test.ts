import { describe, expect, it } from "vitest";
import {
  candidatesFor, findDevice, initialSelection, labelState, refKey, uniqueDevices, type DeviceRecord,
} from "../../extension/picker/candidates";
import type { PickerKindRequest } from "../../extension/lib/picker";

const camCaps = (width: number, height: number, facingMode: string[] = []) => ({
  width: { min: 1, max: width }, height: { min: 1, max: height }, frameRate: { min: 1, max: 30 }, facingMode,
});

function cam(deviceId: string, label: string, groupId: string, caps = camCaps(1920, 1080)): DeviceRecord {
  return { kind: "videoinput", deviceId, groupId, label, capabilities: caps };
}
function mic(deviceId: string, label: string, groupId: string, caps: Record<string, unknown> = {}): DeviceRecord {
  return { kind: "audioinput", deviceId, groupId, label, capabilities: { channelCount: { min: 1, max: 2 }, ...caps } };
}
const speaker = (deviceId: string, label: string, groupId: string): DeviceRecord =>
  ({ kind: "audiooutput", deviceId, groupId, label, capabilities: {} });

const unconstrained: PickerKindRequest = { candidates: null, constraints: { basic: {}, advanced: [] } };
const refs = (...list: [string, number][]): PickerKindRequest =>
  ({ candidates: list.map(([label, ordinal]) => ({ label, ordinal })), constraints: { basic: {}, advanced: [] } });

describe("matching the page's device refs", () => {
  // Two identical webcams: only enumeration order tells them apart, in every origin.
  const devices = [
    mic("m1", "USB Camera Mic", "g1"),
    cam("c1", "USB Camera", "g1"),
    speaker("s1", "USB Camera", "g1"),
    cam("c2", "Integrated Camera", "g2"),
    cam("c3", "USB Camera", "g3"),
  ];

  it("tells identical labels apart by ordinal among devices of the same kind", () => {
    expect(findDevice(devices, "video", { label: "USB Camera", ordinal: 0 })?.deviceId).toBe("c1");
    expect(findDevice(devices, "video", { label: "USB Camera", ordinal: 1 })?.deviceId).toBe("c3");
    expect(findDevice(devices, "video", { label: "USB Camera", ordinal: 2 })).toBeNull();
    expect(findDevice(devices, "audio", { label: "USB Camera", ordinal: 0 })).toBeNull();
  });

  it("keeps the page's order (best first) and returns refs the page will recognise", () => {
    const options = candidatesFor(devices, "video", refs(["USB Camera", 1], ["Integrated Camera", 0], ["USB Camera", 0]));
    expect(options.map((o) => o.deviceId)).toEqual(["c3", "c2", "c1"]);
    expect(options[0].ref).toEqual({ label: "USB Camera", ordinal: 1 });
    expect(options[0].label).toBe("USB Camera");
  });

  it("drops refs to devices that are gone, and repeated refs", () => {
    const options = candidatesFor(devices, "video", refs(["Unplugged Cam", 0], ["USB Camera", 0], ["USB Camera", 0]));
    expect(options.map((o) => o.deviceId)).toEqual(["c1"]);
  });

  it("ignores the page's constraints when it sent its own candidates", () => {
    const request: PickerKindRequest = { ...refs(["Integrated Camera", 0]), constraints: { basic: { width: { min: 99999 } }, advanced: [] } };
    expect(candidatesFor(devices, "video", request).map((o) => o.deviceId)).toEqual(["c2"]);
  });
});

describe("computing candidates when the page could not", () => {
  const devices = [
    cam("a", "Low Res Cam", "ga", camCaps(640, 480)),
    cam("b", "HD Cam", "gb", camCaps(1280, 720)),
    cam("c", "Front Cam", "gc", camCaps(1920, 1080, ["user"])),
    mic("d", "Mic", "gd"),
  ];

  it("offers every device of the kind, in enumeration order, without constraints", () => {
    expect(candidatesFor(devices, "video", unconstrained).map((o) => o.deviceId)).toEqual(["a", "b", "c"]);
    expect(candidatesFor(devices, "audio", unconstrained).map((o) => o.deviceId)).toEqual(["d"]);
  });

  it("filters by required constraints and sorts by fitness distance", () => {
    const request: PickerKindRequest = {
      candidates: null,
      constraints: { basic: { width: { min: 1000 }, facingMode: "user" }, advanced: [] },
    };
    // Both can do 1000+ px; only Front Cam reports facingMode "user" (ideal), so it comes first.
    expect(candidatesFor(devices, "video", request).map((o) => o.deviceId)).toEqual(["c", "b"]);
  });

  it("applies advanced sets", () => {
    const request: PickerKindRequest = {
      candidates: null,
      constraints: { basic: {}, advanced: [{ width: 1920 }] },
    };
    expect(candidatesFor(devices, "video", request).map((o) => o.deviceId)).toEqual(["c"]);
  });

  it("offers nothing when no device meets a required constraint", () => {
    const request: PickerKindRequest = { candidates: null, constraints: { basic: { width: { exact: 4096 } }, advanced: [] } };
    expect(candidatesFor(devices, "video", request)).toEqual([]);
  });

  it("numbers identical labels so that the page can find the same device", () => {
    const twins = [cam("x", "Cam", "g1"), cam("y", "Cam", "g2")];
    expect(candidatesFor(twins, "video", unconstrained).map((o) => o.ref)).toEqual([
      { label: "Cam", ordinal: 0 }, { label: "Cam", ordinal: 1 },
    ]);
  });
});

describe("unique devices", () => {
  // What Chrome lists on a real machine: the system default first, under the alias "default".
  const devices = [
    mic("default", "Default - Headset Microphone", "g-headset"),
    mic("communications", "Communications - Headset Microphone", "g-headset"),
    mic("h", "Headset Microphone", "g-headset"),
    mic("i", "Internal Microphone", "g-internal"),
  ];

  it("drops the default and communications aliases of a listed device", () => {
    expect(uniqueDevices(devices).map((d) => d.deviceId)).toEqual(["h", "i"]);
    expect(candidatesFor(devices, "audio", unconstrained).map((o) => o.label))
      .toEqual(["Headset Microphone", "Internal Microphone"]);
  });

  it("drops aliases among the page's candidates too", () => {
    const request = refs(["Default - Headset Microphone", 0], ["Headset Microphone", 0], ["Internal Microphone", 0]);
    expect(candidatesFor(devices, "audio", request).map((o) => o.deviceId)).toEqual(["h", "i"]);
  });

  it("keeps an alias whose device is not listed separately (Chrome's fake devices)", () => {
    const fake = [
      mic("default", "Fake Default Audio Input", "g0"),
      mic("f1", "Fake Audio Input 1", "g1"),
      mic("f2", "Fake Audio Input 2", "g2"),
    ];
    expect(candidatesFor(fake, "audio", unconstrained).map((o) => o.deviceId)).toEqual(["default", "f1", "f2"]);
  });

  it("keeps one of several aliases of the same device", () => {
    const aliases = [mic("default", "Default - X", "gx"), mic("communications", "Communications - X", "gx")];
    expect(uniqueDevices(aliases).map((d) => d.deviceId)).toEqual(["default"]);
  });

  it("does not merge devices whose group id is unknown", () => {
    const unknown = [mic("default", "Default - X", ""), mic("x", "X", "")];
    expect(uniqueDevices(unknown)).toHaveLength(2);
  });
});

describe("pre-selection", () => {
  const devices = [cam("a", "First", "g1"), cam("b", "Second", "g2"), cam("c", "Second", "g3")];
  const options = candidatesFor(devices, "video", unconstrained);

  it("selects the remembered device when it is offered", () => {
    expect(initialSelection(options, "Second")?.deviceId).toBe("b");
  });

  it("selects the best candidate when nothing is remembered or the remembered device is not offered", () => {
    expect(initialSelection(options, undefined)?.deviceId).toBe("a");
    expect(initialSelection(options, "Unplugged")?.deviceId).toBe("a");
    const narrowed = candidatesFor(devices, "video", refs(["Second", 1], ["First", 0]));
    expect(initialSelection(narrowed, "Elsewhere")?.deviceId).toBe("c");
  });

  it("selects nothing when nothing is offered", () => {
    expect(initialSelection([], "First")).toBeNull();
  });

  it("gives every option a distinct key", () => {
    expect(new Set(options.map((o) => refKey(o.ref))).size).toBe(3);
  });
});

describe("label state", () => {
  it("needs the extension's own grant when Chrome hides labels", () => {
    const hidden = [{ kind: "videoinput", deviceId: "", groupId: "", label: "", capabilities: {} }];
    expect(labelState(hidden, "video")).toBe("needs-access");
    expect(labelState(hidden, "audio")).toBe("none");
    expect(labelState([cam("a", "A", "g")], "video")).toBe("ready");
  });
});
