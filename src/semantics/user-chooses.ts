/**
 * getUserMedia "user-chooses" semantics (Media Capture Extensions, "Algorithms"), in today's
 * Chromium: for each requested kind, the devices that satisfy the page's constraints form the
 * candidate set; when more than one remains and the semantics are "user-chooses", the extension's
 * picker (a window the page cannot reach) asks the user, and the native getUserMedia then runs
 * with `deviceId: {exact}` of the chosen device, so the track's source never changes. In every
 * other case the native method gets the page's own call, untouched.
 *
 * Runs in the page's realm: built-ins come from lib/natives, no promise methods of the page are
 * consulted, and nothing the page controls is trusted for more than its own request.
 */
import type { PageBridge } from "../bridge/page-bridge";
import { effectiveSemantics } from "../bridge/protocol";
import {
  apply, defineProperty, deviceInfoDeviceId, deviceInfoGroupId, deviceInfoKind, deviceInfoLabel, DOMExceptionCtor,
  hasOwn, inputDeviceGetCapabilities, isArray, nativeEnumerateDevices, objectCreate, ownKeys, PromiseCtor, promiseReject,
  promiseThen, TypeErrorCtor,
} from "../lib/natives";
import { intercept } from "../core/media-methods";
import { normalizeTrackConstraints, selectDevices, type ConstraintSet, type NormalizedTrackConstraints } from "./select-settings";
import type { CaptureKind, DeviceRef, PickerChoice, PickerKindRequest, PickerRequest } from "../../extension/lib/picker";

const INPUT_KIND: Record<CaptureKind, string> = { video: "videoinput", audio: "audioinput" };

interface PageDevice {
  kind: string;
  deviceId: string;
  groupId: string;
  label: string;
  /** Index among the devices of the same kind and label, in enumeration order. */
  ordinal: number;
  capabilities: Record<string, unknown>;
  info: object;
}

function append<T>(list: T[], item: T): void {
  defineProperty(list, list.length, { value: item, writable: true, enumerable: true, configurable: true });
}

function set(object: object, key: string, value: unknown): void {
  defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Reads the page's device list through the native getters (never the wrapped label getter). */
function readDevices(list: unknown): PageDevice[] {
  const out: PageDevice[] = [];
  if (!isArray(list)) return out;
  const items = list as unknown[];
  for (let i = 0; i < items.length; i++) {
    const info = items[i] as object;
    const kind = apply(deviceInfoKind!, info, []) as string;
    if (kind !== "videoinput" && kind !== "audioinput") continue;
    const label = apply(deviceInfoLabel!, info, []) as string;
    let ordinal = 0;
    for (let j = 0; j < out.length; j++) if (out[j].kind === kind && out[j].label === label) ordinal++;
    let capabilities: Record<string, unknown> = objectCreate(null);
    if (inputDeviceGetCapabilities) {
      try {
        capabilities = apply(inputDeviceGetCapabilities, info, []) as Record<string, unknown>;
      } catch {
        // Not an InputDeviceInfo: no capabilities.
      }
    }
    append(out, {
      kind, label, ordinal, capabilities, info,
      deviceId: apply(deviceInfoDeviceId!, info, []) as string,
      groupId: apply(deviceInfoGroupId!, info, []) as string,
    });
  }
  return out;
}

/** One entry per physical device: Chrome also lists the system default (and "communications")
 * as an alias that shares its groupId with the real entry. */
function uniqueOfKind(devices: PageDevice[], kind: string): PageDevice[] {
  const out: PageDevice[] = [];
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    if (d.kind !== kind) continue;
    if (d.deviceId === "default" || d.deviceId === "communications") {
      let alias = false;
      for (let j = 0; j < devices.length; j++) {
        const other = devices[j];
        if (other !== d && other.kind === kind && other.groupId === d.groupId &&
          other.deviceId !== "default" && other.deviceId !== "communications") alias = true;
      }
      if (alias) continue;
    }
    append(out, d);
  }
  return out;
}

/** A JSON-safe copy of a constraint set, optionally without the page's device and group ids. */
function plainSet(set0: ConstraintSet, dropIds: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = ownKeys(set0);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== "string") continue;
    if (dropIds && (key === "deviceId" || key === "groupId")) continue;
    set(out, key, set0[key]);
  }
  return out;
}

function plainConstraints(c: NormalizedTrackConstraints, dropIds: boolean): PickerKindRequest["constraints"] {
  const advanced: Record<string, unknown>[] = [];
  for (let i = 0; i < c.advanced.length; i++) append(advanced, plainSet(c.advanced[i], dropIds));
  return { basic: plainSet(c.basic, dropIds), advanced };
}

/** The page's constraints for one kind, pinned to one device. */
function pinned(c: NormalizedTrackConstraints, deviceId: string): Record<string, unknown> {
  const out = plainSet(c.basic, true);
  set(out, "deviceId", { exact: deviceId });
  if (c.advanced.length) {
    const advanced: Record<string, unknown>[] = [];
    for (let i = 0; i < c.advanced.length; i++) append(advanced, plainSet(c.advanced[i], false));
    set(out, "advanced", advanced);
  }
  return out;
}

function isRef(v: unknown): v is DeviceRef {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.label === "string" && typeof r.ordinal === "number";
}

function findDevice(devices: PageDevice[], kind: string, ref: DeviceRef): PageDevice | null {
  for (let i = 0; i < devices.length; i++) {
    const d = devices[i];
    if (d.kind === kind && d.label === ref.label && d.ordinal === ref.ordinal) return d;
  }
  return null;
}

/** WebIDL enum conversion of MediaStreamConstraints.semantics, as Chromium words its errors. */
function semanticsError(value: unknown): Error | null {
  let text: string;
  if (typeof value === "symbol") {
    return new TypeErrorCtor("Failed to execute 'getUserMedia' on 'MediaDevices': Failed to read the 'semantics' property from 'MediaStreamConstraints': Cannot convert a Symbol value to a string");
  }
  try {
    text = "" + (value as string);
  } catch (error) {
    return error as Error;
  }
  if (text === "browser-chooses" || text === "user-chooses") return null;
  return new TypeErrorCtor("Failed to execute 'getUserMedia' on 'MediaDevices': Failed to read the 'semantics' property from 'MediaStreamConstraints': The provided value '" + text + "' is not a valid enum value of type GetUserMediaSemantics.");
}

export function installUserChooses(bridge: PageBridge): void {
  if (!nativeEnumerateDevices || !deviceInfoLabel) return;

  intercept("getUserMedia", (native, thisArg, args) => {
    const constraints = args[0];
    if (typeof constraints !== "object" || constraints === null) return undefined;
    let semantics: unknown;
    try {
      semantics = (constraints as { semantics?: unknown }).semantics;
    } catch (error) {
      return apply(promiseReject, PromiseCtor, [error]);
    }
    if (semantics !== undefined) {
      const error = semanticsError(semantics);
      if (error) return apply(promiseReject, PromiseCtor, [error]);
      semantics = "" + (semantics as string);
    } else {
      if (!bridge.connected) return undefined;
      semantics = effectiveSemantics(bridge.siteConfig());
    }
    if (semantics !== "user-chooses" || !bridge.connected) return undefined;

    let audio: unknown, video: unknown;
    try {
      audio = (constraints as { audio?: unknown }).audio;
      video = (constraints as { video?: unknown }).video;
    } catch {
      return undefined; // native reports the getter's exception
    }
    const wanted: Partial<Record<CaptureKind, NormalizedTrackConstraints>> = {};
    const a = normalizeTrackConstraints(audio);
    const v = normalizeTrackConstraints(video);
    if ((a && "error" in a) || (v && "error" in v) || (!a && !v)) return undefined; // native's own TypeError
    if (a) wanted.audio = a;
    if (v) wanted.video = v;

    return new PromiseCtor((resolve, reject) => {
      const passThrough = () => apply(promiseThen, apply(native, thisArg, args), [resolve, reject]);
      const fail = (error: unknown) => reject(error);
      apply(promiseThen, apply(nativeEnumerateDevices!, thisArg, []), [(list: unknown) => {
        let devices: PageDevice[];
        try {
          devices = readDevices(list);
        } catch {
          passThrough();
          return;
        }
        // Labels tell whether the site has permission: only then can the page side see devices.
        let seesLabels = false;
        for (let i = 0; i < devices.length; i++) if (devices[i].label !== "") seesLabels = true;
        const request: PickerRequest = {};
        let asking = false;
        const kinds: CaptureKind[] = ["video", "audio"];
        for (let k = 0; k < kinds.length; k++) {
          const kind = kinds[k];
          const c = wanted[kind];
          if (!c) continue;
          if (!seesLabels) {
            request[kind] = { candidates: null, constraints: plainConstraints(c, true) };
            asking = true;
            continue;
          }
          const result = selectDevices(uniqueOfKind(devices, INPUT_KIND[kind]), c);
          // None left: the native call reports it, with the browser's own error.
          if (result.candidates.length === 0) {
            passThrough();
            return;
          }
          if (result.candidates.length === 1) continue;
          const refs: DeviceRef[] = [];
          for (let i = 0; i < result.candidates.length; i++) {
            append(refs, { label: result.candidates[i].label, ordinal: result.candidates[i].ordinal });
          }
          request[kind] = { candidates: refs, constraints: plainConstraints(c, false) };
          asking = true;
        }
        if (!asking) {
          passThrough();
          return;
        }
        bridge.call("picker.open", request, (error, choice) => {
          if (error) {
            fail(new DOMExceptionCtor(error.message, error.name));
            return;
          }
          // Permission may be new: enumerate again to see the site's ids for the chosen devices.
          apply(promiseThen, apply(nativeEnumerateDevices!, thisArg, []), [(again: unknown) => {
            const now = readDevices(again);
            const final: Record<string, unknown> = {};
            for (let k = 0; k < kinds.length; k++) {
              const kind = kinds[k];
              const c = wanted[kind];
              if (!c) continue;
              if (!request[kind]) {
                set(final, kind, kind === "audio" ? audio : video);
                continue;
              }
              const ref = choice && hasOwn(choice, kind) ? (choice as PickerChoice)[kind] : undefined;
              const device = isRef(ref) ? findDevice(now, INPUT_KIND[kind], ref) : null;
              if (!device) {
                fail(new DOMExceptionCtor("Requested device not found", "NotFoundError"));
                return;
              }
              set(final, kind, pinned(c, device.deviceId));
            }
            apply(promiseThen, apply(native, thisArg, [final]), [resolve, reject]);
          }, fail]);
        });
      }, fail]);
    });
  });
}
