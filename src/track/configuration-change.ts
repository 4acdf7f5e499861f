/**
 * `configurationchange` (Media Capture Extensions, behind a flag in Chromium): a track hears when
 * its source's settings or capabilities change for a reason other than its own applyConstraints:
 * another track on the same camera, the user moving PTZ from the popup, an effect the user
 * toggles. Per the spec's steps: wait while the track is muted, then in a queued task give up if
 * it ended or nothing the page can see changed, else fire the event.
 *
 * What the page "can see" is read through the page-facing getSettings/getCapabilities, so a change
 * the extension hides from this page (PTZ it may not use) is no change. Where Chromium has the
 * event natively, it covers the page's own tracks; the extension still reports its own changes.
 */
import { intercept } from "../core/media-methods";
import { toJson } from "../lib/json";
import {
  addEventListener, appendOwn, apply, isArray, isObject, WeakMapCtor, weakMapGet, weakMapSet, dispatchEvent, EventCtor, getOwnPropertyDescriptor, hasOwn, MapCtor, mapGet, mapSet, PromiseCtor, promiseThen, setOwn, setTimeoutFn, trackReadyState,
} from "../lib/natives";
import { trackGetSettings } from "../lib/natives";
import { trackKind } from "../lib/media-natives";
import { nativeConfigurationChange } from "./configuration-change-attribute";
import { cameraOf } from "../lib/stand-in";
import { liveTracks, onArrival } from "../tracking/live-tracks";

type Snapshot = { track: object; state: string };
let watch: ((track: object, change: unknown, quiet?: object) => void) | undefined;

/** The extension changes `track`'s source (`change` is the promise of that change): it and every
 * track on the same camera whose page-visible configuration differs afterwards gets the event,
 * but `quiet` (a track its page does not have yet). */
export function afterChange(track: object, change: unknown, quiet?: object): void {
  if (watch) watch(track, change, quiet);
}

export function installConfigurationChange(): void {
  if (typeof MediaStreamTrack === "undefined" || !trackReadyState || !trackGetSettings) return;
  const proto = MediaStreamTrack.prototype;
  // The page-facing methods (the media-method wrappers) and `muted` (which the PTZ gate extends).
  const settings = proto.getSettings;
  const capabilities = proto.getCapabilities;
  const muted = getOwnPropertyDescriptor(proto, "muted")!.get!;
  const native = nativeConfigurationChange();

  const stateOf = (track: object): string => {
    try {
      return toJson([apply(settings, track, []), apply(capabilities, track, [])]);
    } catch {
      return "";
    }
  };
  const ended = (track: object) => apply(trackReadyState!, track, []) === "ended";
  // (A faceFraming track is on its camera's device: src/lib/stand-in.ts.)
  const deviceOf = (track: object) => (apply(trackGetSettings!, cameraOf(track), []) as { deviceId?: string }).deviceId;

  function fire(snapshot: Snapshot): void {
    const track = snapshot.track;
    if (ended(track)) return;
    if (apply(muted, track, [])) {
      let waiting = true;
      const resume = () => {
        if (!waiting) return;
        waiting = false;
        fire(snapshot);
      };
      // (Options without a prototype: a page's Object.prototype.signal must not reach them.)
      apply(addEventListener, track, ["unmute", resume, { __proto__: null, once: true }]);
      apply(addEventListener, track, ["ended", resume, { __proto__: null, once: true }]);
      return;
    }
    apply(setTimeoutFn, globalThis, [() => {
      if (ended(track) || stateOf(track) === snapshot.state) return;
      snapshot.state = stateOf(track);
      apply(dispatchEvent, track, [new EventCtor("configurationchange")]);
    }, 0]);
  }

  const snapshots = (tracks: object[]): Snapshot[] => {
    const out: Snapshot[] = [];
    for (let i = 0; i < tracks.length; i++) appendOwn(out, { track: tracks[i], state: stateOf(tracks[i]) });
    return out;
  };
  const fireAll = (list: Snapshot[]) => {
    for (let i = 0; i < list.length; i++) fire(list[i]);
  };
  // Pan, tilt and zoom belong to the camera, but Chromium updates them only in the settings of
  // the track that moved it: the others keep reporting the old position. The latest position per
  // camera is kept here and shown by every track on it (the spec's "update track's settings").
  const PTZ = ["pan", "tilt", "zoom"];
  const cameras = new MapCtor<string | undefined, { by: object; at: Record<string, unknown> }>();
  let moved = false;
  const remember = (track: object) => {
    const at = apply(trackGetSettings!, track, []) as Record<string, unknown>;
    if (!hasOwn(at, "pan") && !hasOwn(at, "tilt") && !hasOwn(at, "zoom")) return;
    moved = true;
    apply(mapSet, cameras, [at.deviceId, { by: track, at }]);
  };
  intercept("getSettings", (next, track, args) => {
    if (!moved) return undefined;
    const dict = apply(next, track, args) as Record<string, unknown>;
    const camera = apply(mapGet, cameras, [dict.deviceId]) as { by: object; at: Record<string, unknown> } | undefined;
    if (camera && camera.by !== track) {
      for (let i = 0; i < PTZ.length; i++) if (hasOwn(dict, PTZ[i])) setOwn(dict, PTZ[i], camera.at[PTZ[i]]);
    }
    return dict;
  });
  const settled = (mover: object, before: Snapshot[]) => (moves = true) => {
    try {
      if (moves) remember(mover);
    } catch {
      // An ended track has no settings worth keeping.
    }
    fireAll(before);
  };
  /** Whether constraints (the reader's copy: ../semantics/read-constraints.ts) name a position on a
   * PTZ axis: only then does a track's own applyConstraints move the camera, and its settings say
   * where it is (a track's pan is where it last moved the camera itself). */
  const movesPtz = (c: unknown): boolean => {
    if (!isObject(c)) return false;
    const sets: unknown[] = [c];
    const advanced = (c as { advanced?: unknown }).advanced;
    if (isArray(advanced)) for (let i = 0; i < advanced.length; i++) appendOwn(sets, advanced[i]);
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i];
      if (!isObject(set)) continue;
      for (let a = 0; a < PTZ.length; a++) {
        const v = (set as Record<string, unknown>)[PTZ[a]];
        if (typeof v === "number" || isObject(v)) return true;
      }
    }
    return false;
  };

  // A new track shows where the camera is when it arrives, unless the extension moved the camera
  // for it before the page got it (`quiet`: that mover's position is the newer).
  const movedFor = new WeakMapCtor<object, true>();
  onArrival((track) => {
    if (moved && !apply(weakMapGet, movedFor, [track])) remember(track);
  });

  watch = (track, change, quiet) => {
    if (quiet) apply(weakMapSet, movedFor, [quiet, true]);
    const list = siblingsOf(track, quiet);
    appendOwn(list, track);
    const done = settled(track, snapshots(list));
    apply(promiseThen, change, [() => done(), () => done()]);
  };

  /** The other live video tracks of this realm on `track`'s camera. */
  const siblingsOf = (track: object, quiet?: object): object[] => {
    const out: object[] = [];
    let device: string | undefined;
    const all = liveTracks();
    for (let i = 0; i < all.length; i++) {
      const other = all[i];
      if (other === track || other === quiet || apply(trackKind!, other, []) !== "video") continue;
      device ??= deviceOf(track);
      if (deviceOf(other) === device) appendOwn(out, other);
    }
    return out;
  };
  // The page's own applyConstraints changes its siblings, never itself; and where the camera
  // has moved in this realm, it is where the camera is now (its siblings, or the extension's
  // clone, may have moved it before).
  intercept("applyConstraints", (next, track, args) => {
    let siblings: object[];
    try {
      siblings = native ? [] : siblingsOf(track as object);
    } catch {
      return undefined;
    }
    if (!siblings.length && !moved) return undefined;
    const done = settled(track as object, snapshots(siblings));
    const moves = movesPtz(args[0]);
    const result = apply(next, track, args);
    // A fresh promise: a reaction on the native one would mark its rejection handled.
    return new PromiseCtor((resolve, reject) => {
      apply(promiseThen, result, [(value: unknown) => {
        resolve(value);
        done(moves);
      }, (error: unknown) => {
        reject(error);
        done(false);
      }]);
    });
  });
}
