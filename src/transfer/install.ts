/**
 * Transferable MediaStreamTrack and MediaStream in workers, window side: see realm.ts. A track that
 * arrives from another same-origin window (a clone living in that window's context) is tracked here
 * as a capture of this frame.
 */
import { announce } from "../core/media-methods";
import { mediaRealm } from "./realm";

export function installTransfer(): void {
  const g = globalThis as Record<string, unknown>;
  // Secure contexts only (WebCodecs, Web Locks, randomUUID), and what the frame pipeline needs.
  if (!g.isSecureContext || !g.MediaStreamTrackGenerator || !g.MediaStreamTrackProcessor || !g.VideoFrame ||
      !g.AudioData || !g.Worker) return;
  const Stream = MediaStream;
  try {
    mediaRealm({ adopt: (track: MediaStreamTrack) => announce("getUserMedia", new Stream([track])) });
  } catch {
    // An environment this was not built for: the page keeps the native behaviour.
  }
}
