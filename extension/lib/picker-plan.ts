/**
 * The service worker's half of "user-chooses": from what the page's main world reports (its own
 * device list, when it can see labels, and its constraints per kind), decide whether the user must
 * choose. Pure, unit-tested (tests/unit/picker-plan.test.ts). Running the SelectSettings
 * algorithm here rather than in the page keeps the main-world script small; the page's data is
 * trusted for nothing but narrowing its own request.
 */
import { candidatesFor, type DeviceRecord } from "../picker/candidates";
import { isObject, type Loose } from "./guards";
import { CAPTURE_KINDS, isConstraintSets, type CaptureKind, type PickerChoice, type PickerKindRequest, type PickerRequest } from "./picker";

type Constraints = PickerKindRequest["constraints"];

/** What the main world sends with `picker.open`. */
export interface PickerAsk {
  /** The page's enumerateDevices() inputs with capabilities, or null when it sees no labels (no
   * permission yet): the picker then computes the candidates with the extension's devices. */
  devices: DeviceRecord[] | null;
  video?: Constraints;
  audio?: Constraints;
  /** The call also asks for pan/tilt/zoom on a site where PTZ is "ask": the picker asks that too
   * (one window per request). `browser`: the page's own PTZ permission state, for the wording. */
  ptz?: { browser: string };
}

const MAX_DEVICES = 64;

function isDeviceRecord(v: unknown): v is DeviceRecord {
  return isObject(v) && (v.kind === "videoinput" || v.kind === "audioinput") &&
    typeof v.deviceId === "string" && v.deviceId.length <= 256 && typeof v.groupId === "string" &&
    v.groupId.length <= 256 && typeof v.label === "string" && v.label.length <= 512 && isObject(v.capabilities);
}

export function isPickerAsk(v: unknown): v is PickerAsk {
  if (!isObject(v)) return false;
  let kinds = 0;
  for (const key of Object.keys(v)) {
    if (key === "devices") continue;
    if (key === "ptz") {
      if (!isObject(v.ptz) || typeof v.ptz.browser !== "string" || v.ptz.browser.length > 16) return false;
      continue;
    }
    if (key !== "video" && key !== "audio") return false;
    if (!isConstraintSets(v[key])) return false;
    kinds++;
  }
  if (kinds === 0) return false;
  return v.devices === null ||
    (Array.isArray(v.devices) && v.devices.length <= MAX_DEVICES && v.devices.every(isDeviceRecord));
}

function withoutIds(set: Loose): Loose {
  const { deviceId: _d, groupId: _g, ...rest } = set;
  return rest;
}

/**
 * `native`: the browser may decide (no kind has more than one device left, or one kind has none,
 * which the native call reports with its own OverconstrainedError). Otherwise the picker request:
 * the kinds with more than one candidate. `pin`: the device each kind with exactly one left has
 * (from the page's list), which the call is then made with: the browser's own choice may differ,
 * as Chromium ignores an advanced `deviceId` that the spec's SelectSettings counts.
 */
export function planPicker(ask: PickerAsk): { native: true; pin?: PickerChoice } | { native: false; request: PickerRequest } {
  const request: PickerRequest = {};
  let pin: PickerChoice | undefined;
  for (const kind of CAPTURE_KINDS) {
    const constraints = ask[kind];
    if (!constraints) continue;
    if (!ask.devices) {
      // The page's device and group ids mean nothing to the extension's own device list.
      request[kind] = {
        candidates: null,
        constraints: { basic: withoutIds(constraints.basic), advanced: constraints.advanced.map(withoutIds) },
      };
      continue;
    }
    const options = candidatesFor(ask.devices, kind as CaptureKind, { candidates: null, constraints });
    if (options.length === 0) return { native: true };
    if (options.length > 1) request[kind] = { candidates: options.map((o) => o.ref), constraints };
    else (pin ??= {})[kind as CaptureKind] = options[0].ref;
  }
  if (CAPTURE_KINDS.some((k) => request[k])) return { native: false, request };
  return pin ? { native: true, pin } : { native: true };
}
