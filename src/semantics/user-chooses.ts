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
  appendOwn, apply, hasOwn, isArray, ownKeys, PromiseCtor, promiseThen, setOwn, TypeErrorCtor, weakMapGet,
} from "../lib/natives";
import { deviceInfoDeviceId, deviceInfoGroupId, deviceInfoKind, deviceInfoLabel, DOMExceptionCtor, inputDeviceGetCapabilities, nativeEnumerateDevices, overconstrainedErrorCtor, promiseReject } from "../lib/media-natives";
import { intercept } from "../core/media-methods";
import { normalizeTrackConstraints } from "./track-constraints";
import type { ConstraintSet, NormalizedTrackConstraints } from "./select-settings";
import type { CaptureKind, DeviceRef, PickerChoice } from "../../extension/lib/picker";
import type { PickerAsk } from "../../extension/lib/picker-plan";
import { ptzQuestions, type PtzQuestion } from "../ptz/question";

const INPUT_KIND: Record<CaptureKind, string> = { video: "videoinput", audio: "audioinput" };

interface PageDevice {
  kind: string;
  deviceId: string;
  groupId: string;
  label: string;
  /** Index among the devices of the same kind and label, in enumeration order. */
  ordinal: number;
  capabilities: Record<string, unknown>;
}

/** Reads the page's input devices through the native getters (never the wrapped label getter). */
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
    let capabilities: Record<string, unknown> = {};
    const getCapabilities = inputDeviceGetCapabilities();
    if (getCapabilities) {
      try {
        capabilities = apply(getCapabilities, info, []) as Record<string, unknown>;
      } catch {
        // Not an InputDeviceInfo: no capabilities.
      }
    }
    appendOwn(out, {
      kind, label, ordinal, capabilities,
      deviceId: apply(deviceInfoDeviceId!, info, []) as string,
      groupId: apply(deviceInfoGroupId!, info, []) as string,
    });
  }
  return out;
}

/** A JSON-safe copy of a constraint set. */
function plainSet(set0: ConstraintSet, dropIds: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = ownKeys(set0);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== "string") continue;
    if (dropIds && (key === "deviceId" || key === "groupId")) continue;
    setOwn(out, key, set0[key]);
  }
  return out;
}

function plainConstraints(c: NormalizedTrackConstraints): { basic: Record<string, unknown>; advanced: Record<string, unknown>[] } {
  const advanced: Record<string, unknown>[] = [];
  for (let i = 0; i < c.advanced.length; i++) appendOwn(advanced, plainSet(c.advanced[i], false));
  return { basic: plainSet(c.basic, false), advanced };
}

/** The page's constraints for one kind, pinned to one device. */
function pinned(c: NormalizedTrackConstraints, deviceId: string): Record<string, unknown> {
  const out = plainSet(c.basic, true);
  setOwn(out, "deviceId", { exact: deviceId });
  if (c.advanced.length) setOwn(out, "advanced", plainConstraints(c).advanced);
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

/** Whether the user chooses the devices of this getUserMedia call (its own `semantics` or the
 * site's default); false for anything the native call will reject. */
export function choosesDevices(bridge: PageBridge, constraints: unknown): boolean {
  if (!bridge.connected || typeof constraints !== "object" || constraints === null) return false;
  try {
    const semantics = (constraints as { semantics?: unknown }).semantics;
    return semantics === undefined ? effectiveSemantics(bridge.siteConfig()) === "user-chooses"
      : !semanticsError(semantics) && "" + (semantics as string) === "user-chooses";
  } catch {
    return false;
  }
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
    // (defineProperty, not assignment: a page may put setters on Object.prototype.)
    if (a) setOwn(wanted, "audio", a);
    if (v) setOwn(wanted, "video", v);

    // Set by the PTZ gate when this call also asks for pan/tilt/zoom (src/ptz/question.ts).
    const question = apply(weakMapGet, ptzQuestions, [constraints]) as PtzQuestion | undefined;
    const withPtz = () => question !== undefined && question.answer === "allow";
    let fullVideo: unknown = video;
    if (question) {
      try {
        fullVideo = (question.original as { video?: unknown }).video;
      } catch {
        fullVideo = video;
      }
    }
    const vFull = question ? normalizeTrackConstraints(fullVideo) : v;

    return new PromiseCtor((resolve, reject) => {
      const passThrough = () => apply(promiseThen, apply(native, thisArg, withPtz() ? [question!.original] : args), [resolve, reject]);
      const fail = (error: unknown) => reject(error);
      apply(promiseThen, apply(nativeEnumerateDevices!, thisArg, []), [(list: unknown) => {
        let devices: PageDevice[];
        try {
          devices = readDevices(list);
        } catch {
          passThrough();
          return;
        }
        // Labels tell whether the site has permission; without it the page's list is useless and
        // the picker works from the extension's own list.
        let seesLabels = false;
        for (let i = 0; i < devices.length; i++) if (devices[i].label !== "") seesLabels = true;
        const ask: PickerAsk = { devices: seesLabels ? devices : null };
        const kinds: CaptureKind[] = ["video", "audio"];
        for (let k = 0; k < kinds.length; k++) {
          const c = wanted[kinds[k]];
          if (c) setOwn(ask, kinds[k], plainConstraints(c));
        }
        if (question) setOwn(ask, "ptz", { browser: question.browser });
        bridge.call("picker.open", ask, (error, answer) => {
          // The extension cannot be reached from this frame: the browser decides, as without it.
          if (error && error.name === "NotSupportedError") {
            passThrough();
            return;
          }
          const ptz = !error && answer ? (answer as { ptz?: unknown }).ptz : undefined;
          if (question && ptz === "ask" && (answer as { native?: unknown }).native === true) {
            // No picker was needed: the PTZ prompt alone asks.
            bridge.call("ptz.request", { browser: question.browser }, (e, a) => {
              question.answer = !e && a?.ptz === "allow" ? "allow" : "block";
              passThrough();
            });
            return;
          }
          if (question) question.answer = ptz === "allow" ? "allow" : "block";
          if (error) {
            // As the native call words it: the constraint's name, an empty message.
            const Overconstrained = overconstrainedErrorCtor();
            fail(error.name === "OverconstrainedError" && Overconstrained
              ? new Overconstrained(error.message, "")
              : new DOMExceptionCtor(error.message, error.name));
            return;
          }
          // At most one device left per kind: the browser takes it (or reports none left).
          if (!answer || (answer as { native?: unknown }).native === true) {
            passThrough();
            return;
          }
          const choice = answer as PickerChoice;
          // Permission may be new: enumerate again to see the site's ids for the chosen devices.
          apply(promiseThen, apply(nativeEnumerateDevices!, thisArg, []), [(again: unknown) => {
            const now = readDevices(again);
            const final: Record<string, unknown> = {};
            for (let k = 0; k < kinds.length; k++) {
              const kind = kinds[k];
              const c = wanted[kind];
              if (!c) continue;
              const ref = hasOwn(choice, kind) ? choice[kind] : undefined;
              const ptzToo = kind === "video" && withPtz();
              if (ref === undefined) {
                // Narrowed to one device by the page's constraints: as the page asked.
                setOwn(final, kind, kind === "audio" ? audio : ptzToo ? fullVideo : video);
                continue;
              }
              const device = isRef(ref) ? findDevice(now, INPUT_KIND[kind], ref) : null;
              if (!device) {
                fail(new DOMExceptionCtor("Requested device not found", "NotFoundError"));
                return;
              }
              setOwn(final, kind, pinned(ptzToo && vFull && !("error" in vFull) ? vFull : c, device.deviceId));
            }
            apply(promiseThen, apply(native, thisArg, [final]), [resolve, reject]);
          }, fail]);
        });
      }, fail]);
    });
  });
}
