/**
 * faceFraming and backgroundBlur, page half (issue 7). A camera track can only show the camera's
 * frames, so a getUserMedia that asks for faceFraming or backgroundBlur gets, in its stream, a
 * MediaStreamTrackGenerator track instead of the camera's (its prototype set to
 * MediaStreamTrack.prototype, so it looks like one) that answers as the camera
 * (src/lib/stand-in.ts, effects.ts: settings, capabilities, constraints, label; stop() stops the
 * camera once it and its clones are stopped; the camera's `ended` ends them). An effects worker
 * reads the camera's frames (a MediaStreamTrackProcessor's stream) and writes them, blurred,
 * cropped or as they are, to the generator; a second one finds the faces in the frames it sends
 * (framing), a third the person (blur; src/effects/face/). Nothing of this runs for a page that
 * does not ask. See docs/EFFECTS.md.
 */
import type { PageBridge } from "../bridge/page-bridge";
import {
  addEventListener, appendOwn, apply, dispatchEvent, EventCtor, getOwnPropertyDescriptor, setOwn, trackReadyState,
  WeakMapCtor, weakMapGet, weakMapSet,
} from "../lib/natives";
import { standIn } from "../lib/stand-in";
import { spawnWorker, workerPost, workerTerminate } from "./face";

const Generator = typeof MediaStreamTrackGenerator === "undefined" ? undefined : MediaStreamTrackGenerator;
const generatorWritable = Generator && getOwnPropertyDescriptor(Generator.prototype, "writable")?.get;
const Processor = typeof MediaStreamTrackProcessor === "undefined" ? undefined : MediaStreamTrackProcessor;
const processorReadable = Processor && getOwnPropertyDescriptor(Processor.prototype, "readable")?.get;
const setPrototypeOf = Reflect.setPrototypeOf;
const streamProto = typeof MediaStream === "undefined" ? undefined : MediaStream.prototype;
const removeTrack = streamProto?.removeTrack, addTrack = streamProto?.addTrack;
const trackProto = typeof MediaStreamTrack === "undefined" ? undefined : MediaStreamTrack.prototype;
const nativeStop = trackProto?.stop;
const Channel = typeof MessageChannel === "undefined" ? undefined : MessageChannel;
const channelPort1 = Channel && getOwnPropertyDescriptor(Channel.prototype, "port1")?.get;
const channelPort2 = Channel && getOwnPropertyDescriptor(Channel.prototype, "port2")?.get;

export interface Framer {
  camera: object;
  /** The framer (blurs and crops), the detector (finds the faces; only on a track opened with
   * faceFraming) and the segmenter (finds the person; only with backgroundBlur):
   * ../effects/face/face-worker.iife.ts. */
  worker: Worker;
  detector?: Worker;
  segmenter?: Worker;
  /** faceFraming and backgroundBlur, on or off. */
  on: boolean;
  blur: boolean;
  /** Blur (framing) was asked by the user's "Blur my background" ("Keep me in frame") for the
   * site, not by the page: the setting turns it off and on again. */
  forcedBlur?: boolean;
  forcedFraming?: boolean;
  /** The page's tracks on it (the generator's track and its clones) not stopped yet. */
  live: object[];
}

export const framingPossible = () => !!(Generator && generatorWritable && processorReadable && removeTrack && addTrack && channelPort2);

/** Starts framing and/or blurring `camera` (a track of `stream`): `done(framer)` once frames flow
 * through the worker and the generator's track has replaced the camera's in `stream`, `done()` on
 * failure (of any of the workers). */
export function startFraming(bridge: PageBridge, stream: object, camera: object, on: boolean, blur: boolean, done: (f?: Framer, track?: object) => void): void {
  const noop = () => undefined;
  // All start at once; the pipeline begins when all run.
  let detector: Worker | undefined, segmenter: Worker | undefined, worker: Worker | undefined;
  let waiting = 1 + +on + +blur, failed = false;
  const stopAll = () => {
    // (No for-of in the page: the page may have replaced the array iterator.)
    if (worker) apply(workerTerminate!, worker, []);
    if (detector) apply(workerTerminate!, detector, []);
    if (segmenter) apply(workerTerminate!, segmenter, []);
  };
  const begin = (w?: Worker) => {
    if (!w) failed = true;
    if (--waiting) return;
    if (failed) {
      stopAll();
      return done();
    }
    try {
      if (apply(trackReadyState!, camera, []) !== "live") throw 0;
      const track = new Generator!({ kind: "video" }) as object;
      const writable = apply(generatorWritable!, track, []);
      setPrototypeOf(track, trackProto!);
      const readable = apply(processorReadable!, new Processor!({ track: camera as MediaStreamTrack, maxBufferSize: 2 }), []);
      const message: Record<string, unknown> = { readable, writable, framing: on, blur }, moved: unknown[] = [readable, writable];
      const join = (helper: Worker | undefined, key: string) => {
        if (!helper) return;
        const channel = new Channel!();
        const port1 = apply(channelPort1!, channel, []), port2 = apply(channelPort2!, channel, []);
        apply(workerPost!, helper, [{ port: port1 }, [port1]]);
        setOwn(message, key, port2);
        appendOwn(moved, port2);
      };
      join(detector, "port");
      join(segmenter, "masks");
      apply(workerPost!, worker, [message, moved]);
      apply(removeTrack!, stream, [camera]);
      apply(addTrack!, stream, [track]);
      const f: Framer = { camera, worker: worker!, detector, segmenter, on, blur, live: [] };
      follow(f, track);
      // The camera's mute and unmute reach its stand-ins (whose `muted` is the camera's: effects.ts).
      const pass = (type: string) => () => {
        for (let i = 0; i < f.live.length; i++) apply(dispatchEvent, f.live[i], [new EventCtor(type)]);
      };
      apply(addEventListener, camera, ["mute", pass("mute")]);
      apply(addEventListener, camera, ["unmute", pass("unmute")]);
      // The camera went away: its stand-ins end as it did (readyState "ended" and an `ended` event).
      apply(addEventListener, camera, ["ended", () => {
        const live = f.live;
        f.live = [];
        for (let i = 0; i < live.length; i++) {
          apply(nativeStop!, live[i], []);
          apply(dispatchEvent, live[i], [new EventCtor("ended")]);
        }
        end(f);
      }]);
      done(f, track);
    } catch {
      stopAll();
      done();
    }
  };
  if (on) spawnWorker(bridge, (w) => begin(detector = w), noop);
  if (blur) spawnWorker(bridge, (w) => begin(segmenter = w), noop, "segment");
  spawnWorker(bridge, (w) => begin(worker = w), noop, null);
}

const framers = new WeakMapCtor<object, Framer>();

export const framerOf = (track: unknown): Framer | undefined => apply(weakMapGet, framers, [track]) as Framer | undefined;

/** `track` (the generator's track or a clone of it) shows `f`'s frames. */
export function follow(f: Framer, track: object): void {
  apply(weakMapSet, framers, [track, f]);
  standIn(track, f.camera);
  appendOwn(f.live, track);
}

/** Turns framing and blur on or off (`undefined`: as it is). */
export function framingSet(f: Framer, on: boolean | undefined, blur: boolean | undefined): void {
  if (on !== undefined && f.on !== on) {
    f.on = on;
    apply(workerPost!, f.worker, [{ framing: on }]);
  }
  if (blur !== undefined && f.blur !== blur) {
    f.blur = blur;
    apply(workerPost!, f.worker, [{ blur }]);
  }
}

/** `track` was stopped: the camera stops with the last of its stand-ins. */
export function framingStopped(track: unknown): void {
  const f = framerOf(track);
  if (!f) return;
  const live: object[] = [];
  for (let i = 0; i < f.live.length; i++) if (f.live[i] !== track) appendOwn(live, f.live[i]);
  f.live = live;
  if (!live.length) end(f);
}

function end(f: Framer): void {
  try {
    apply(nativeStop!, f.camera, []);
    apply(workerTerminate!, f.worker, []);
    if (f.detector) apply(workerTerminate!, f.detector, []);
    if (f.segmenter) apply(workerTerminate!, f.segmenter, []);
  } catch {
    // already gone
  }
}
