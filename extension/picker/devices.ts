/**
 * The extension's own view of the devices: ids of the extension's origin, and labels, which
 * Chrome shows only while the extension itself holds the camera / microphone permission.
 */
import type { CaptureKind } from "../lib/picker";
import type { DeviceRecord } from "./candidates";

export async function readDevices(): Promise<DeviceRecord[]> {
  const list = await navigator.mediaDevices.enumerateDevices();
  return list.map((info) => {
    let capabilities: Record<string, unknown> = {};
    // InputDeviceInfo only; empty (or throwing) when the extension has no grant for the kind.
    const input = info as Partial<InputDeviceInfo>;
    if (typeof input.getCapabilities === "function") {
      try {
        capabilities = { ...input.getCapabilities() } as Record<string, unknown>;
      } catch {
        /* keep {} */
      }
    }
    return { kind: info.kind, deviceId: info.deviceId, groupId: info.groupId, label: info.label, capabilities };
  });
}

/**
 * Asks the browser to let the extension itself use the given kinds (the one-time grant that
 * onboarding normally gives), so that labels become visible. The tracks are stopped at once.
 */
export async function requestOwnAccess(kinds: readonly CaptureKind[]): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: kinds.includes("video"),
    audio: kinds.includes("audio"),
  });
  for (const track of stream.getTracks()) track.stop();
}

/** Whether getUserMedia's error means the device would not start (usually another application
 * holds it), not that access was refused. */
export function deviceBusy(error: unknown): boolean {
  const name = (error as DOMException | undefined)?.name;
  return name === "NotReadableError" || name === "AbortError";
}

export function stopStream(stream: MediaStream | null | undefined): void {
  if (stream) for (const track of stream.getTracks()) track.stop();
}
