/**
 * The extension's own camera and microphone grant, asked for from this visible page: Chrome then
 * shows the extension the names of the devices (and lets the picker show previews). The tracks
 * are stopped at once. Only the kinds this computer has are asked for, since asking for a kind
 * with no device fails the whole request.
 */
import { deviceBusy } from "../extension/picker/devices";

export type AccessState =
  | { state: "unknown" }
  | { state: "asking" }
  | { state: "granted"; already: boolean; devices: string[] }
  | { state: "denied"; reason: string }
  /** The device would not start: usually another application holds it. */
  | { state: "busy" }
  | { state: "no-devices" };

const isInput = (d: MediaDeviceInfo) => d.kind === "videoinput" || d.kind === "audioinput";

async function namedDevices(): Promise<string[]> {
  const list = await navigator.mediaDevices.enumerateDevices();
  return list.filter((d) => isInput(d) && d.label).map((d) => d.label);
}

async function permissionState(name: "camera" | "microphone"): Promise<PermissionState | null> {
  try {
    return (await navigator.permissions.query({ name: name as PermissionName })).state;
  } catch {
    return null;
  }
}

/** What the extension holds now, without asking anything. */
export async function currentAccess(): Promise<AccessState> {
  const list = await navigator.mediaDevices.enumerateDevices();
  const video = list.some((d) => d.kind === "videoinput");
  const audio = list.some((d) => d.kind === "audioinput");
  if (!video && !audio) return { state: "no-devices" };
  const states = await Promise.all([video ? permissionState("camera") : "granted", audio ? permissionState("microphone") : "granted"]);
  if (states.every((s) => s === "granted")) return { state: "granted", already: true, devices: await namedDevices() };
  return { state: "unknown" };
}

export async function requestAccess(): Promise<AccessState> {
  const list = await navigator.mediaDevices.enumerateDevices();
  const video = list.some((d) => d.kind === "videoinput");
  const audio = list.some((d) => d.kind === "audioinput");
  if (!video && !audio) return { state: "no-devices" };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video, audio });
    for (const track of stream.getTracks()) track.stop();
  } catch (error) {
    if (deviceBusy(error)) return { state: "busy" };
    return { state: "denied", reason: (error as DOMException)?.name || String(error) };
  }
  return { state: "granted", already: false, devices: await namedDevices() };
}
