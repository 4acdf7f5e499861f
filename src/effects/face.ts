/**
 * humanFaceDetectionMode, page half (issue 7): while a camera track has a mode other than "none",
 * a dedicated worker (code and model from the extension, run from a blob: URL:
 * src/effects/face/face-worker.iife.ts) reads the frames of a native clone of it, newest first:
 * frames that arrive while it is busy are dropped. No frame passes through the page's thread. `VideoFrame.prototype.metadata()` adds the latest detection's
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
import { addEventListener, apply, getOwnPropertyDescriptor, setOwn, trackReadyState } from "../lib/natives";
import { wrapMethod } from "../lib/wrap";

const getter = (proto: object | undefined, name: string) => (proto ? getOwnPropertyDescriptor(proto, name)?.get : undefined);
const WorkerCtor = typeof Worker === "undefined" ? undefined : Worker;
const BlobCtor = Blob;
const createUrl = URL.createObjectURL, revokeUrl = URL.revokeObjectURL;
const Processor = typeof MediaStreamTrackProcessor === "undefined" ? undefined : MediaStreamTrackProcessor;
const processorReadable = getter(Processor?.prototype, "readable");
const frameProto = typeof VideoFrame === "undefined" ? undefined : VideoFrame.prototype;
const frameTimestamp = getter(frameProto, "timestamp");
export const workerPost = WorkerCtor?.prototype.postMessage;
export const workerTerminate = WorkerCtor?.prototype.terminate;
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

/** Every FaceDetection's detectors in this realm (see trackContinues). */
const everyList: Detector[][] = [];

/** A track transferred elsewhere (src/transfer/) is stopped here while its source goes on through
 * `to`, a clone of it: its detector follows that clone instead of stopping with the track. */
export function trackContinues(from: object, to: object): void {
  for (let i = 0; i < everyList.length; i++) {
    for (let j = 0; j < everyList[i].length; j++) if (everyList[i][j].source === from) everyList[i][j].source = to;
  }
}

export { workersMayRun } from "./supported";
import { workersMayRun, workersRefused } from "./supported";

export interface WorkerData { ready?: boolean; timestamp?: number; segments?: unknown; error?: string }

/**
 * Starts the effects worker (code and model from the service worker, run from a blob: URL) for
 * humanFaceDetectionMode, faceFraming and backgroundBlur. `ready(worker)` once the model is loaded
 * (`model`: "face", "segment" for the person segmenter, null for a worker that needs none),
 * `ready()` when it could not start; `message` gets its later messages.
 */
export function spawnWorker(bridge: PageBridge, ready: (worker?: Worker) => void, message: (data: WorkerData) => void,
  model: string | null = "face"): void {
  let answered = false;
  const answer = (worker?: Worker) => {
    if (answered) return;
    answered = true;
    ready(worker);
  };
  bridge.call("effects.face", model === "segment" ? { model } : {}, (error, value) => {
    if (error || !value) return answer();
    let worker: Worker | undefined;
    try {
      const url = createUrl(new BlobCtor([value.code], { type: "text/javascript" }));
      const w = worker = new WorkerCtor!(url);
      revokeUrl(url);
      apply(addEventListener, w, ["error", () => {
        if (answered) return message({ error: "worker" });
        workersRefused();
        apply(workerTerminate!, w, []);
        answer();
      }]);
      apply(addEventListener, w, ["message", (event: MessageEvent) => {
        const data = apply(messageData!, event, []) as WorkerData;
        if (answered) return message(data);
        if (!data.ready) apply(workerTerminate!, w, []);
        answer(data.ready ? w : undefined);
      }]);
      apply(workerPost!, w, [{ model: model ? value.model : null, segment: model === "segment" }]);
    } catch {
      if (worker) apply(workerTerminate!, worker, []);
      answer();
    }
  });
}

export function faceDetection(bridge: PageBridge): FaceDetection {
  const detectors: Detector[] = [];
  setOwn(everyList, everyList.length, detectors);

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

  /** The worker reads the frames of a native clone itself (a transferred ReadableStream; the
   * processor keeps only the newest frame, so a busy worker drops frames rather than queueing). */
  function feed(d: Detector): void {
    d.copy = apply(trackClone!, d.source, []) as object;
    const readable = apply(processorReadable!, new Processor!({ track: d.copy as MediaStreamTrack, maxBufferSize: 1 }), []);
    apply(workerPost!, d.worker, [{ readable, landmarks: d.landmarks }, [readable]]);
  }

  function start(d: Detector, done: (ok: boolean) => void): void {
    let answered = false;
    const answer = (ok: boolean) => {
      if (!ok) halt(d);
      if (!answered) done(ok);
      answered = true;
    };
    spawnWorker(bridge, (worker) => {
      d.worker = worker;
      if (!worker || d.stopped) return answer(false);
      feed(d);
      answer(true);
    }, (data) => {
      if (d.stopped || !answered) return;
      if (data.error) return answer(false);
      // The page stopped its track (stop() fires no event): the clone goes too.
      if (apply(trackReadyState!, d.source, []) === "ended") return halt(d);
      if (typeof data.timestamp === "number" && data.segments) d.last = { timestamp: data.timestamp, segments: data.segments };
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
    available: () => workersMayRun() && !!(WorkerCtor && Processor && processorReadable && frameProto && trackClone) && bridge.connected,
    set(track, mode, done) {
      const landmarks = mode === FACE_MODES[2];
      for (let i = 0; i < detectors.length; i++) {
        if (detectors[i].source !== track) continue;
        if (mode === FACE_MODES[0]) halt(detectors[i]);
        else if (detectors[i].landmarks !== landmarks && detectors[i].worker) {
          detectors[i].landmarks = landmarks;
          apply(workerPost!, detectors[i].worker, [{ landmarks }]);
        }
        return done(true);
      }
      if (mode === FACE_MODES[0]) return done(true);
      const d: Detector = { source: track, landmarks };
      setOwn(detectors, detectors.length, d);
      start(d, done);
    },
  };
}
