/**
 * Transferable MediaStreamTrack and MediaStream in workers, window side: see realm.ts. A track that
 * arrives from another same-origin window (a clone living in that window's context) is tracked here
 * as a capture of this frame.
 */
import { announce } from "../core/media-methods";
import { trackContinues } from "../effects/face";
import { mediaRealm } from "./realm";

export function installTransfer(): void {
  const g = globalThis as Record<string, unknown>;
  // Secure contexts only (WebCodecs, Web Locks, randomUUID), and what the frame pipeline needs.
  if (!g.isSecureContext || !g.MediaStreamTrackGenerator || !g.MediaStreamTrackProcessor || !g.VideoFrame ||
      !g.AudioData || !g.Worker) return;
  const Stream = MediaStream;
  const { apply, ownKeys } = Reflect;
  try {
    mediaRealm({
      adopt: (track: MediaStreamTrack) => announce("getUserMedia", new Stream([track])),
      // The clone that carries a transferred track's source on (face detection follows it).
      moved: trackContinues,
      // What this realm's metadata() says of a frame sent to a worker (the extension's own additions,
      // e.g. face segments), when it says anything.
      meta(frame: VideoFrame | AudioData) {
        try {
          const metadata = (frame as VideoFrame).metadata;
          if (typeof metadata !== "function") return undefined;
          const m = apply(metadata, frame, []) as object;
          return m && ownKeys(m).length ? m : undefined;
        } catch {
          return undefined;
        }
      },
    });
  } catch {
    // An environment this was not built for: the page keeps the native behaviour.
  }
}
