/**
 * Tracks that stand in for a camera track (faceFraming, src/effects/framing.ts): the page holds a
 * MediaStreamTrackGenerator track that shows the processed frames, while the camera's own track
 * stays hidden. Features that read a track's device (its label, settings) read the camera's.
 */
import { apply, WeakMapCtor, weakMapGet, weakMapSet } from "./natives";

const cameras = new WeakMapCtor<object, object>();

export const standIn = (track: object, camera: object): void => void apply(weakMapSet, cameras, [track, camera]);

/** The camera track behind `track`, or `track` itself. */
export const cameraOf = <T>(track: T): T => (apply(weakMapGet, cameras, [track]) as T | undefined) ?? track;
