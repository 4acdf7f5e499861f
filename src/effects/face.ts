/**
 * humanFaceDetectionMode, page half (issue 7): while a camera track has a mode other than "none",
 * a native clone of it feeds a dedicated worker (code and model from the extension, run from a
 * blob: URL: src/effects/face/face-worker.iife.ts), one frame at a time; frames that arrive while
 * the worker is busy are dropped. `VideoFrame.prototype.metadata()` adds the latest detection's
 * `segments` to frames of that source (matched by timestamp, within a second), so a frame the
 * page reads before its own detection finished carries the faces of a frame up to ~one detection
 * (~30 ms on the test machine) older. Until a page asks, nothing is loaded or started.
 *
 * A page's CSP may forbid blob: workers, and the browser says so only asynchronously (an `error`
 * event, plus a `securitypolicyviolation` event and report the page sees), so the first request is
 * the probe: the call that asks resolves once the detector runs or has failed, and after a failure
 * the page is no longer offered the constraint.
 */
import type { PageBridge } from "../bridge/page-bridge";
import { addEventListener, apply, getOwnPropertyDescriptor, promiseThen, setOwn, trackReadyState } from "../lib/natives";
import { wrapMethod } from "../lib/wrap";

const getter = (proto: object | undefined, name: string) => (proto ? getOwnPropertyDescriptor(proto, name)?.get : undefined);
const WorkerCtor = typeof Worker === "undefined" ? undefined : Worker;
const BlobCtor = Blob;
const createUrl = URL.createObjectURL, revokeUrl = URL.revokeObjectURL;
const Processor = typeof MediaStreamTrackProcessor === "undefined" ? undefined : MediaStreamTrackProcessor;
const processorReadable = getter(Processor?.prototype, "readable");
const getReader = ReadableStream.prototype.getReader;
const readerRead = ReadableStreamDefaultReader.prototype.read;
const frameProto = typeof VideoFrame === "undefined" ? undefined : VideoFrame.prototype;
const frameTimestamp = getter(frameProto, "timestamp");
const frameClose = frameProto?.close;
const workerPost = WorkerCtor?.prototype.postMessage;
const workerTerminate = WorkerCtor?.prototype.terminate;
const messageData = getter(MessageEvent.prototype, "data");
const copyValue = structuredClone;
const trackProto = typeof MediaStreamTrack === "undefined" ? undefined : MediaStreamTrack.prototype;
const trackClone = trackProto?.clone, trackStop = trackProto?.stop;

export const FACE_MODES = ["none", "bounding-box", "bounding-box-with-landmark-center-point"];

interface Detector {
  source: object;
  landmarks: boolean;
  copy?: object;
  worker?: Worker;
  busy?: boolean;
  stopped?: boolean;
  last?: { timestamp: number; segments: unknown };
}

export interface FaceDetection {
  /** Whether this page can run the detector (false once a worker failed to start). */
  available(): boolean;
  /** Sets a track's mode: starts, changes or stops its detector; `done(false)` when the detector
   * could not start (then the track's mode is "none"). */
  set(track: object, mode: string, done: (ok: boolean) => void): void;
}

export function faceDetection(bridge: PageBridge): FaceDetection {
  const detectors: Detector[] = [];
  let allowed = true;

  const halt = (d: Detector) => {
    d.stopped = true;
    for (let i = 0; i < detectors.length; i++) {
      if (detectors[i] !== d) continue;
      for (let j = i; j < detectors.length - 1; j++) setOwn(detectors, j, detectors[j + 1]);
      detectors.length--;
      break;
    }
    try {
      if (d.copy) apply(trackStop!, d.copy, []);
      if (d.worker) apply(workerTerminate!, d.worker, []);
    } catch {
      // already gone
    }
  };

  /** Reads the clone's frames and hands one at a time to the worker. */
  function pump(d: Detector): void {
    d.copy = apply(trackClone!, d.source, []) as object;
    const reader = apply(getReader, apply(processorReadable!, new Processor!({ track: d.copy as MediaStreamTrack }), []), []);
    const next = () => apply(promiseThen, apply(readerRead, reader, []), [(result: { value?: VideoFrame; done: boolean }) => {
      const frame = result.value;
      if (result.done || d.stopped || apply(trackReadyState!, d.source, []) === "ended") {
        if (frame) apply(frameClose!, frame, []);
        if (!d.stopped) halt(d);
        return;
      }
      if (d.busy) apply(frameClose!, frame, []);
      else {
        d.busy = true;
        apply(workerPost!, d.worker, [{ frame, landmarks: d.landmarks }, [frame]]);
      }
      next();
    }, () => halt(d)]);
    next();
  }

  function start(d: Detector, done: (ok: boolean) => void): void {
    let answered = false;
    const answer = (ok: boolean) => {
      if (!ok) halt(d);
      if (!answered) done(ok);
      answered = true;
    };
    bridge.call("effects.face", {}, (error, value) => {
      if (error || !value || d.stopped) return answer(false);
      try {
        const url = createUrl(new BlobCtor([value.code], { type: "text/javascript" }));
        d.worker = new WorkerCtor!(url);
        revokeUrl(url);
        apply(addEventListener, d.worker, ["error", () => {
          allowed = false;
          answer(false);
        }]);
        apply(addEventListener, d.worker, ["message", (event: MessageEvent) => {
          const data = apply(messageData!, event, []) as { ready?: boolean; timestamp?: number; segments?: unknown; error?: string };
          if (d.stopped) return;
          if (data.ready) {
            pump(d);
            return answer(true);
          }
          if (!answered) return answer(false);
          d.busy = false;
          if (typeof data.timestamp === "number" && data.segments) d.last = { timestamp: data.timestamp, segments: data.segments };
        }]);
        apply(workerPost!, d.worker, [{ model: value.model }]);
      } catch {
        answer(false);
      }
    });
  }

  if (frameProto) {
    wrapMethod(frameProto, "metadata", (native, frame, args) => {
      const metadata = apply(native, frame, args);
      if (!detectors.length) return metadata;
      const time = apply(frameTimestamp!, frame, []) as number;
      let best: Detector | undefined, gap = 1e6; // µs
      for (let i = 0; i < detectors.length; i++) {
        const last = detectors[i].last;
        const distance = last ? (last.timestamp > time ? last.timestamp - time : time - last.timestamp) : gap;
        if (distance < gap) { gap = distance; best = detectors[i]; }
      }
      if (best) setOwn(metadata as object, "segments", copyValue(best.last!.segments));
      return metadata;
    });
  }

  return {
    available: () => allowed && !!(WorkerCtor && Processor && processorReadable && frameProto && trackClone) && bridge.connected,
    set(track, mode, done) {
      const landmarks = mode === FACE_MODES[2];
      for (let i = 0; i < detectors.length; i++) {
        if (detectors[i].source !== track) continue;
        if (mode === FACE_MODES[0]) halt(detectors[i]);
        else detectors[i].landmarks = landmarks;
        return done(true);
      }
      if (mode === FACE_MODES[0]) return done(true);
      const d: Detector = { source: track, landmarks };
      setOwn(detectors, detectors.length, d);
      start(d, done);
    },
  };
}
