/**
 * Which devices the picker offers, from the extension's own device list. Pure: it takes plain
 * device records (what enumerateDevices() and getCapabilities() said), so it is unit-tested
 * without a browser.
 *
 * Devices are named across origins by label and ordinal (extension/lib/picker.ts): the page and
 * the extension see different device ids for the same camera, but the same labels in the same
 * order.
 */
import type { CaptureKind, DeviceRef, PickerKindRequest } from "../lib/picker";
import { selectDevices } from "../../src/semantics/select-settings";

/** One entry of enumerateDevices(), with its capabilities when the browser gave them. */
export interface DeviceRecord {
  kind: string;
  deviceId: string;
  groupId: string;
  label: string;
  capabilities: Record<string, unknown>;
}

/** A device the user can pick: how the page will know it (ref), and how this page opens it. */
export interface DeviceOption {
  ref: DeviceRef;
  deviceId: string;
  groupId: string;
  label: string;
}

export const DEVICE_KIND: Record<CaptureKind, "videoinput" | "audioinput"> = {
  video: "videoinput",
  audio: "audioinput",
};

/** Chrome lists the system default (and on Windows the communications device) a second time
 * under these ids, next to the device's own entry. */
const ALIAS_IDS = ["default", "communications"];

interface Numbered extends DeviceRecord {
  ordinal: number;
}

/** The devices of one kind in enumeration order, each with its ordinal among same-label devices. */
function ofKind(devices: readonly DeviceRecord[], kind: CaptureKind): Numbered[] {
  const seen = new Map<string, number>();
  const out: Numbered[] = [];
  for (const device of devices) {
    if (device.kind !== DEVICE_KIND[kind]) continue;
    const ordinal = seen.get(device.label) ?? 0;
    seen.set(device.label, ordinal + 1);
    out.push({ ...device, ordinal });
  }
  return out;
}

/**
 * Drops alias entries ("default", "communications") whose device is also listed under its own id
 * (same groupId), so each physical device is offered once. An alias with no such twin stays; of
 * several aliases of one group with no twin, the first stays.
 */
export function uniqueDevices<D extends { deviceId: string; groupId: string }>(devices: readonly D[]): D[] {
  const isAlias = (d: D) => ALIAS_IDS.includes(d.deviceId);
  return devices.filter((device, index) => {
    if (!isAlias(device) || device.groupId === "") return true;
    return !devices.some((other, otherIndex) => other !== device && other.groupId === device.groupId &&
      (!isAlias(other) || otherIndex < index));
  });
}

export type LabelState =
  /** Every device of the kind has a label: the picker can offer them by name. */
  | "ready"
  /** The extension has no grant for the kind: Chrome hides labels (and ids). */
  | "needs-access"
  /** No device of the kind at all. */
  | "none";

export function labelState(devices: readonly DeviceRecord[], kind: CaptureKind): LabelState {
  const list = devices.filter((d) => d.kind === DEVICE_KIND[kind]);
  if (list.length === 0) return "none";
  return list.every((d) => d.label !== "" && d.deviceId !== "") ? "ready" : "needs-access";
}

function toOption(device: Numbered): DeviceOption {
  return {
    ref: { label: device.label, ordinal: device.ordinal },
    deviceId: device.deviceId,
    groupId: device.groupId,
    label: device.label,
  };
}

/** The extension's device that a page's DeviceRef names, or null when it is not (or no longer) there. */
export function findDevice(devices: readonly DeviceRecord[], kind: CaptureKind, ref: DeviceRef): DeviceOption | null {
  const match = ofKind(devices, kind).find((d) => d.label === ref.label && d.ordinal === ref.ordinal);
  return match ? toOption(match) : null;
}

/**
 * The devices to offer for one kind, best first:
 * - the page's own candidates (`request.candidates`) matched to the extension's devices by label
 *   and ordinal, in the page's order; refs that match nothing (unplugged since) are dropped;
 * - or, when the page could not compute them, SelectSettings over the extension's devices with
 *   the page's constraints (basic and advanced), sorted by fitness distance.
 * Alias entries are dropped when their device is offered under its own id.
 */
export function candidatesFor(devices: readonly DeviceRecord[], kind: CaptureKind, request: PickerKindRequest): DeviceOption[] {
  const all = ofKind(devices, kind);
  let chosen: Numbered[];
  if (request.candidates) {
    chosen = [];
    for (const ref of request.candidates) {
      const match = all.find((d) => d.label === ref.label && d.ordinal === ref.ordinal);
      if (match && !chosen.includes(match)) chosen.push(match);
    }
  } else {
    chosen = selectDevices(uniqueDevices(all), {
      basic: request.constraints.basic,
      advanced: request.constraints.advanced,
    }).candidates;
  }
  return uniqueDevices(chosen).map(toOption);
}

/**
 * When the picker computed the candidates itself (the page could not see labels) and none is
 * left: the constraint to name in the OverconstrainedError ("" when no single one failed).
 * null when there is something to choose, or when the page gave the candidates.
 */
export function failedConstraintFor(devices: readonly DeviceRecord[], kind: CaptureKind, request: PickerKindRequest): string | null {
  if (request.candidates) return null;
  const result = selectDevices(uniqueDevices(ofKind(devices, kind)), {
    basic: request.constraints.basic,
    advanced: request.constraints.advanced,
  });
  return result.candidates.length ? null : result.failedConstraint ?? "";
}

/** The option to select first: the remembered device when it is offered, else the best one. */
export function initialSelection(options: readonly DeviceOption[], rememberedLabel: string | undefined): DeviceOption | null {
  if (rememberedLabel !== undefined) {
    const remembered = options.find((o) => o.label === rememberedLabel);
    if (remembered) return remembered;
  }
  return options[0] ?? null;
}

/** A string that identifies a ref, for radio values and keys. */
export function refKey(ref: DeviceRef): string {
  return `${ref.ordinal}:${ref.label}`;
}
