/**
 * Captures made with Chromium's capture elements (M151+): `<usermedia>` (HTMLUserMediaElement,
 * hands out a MediaStream through its `stream` getter after a `stream` event), `<camera>` and
 * `<microphone>` (HTMLCameraElement / HTMLMicrophoneElement, a MediaStreamTrack through `track`
 * after a `track` event). The browser starts the capture itself when the user clicks the element;
 * getUserMedia is never called. Measured on Chromium 156: docs/ARCHITECTURE.md, "Capture elements".
 *
 * Their tracks are announced to the getUserMedia hooks (core/media-methods.ts `announce`), so they
 * become captures of this frame like any other: In use now, history, badge, Stop. The per-track
 * wrappers on MediaStreamTrack.prototype (hidden labels, the PTZ gate on capabilities, settings and
 * applyConstraints) apply to them without anything here.
 *
 * Lazy, like transfer/install.ts: reading the three interface objects costs a frame ~0.07-0.26 ms
 * (measured, 200 frames), so at start only `in` checks run and one capturing `click` listener goes
 * on the window. An element starts a capture only on a trusted click (a keyboard activation is a
 * click too), and every click passes the window's capturing listeners first, before the element's
 * activation behaviour: at the first click of the frame the getters are wrapped, and two capturing
 * listeners for the `stream` and `track` events go on the window (those events neither bubble nor
 * cross shadow roots, but a capturing listener on the window sees them for elements in the
 * document, before any page listener). The getters catch elements in shadow trees, the listeners
 * streams the page never reads.
 */
import { announce } from "../core/media-methods";
import { early } from "./capture-trigger";

/** [interface name, tag, getter]: the global is only tested with `in`, never read. */
const ELEMENTS: [string, string, "stream" | "track"][] = [
  ["HTMLUserMediaElement", "usermedia", "stream"],
  ["HTMLCameraElement", "camera", "track"],
  ["HTMLMicrophoneElement", "microphone", "track"],
];
import {
  addEventListener, appendOwn, apply, construct, createElement, eventTarget, getPrototypeOf, isArray, WeakMapCtor, weakMapHas, weakMapSet,
} from "../lib/natives";
import { MediaStreamCtor, ownDocument, streamAddTrack, streamGetTracks } from "../lib/media-natives";
import { wrapGetter } from "../lib/wrap";

export function installCaptureElements(): void {
  const g = globalThis as Record<string, unknown>;
  if (!ownDocument || !createElement || !MediaStreamCtor || !streamAddTrack || !streamGetTracks) return;
  const present: [string, string, "stream" | "track"][] = [];
  for (let i = 0; i < ELEMENTS.length; i++) if (ELEMENTS[i][0] in g) appendOwn(present, ELEMENTS[i]);
  if (!present.length) return;

  /** Tracks already handed to the hooks (a page may read `stream` in every animation frame). */
  const seen = new WeakMapCtor<object, true>();
  const fresh = (track: unknown) => typeof track === "object" && track !== null && !apply(weakMapHas, seen, [track]);

  function handOver(value: unknown, isStream: boolean): void {
    if (typeof value !== "object" || value === null) return;
    let stream = value;
    if (isStream) {
      const tracks = apply(streamGetTracks!, value, []) as unknown;
      if (!isArray(tracks)) return;
      let any = false;
      for (let i = 0; i < tracks.length; i++) {
        if (!fresh(tracks[i])) continue;
        any = true;
        apply(weakMapSet, seen, [tracks[i], true]);
      }
      if (!any) return;
    } else {
      if (!fresh(value)) return;
      apply(weakMapSet, seen, [value, true]);
      // A stream of its own (not `new MediaStream([track])`, which would iterate the page's array).
      stream = construct(MediaStreamCtor!, []) as object;
      apply(streamAddTrack!, stream, [value]);
    }
    announce("getUserMedia", stream);
  }

  /** The getters as found at the first click, by event: "stream" → [usermedia], "track" → [camera, microphone]. */
  const getters: { stream: Function[]; track: Function[] } = { stream: [], track: [] };

  const fromEvent = (event: Event, isStream: boolean) => {
    const list = isStream ? getters.stream : getters.track;
    let target: unknown;
    try {
      target = apply(eventTarget, event, []);
    } catch {
      return;
    }
    for (let i = 0; i < list.length; i++) {
      let value: unknown;
      try {
        value = apply(list[i], target, []); // throws for anything but that element
      } catch {
        continue;
      }
      try {
        handOver(value, isStream);
      } catch {
        // Tracking never disturbs the page.
      }
      return;
    }
  };

  let installed = false;
  const install = () => {
    if (installed) return;
    installed = true;
    try {
      wrapAll();
    } catch {
      // (A listener's exception would reach the page's onerror.) Whatever was wrapped stays.
    }
    if (getters.stream.length) apply(addEventListener, window, ["stream", (e: Event) => fromEvent(e, true), true]);
    if (getters.track.length) apply(addEventListener, window, ["track", (e: Event) => fromEvent(e, false), true]);
  };
  const wrapAll = () => {
    for (let i = 0; i < present.length; i++) {
      // (Indexed, not destructured: that would run the page's Array iterator.)
      const tag = present[i][1], name = present[i][2];
      let proto: object | null;
      try {
        // The real prototype, from an element of its own: the page may have replaced the global.
        proto = getPrototypeOf(apply(createElement!, ownDocument, [tag]) as object);
      } catch {
        continue;
      }
      if (!proto) continue;
      const isStream = name === "stream";
      const native = wrapGetter(proto, name, (getter, element) => {
        const value = apply(getter, element, []);
        try {
          handOver(value, isStream);
        } catch {
          // Tracking never disturbs the page.
        }
        return value;
      });
      if (native) appendOwn(isStream ? getters.stream : getters.track, native);
    }
  };
  // In the pack (src/core/pack.ts), which comes at a frame's first click or its first use of
  // another feature (./capture-trigger.ts): the getters are wrapped now, and the elements whose
  // capture started before are read.
  install();
  for (let i = 0; i < early.length; i++) {
    const isStream = early[i][1], list = isStream ? getters.stream : getters.track;
    for (let j = 0; j < list.length; j++) {
      try {
        handOver(apply(list[j], early[i][0], []), isStream);
        break;
      } catch {
        // Not that element.
      }
    }
  }
  early.length = 0;
}
