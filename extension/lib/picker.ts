/**
 * The device picker's data, shared by the main world (which asks), the service worker (which
 * keeps the prompt queue) and the picker page (which asks the user). Guards validate every hop.
 *
 * Devices are named across origins by label and kind: device ids are different for every origin
 * (the page's, the extension's). `ordinal` tells apart devices with identical labels: it is the
 * index of the device among the devices of the same kind and label, in enumerateDevices() order,
 * which is the same for every origin.
 */
import { isObject } from "./guards";

export type CaptureKind = "video" | "audio";
export const CAPTURE_KINDS: readonly CaptureKind[] = ["video", "audio"];

export interface DeviceRef {
  label: string;
  ordinal: number;
}

/** A constraint set snapshot: JSON values only. */
export type JsonConstraintSet = Record<string, unknown>;

export interface PickerKindRequest {
  /**
   * The devices that satisfy the page's constraints, best first (fitness distance, then the
   * system order), when the page could see labels and computed them itself; otherwise null and
   * the picker computes them from `constraints` with the extension's own device list.
   */
  candidates: DeviceRef[] | null;
  /** The page's constraints for this kind (deviceId and groupId removed when candidates is null:
   * they are ids of the page's origin, which mean nothing to the extension). */
  constraints: { basic: JsonConstraintSet; advanced: JsonConstraintSet[] };
}

/** What the main world asks for: one entry per kind the page requested with more than one
 * device left (kinds narrowed to one device are not listed: the browser takes that one). */
export interface PickerRequest {
  video?: PickerKindRequest;
  audio?: PickerKindRequest;
}

/** The user's choice: exactly the kinds of the request. */
export interface PickerChoice {
  video?: DeviceRef;
  audio?: DeviceRef;
}

/** Browser permission state of a site for a kind, from chrome.contentSettings. */
export type PermissionSetting = "allow" | "ask" | "block";

/** What the picker page gets from the service worker (`ui.picker.get`). */
export interface PromptView {
  id: string;
  /** Origin of the frame that called getUserMedia. */
  origin: string;
  /** Origin of the tab's top-level page, when it differs from `origin` (an iframe asked). */
  topOrigin: string | null;
  request: PickerRequest;
  /** Labels of the devices the user told us to remember for this site, per kind. */
  remembered: { video?: string; audio?: string };
  /** The site's browser permission per kind, before this prompt. */
  permission: { video: PermissionSetting; audio: PermissionSetting };
  /** Whether Allow sets the browser's permission for `origin`. Not for a frame another site embeds
   * (the permission is the top-level site's, and the browser's own prompt asks about that site),
   * nor for an origin the browser cannot keep a permission for: the browser asks itself then. */
  grants: boolean;
  /** Asked from a private window: nothing is remembered (the picker offers no "Remember"). */
  incognito?: boolean;
  /** Set when the request also asks for pan/tilt/zoom and the site's PTZ setting is Ask: the
   * picker asks that too. `browser`: the browser's own PTZ permission state ("prompt": it asks next). */
  ptz?: { browser: string };
}

const MAX_LABEL = 512;
const MAX_CANDIDATES = 64;


export function isDeviceRef(v: unknown): v is DeviceRef {
  return isObject(v) && typeof v.label === "string" && v.label.length <= MAX_LABEL &&
    typeof v.ordinal === "number" && Number.isInteger(v.ordinal) && v.ordinal >= 0 && v.ordinal < MAX_CANDIDATES;
}

/** A constraints snapshot: a basic set and at most 64 advanced sets, all plain objects. */
export function isConstraintSets(v: unknown): v is PickerKindRequest["constraints"] {
  return isObject(v) && isObject(v.basic) && Array.isArray(v.advanced) && v.advanced.length <= 64 &&
    v.advanced.every(isObject);
}

export function isPickerKindRequest(v: unknown): v is PickerKindRequest {
  if (!isObject(v) || !isConstraintSets(v.constraints)) return false;
  if (v.candidates === null) return true;
  return Array.isArray(v.candidates) && v.candidates.length >= 1 && v.candidates.length <= MAX_CANDIDATES &&
    v.candidates.every(isDeviceRef);
}

export function isPickerRequest(v: unknown): v is PickerRequest {
  if (!isObject(v)) return false;
  let kinds = 0;
  for (const key of Object.keys(v)) {
    if (key !== "video" && key !== "audio") return false;
    if (!isPickerKindRequest(v[key])) return false;
    kinds++;
  }
  return kinds > 0;
}

export function isPickerChoice(v: unknown): v is PickerChoice {
  if (!isObject(v)) return false;
  for (const key of Object.keys(v)) {
    if (key !== "video" && key !== "audio") return false;
    if (!isDeviceRef(v[key])) return false;
  }
  return true;
}
