/**
 * In-use tracking, page half (issue 5): tells the service worker when a capture starts and when
 * its last track ends, and stops a capture when the user presses Stop in the popup.
 *
 * A "capture" is one track getUserMedia returned; its clones belong to it, and it stays live until
 * every one of them has ended. Tracks end by `stop()` (which fires no `ended` event, so `stop` is
 * wrapped), by the `ended` event (the device went away) or by the popup's Stop. Frames that go
 * away (navigation, tab close, crash) are ended by the service worker, which never trusts this
 * side for anything but its own frame's captures.
 *
 * A capture's state (muted, paused by `enabled = false`) is reported when it changes, through the
 * `mute`/`unmute` events and the wrapped `enabled` setter, read with the native getters; whether it
 * uses pan/tilt/zoom is read once, at its start, from the native getSettings, and only counts
 * while the PTZ gate lets the page see it (ptz/shown.ts).
 *
 * Nothing is sent until getUserMedia has resolved with tracks. The `<usermedia>`/`<camera>`/
 * `<microphone>` elements' tracks (Chromium 151+) arrive through the same hook: capture-elements.ts.
 */
import type { PageBridge } from "../bridge/page-bridge";
import type { TrackEnd, TrackReport, TrackState } from "../bridge/protocol";
import { onResolved } from "../core/media-methods";
import {
  addEventListener, appendOwn, apply, dispatchEvent, EventCtor, hasOwn, isArray, MapCtor, mapDelete, mapForEach, mapGet, mapSet, randomId, trackReadyState, WeakMapCtor, weakMapGet, weakMapHas, weakMapSet,
} from "../lib/natives";
import { trackGetSettings } from "../lib/natives";
import { streamGetTracks, trackEnabled, trackKind, trackLabel, trackMuted } from "../lib/media-natives";
import { cameraOf } from "../lib/stand-in";
import { ptzShown } from "../ptz/shown";
import { wrapMethod, wrapSetter } from "../lib/wrap";

interface Capture {
  id: string;
  /** Its start as reported (`ago` holds the time it started), for a report again after a reconnect. */
  report: TrackReport;
  tracks: object[];
  live: number;
  /** Last state reported (see TrackState); `changed` while a report of it waits in `changedOut`. */
  muted: boolean;
  paused: boolean;
  changed?: boolean;
}

const noop = () => undefined;
/** The service worker takes at most this many ids per call. */
const CHUNK = 32;
/** How long reports wait to be sent together (the badge must follow within a second). */
const BATCH_MS = 250;
// Captured when the script starts, like lib/natives (this module is evaluated before any page script).
const setTimeoutNative: Function = setTimeout;
const dateNow = Date.now;

function part<T>(list: T[], from: number): T[] {
  const out: T[] = [];
  for (let i = from; i < list.length && i < from + CHUNK; i++) appendOwn(out, list[i]);
  return out;
}

/** Every track this realm got from getUserMedia or cloned from one, dropped once ended. */
let followed: object[] = [];

const arrivals: ((track: object) => void)[] = [];
/** `hook` hears each new track getUserMedia (either form) gives this realm, before the page has it. */
export function onArrival(hook: (track: object) => void): void {
  appendOwn(arrivals, hook);
}

/** The live tracks of this realm (e.g. for a track's siblings on the same camera). */
export function liveTracks(): object[] {
  const live: object[] = [];
  for (let i = 0; i < followed.length; i++) {
    if (apply(trackReadyState!, followed[i], []) === "live") appendOwn(live, followed[i]);
  }
  followed = live;
  return live;
}

export function installLiveTracks(bridge: PageBridge): void {
  if (typeof MediaStreamTrack === "undefined" || !streamGetTracks) return;
  const proto = MediaStreamTrack.prototype;
  const captureOf = new WeakMapCtor<object, Capture>();
  const finished = new WeakMapCtor<object, true>();
  const byId = new MapCtor<string, Capture>();
  const isLive = (track: object) => apply(trackReadyState!, track, []) === "live";

  // Reports go out together a moment later: getUserMedia's caller and stop() wait for bookkeeping
  // only, and a page that opens and stops captures in a loop does not have each one's message
  // compete with its next getUserMedia (measured: +3 ms per call when sent at once). Starts go
  // before ends, so an id never ends before it started.
  // `at` becomes `ago` (ms) when sent, so the worker dates each start and end where it happened.
  let startedOut: TrackReport[] = [];
  let endedOut: TrackEnd[] = [];
  let changedOut: Capture[] = [];
  let flushing = false;
  let onPagehide = false;
  function flush(): void {
    if (!flushing) return;
    flushing = false;
    const now = dateNow();
    const started = startedOut;
    const ended = endedOut;
    const changed = changedOut;
    const states: TrackState[] = [];
    startedOut = [];
    endedOut = [];
    changedOut = [];
    for (let i = 0; i < changed.length; i++) {
      const c = changed[i];
      c.changed = false;
      // (A capture that ended meanwhile is reported too; its end follows and the worker ends it.)
      appendOwn(states, { id: c.id, muted: c.muted, paused: c.paused });
    }
    for (let i = 0; i < started.length; i++) started[i].ago = now - started[i].ago;
    for (let i = 0; i < ended.length; i++) ended[i].ago = now - ended[i].ago;
    for (let i = 0; i < started.length; i += CHUNK) {
      bridge.call("tracking.started", { captures: part(started, i) }, noop);
    }
    for (let i = 0; i < states.length; i += CHUNK) {
      bridge.call("tracking.state", { states: part(states, i) }, noop);
    }
    for (let i = 0; i < ended.length; i += CHUNK) {
      bridge.call("tracking.ended", { ended: part(ended, i) }, noop);
    }
  }
  function later(): void {
    if (!onPagehide) {
      // A page that goes away within the batch delay still reports.
      onPagehide = true;
      apply(addEventListener, window, ["pagehide", flush, true]);
    }
    if (flushing) return;
    flushing = true;
    apply(setTimeoutNative, globalThis, [flush, BATCH_MS]);
  }

  /** Muted when every live track is, paused when every one is disabled; reported on a change. */
  function check(capture: Capture): void {
    let muted = true;
    let paused = true;
    const tracks = capture.tracks;
    for (let i = 0; i < tracks.length; i++) {
      if (!isLive(tracks[i])) continue;
      muted &&= apply(trackMuted!, cameraOf(tracks[i]), []) as boolean;
      paused &&= !apply(trackEnabled!, tracks[i], []);
    }
    if (muted === capture.muted && paused === capture.paused) return;
    capture.muted = muted;
    capture.paused = paused;
    if (!capture.changed) {
      capture.changed = true;
      appendOwn(changedOut, capture);
    }
    later();
  }

  function follow(track: object, capture: Capture): void {
    apply(weakMapSet, captureOf, [track, capture]);
    appendOwn(capture.tracks, track);
    appendOwn(followed, track);
    capture.live++;
    apply(addEventListener, track, ["ended", () => trackEnded(track)]);
    const recheck = () => check(capture);
    apply(addEventListener, track, ["mute", recheck]);
    apply(addEventListener, track, ["unmute", recheck]);
    check(capture);
  }

  function trackEnded(track: object): void {
    const capture = apply(weakMapGet, captureOf, [track]) as Capture | undefined;
    if (!capture || apply(weakMapHas, finished, [track])) return;
    apply(weakMapSet, finished, [track, true]);
    if (--capture.live > 0) return check(capture);
    apply(mapDelete, byId, [capture.id]);
    appendOwn(endedOut, { id: capture.id, ago: dateNow() });
    later();
  }

  function started(stream: unknown): void {
    const tracks = apply(streamGetTracks!, stream, []) as unknown;
    if (!isArray(tracks)) return;
    for (let i = 0; i < tracks.length; i++) {
      const track = tracks[i] as object;
      if (!isLive(track) || apply(weakMapHas, captureOf, [track])) continue;
      for (let h = 0; h < arrivals.length; h++) {
        try {
          arrivals[h](track);
        } catch {
          // (A feature's bookkeeping never costs the page its stream.)
        }
      }
      // Own properties only: a page's Object.prototype.pan must not count. (Audio settings have none.)
      // (A faceFraming track's device is its camera's: src/lib/stand-in.ts.)
      const settings = apply(trackGetSettings!, cameraOf(track), []) as object;
      const id = randomId();
      const report: TrackReport = {
        id,
        kind: apply(trackKind!, track, []) as TrackReport["kind"],
        label: apply(trackLabel!, cameraOf(track), []) as string,
        ago: dateNow(),
        ptz: (hasOwn(settings, "pan") || hasOwn(settings, "tilt") || hasOwn(settings, "zoom")) && ptzShown(track),
      };
      const capture: Capture = { id, report, tracks: [], live: 0, muted: false, paused: false };
      appendOwn(startedOut, { id, kind: report.kind, label: report.label, ago: report.ago, ptz: report.ptz });
      follow(track, capture);
      apply(mapSet, byId, [capture.id, capture]);
    }
    if (startedOut.length) later();
  }
  onResolved("getUserMedia", started);

  // The extension was reloaded or updated: its new service worker has an empty registry. Every
  // live capture is reported again, from when it really started, with its state.
  bridge.onReconnect(() => {
    apply(mapForEach, byId, [(capture: Capture) => {
      const r = capture.report;
      appendOwn(startedOut, { id: r.id, kind: r.kind, label: r.label, ago: r.ago, ptz: r.ptz, resumed: true });
      if ((capture.muted || capture.paused) && !capture.changed) {
        capture.changed = true;
        appendOwn(changedOut, capture);
      }
    }]);
    if (startedOut.length) later();
  });

  // The legacy callback forms (navigator.getUserMedia, webkitGetUserMedia) are separate natives.
  // Only a callable success callback is replaced, so the native argument checks stay the same.
  const legacy = (native: Function, thisArg: unknown, args: unknown[]) => {
    const success = args[1];
    if (typeof success !== "function") return apply(native, thisArg, args);
    const copy: unknown[] = [];
    for (let i = 0; i < args.length; i++) {
      appendOwn(copy, i !== 1 ? args[i] : (stream: unknown) => {
        try {
          started(stream);
        } catch {
          // Tracking never disturbs the page.
        }
        return apply(success, undefined, [stream]);
      });
    }
    return apply(native, thisArg, copy);
  };
  if (typeof Navigator !== "undefined") {
    wrapMethod(Navigator.prototype, "getUserMedia", legacy);
    wrapMethod(Navigator.prototype, "webkitGetUserMedia", legacy);
  }

  const nativeStop = wrapMethod(proto, "stop", (native, thisArg, args) => {
    const result = apply(native, thisArg, args);
    trackEnded(thisArg as object);
    return result;
  });

  wrapSetter(proto, "enabled", (native, thisArg, args) => {
    apply(native, thisArg, args);
    const capture = apply(weakMapGet, captureOf, [thisArg]) as Capture | undefined;
    if (capture) check(capture);
  });

  wrapMethod(proto, "clone", (native, thisArg, args) => {
    const copy = apply(native, thisArg, args) as object;
    const capture = apply(weakMapGet, captureOf, [thisArg]) as Capture | undefined;
    if (capture && isLive(copy)) follow(copy, capture);
    return copy;
  });

  // The user pressed Stop: every track of those captures ends as if its device went away
  // (readyState "ended" and an `ended` event, which native stop() does not fire).
  bridge.onPush("tracking.stop", (data) => {
    const ids = (data as { ids?: unknown } | null)?.ids;
    if (!isArray(ids) || !nativeStop) return;
    for (let i = 0; i < ids.length; i++) {
      const capture = apply(mapGet, byId, [ids[i]]) as Capture | undefined;
      if (!capture) continue;
      const tracks = capture.tracks;
      for (let j = 0; j < tracks.length; j++) {
        if (!isLive(tracks[j])) continue;
        apply(nativeStop, tracks[j], []);
        apply(dispatchEvent, tracks[j], [new EventCtor("ended")]);
        trackEnded(tracks[j]);
      }
    }
  });
}
