/**
 * `track.stats` where the browser lacks it (Chromium shipped video stats in M120 and audio stats in
 * M125; native stats are never touched). Counts the frames a camera or microphone track delivers
 * by reading a private clone of it with MediaStreamTrackProcessor, from getUserMedia's resolution
 * on; counters only move while the track is live, enabled and unmuted, and are read once per task
 * (the spec's "expose ... counters steps"). `stats` is [SameObject]; the objects have the spec's
 * attributes, `toJSON` and, for audio, `resetLatency`.
 *
 * Not measurable from a page: frames the browser discards to reach a lower frameRate (reported as
 * 0), and the audio input latency, estimated as the duration of the audio chunks as they arrive.
 */
import { onResolved } from "../core/media-methods";
import {
  apply, defineProperty, deleteProperty, getOwnPropertyDescriptor, objectCreate, promiseThen, setOwn, setTimeoutFn, trackReadyState, TypeErrorCtor, WeakMapCtor, weakMapGet, weakMapSet,
} from "../lib/natives";
import { streamGetTracks, trackEnabled, trackKind, trackMuted } from "../lib/media-natives";
import { defineAttribute, looksNative, wrapGetter } from "../lib/wrap";

type Kind = "audio" | "video";
interface Counters {
  kind: Kind;
  delivered: number;
  duration: number;
  latency: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** The values the current task sees, or null until something reads them. */
  seen: Record<string, number> | null;
}

const VIDEO = ["deliveredFrames", "discardedFrames", "totalFrames"];
const AUDIO = ["deliveredFrames", "deliveredFramesDuration", "totalFrames", "totalFramesDuration",
  "latency", "averageLatency", "minimumLatency", "maximumLatency"];

export function installStatsFillIn(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  // `in`, not a read: reading a global interface object creates it, which costs every frame time.
  const fill = { video: !("MediaStreamTrackVideoStats" in g), audio: !("MediaStreamTrackAudioStats" in g) };
  if (!fill.video && !fill.audio) return;
  if (typeof MediaStreamTrack === "undefined" || typeof MediaStreamTrackProcessor === "undefined" || !streamGetTracks) return;
  const missing = (kind: Kind) => fill[kind] === true;
  const proto = MediaStreamTrack.prototype;
  const clone = proto.clone;
  const stop = proto.stop;
  const Processor = MediaStreamTrackProcessor;
  const readable = getOwnPropertyDescriptor(Processor.prototype, "readable")!.get!;
  const getReader = ReadableStream.prototype.getReader;
  const read = ReadableStreamDefaultReader.prototype.read;
  const closeVideo = typeof VideoFrame === "undefined" ? undefined : VideoFrame.prototype.close;
  const closeAudio = typeof AudioData === "undefined" ? undefined : AudioData.prototype.close;
  const audioFrames = typeof AudioData === "undefined" ? undefined : getOwnPropertyDescriptor(AudioData.prototype, "numberOfFrames")!.get!;
  const audioDuration = typeof AudioData === "undefined" ? undefined : getOwnPropertyDescriptor(AudioData.prototype, "duration")!.get!;

  const counters = new WeakMapCtor<object, Counters>();
  const objects = new WeakMapCtor<object, object>();
  const owner = new WeakMapCtor<object, Counters>();
  const interfaces: Partial<Record<Kind, { prototype: object }>> = {};

  /** Counts `track`'s frames from now on, reading a clone of it until it ends. */
  function count(track: object): void {
    const kind = apply(trackKind!, track, []) as Kind;
    if (!missing(kind) || apply(weakMapGet, counters, [track]) || apply(trackReadyState!, track, []) !== "live") return;
    const c: Counters = { kind, delivered: 0, duration: 0, latency: 0, sum: 0, count: 0, min: 0, max: 0, seen: null };
    apply(weakMapSet, counters, [track, c]);
    const copy = apply(clone, track, []) as MediaStreamTrack;
    const reader = apply(getReader, apply(readable, new Processor({ track: copy, maxBufferSize: 120 }), []), []);
    const next = (result: ReadableStreamReadResult<VideoFrame | AudioData>) => {
      const frame = result.value;
      if (apply(trackReadyState!, track, []) !== "live") {
        // The page stopped its track (stop() fires no event): give the camera back at once.
        apply(stop, copy, []);
        if (frame) apply(kind === "video" ? closeVideo! : closeAudio!, frame, []);
        return;
      }
      if (result.done || !frame) return;
      if (apply(trackEnabled!, track, []) && !apply(trackMuted!, track, [])) {
        if (kind === "video") {
          c.delivered++;
        } else {
          const ms = (apply(audioDuration!, frame, []) as number) / 1000;
          c.delivered += apply(audioFrames!, frame, []) as number;
          c.duration += ms;
          c.latency = ms;
          c.sum += ms;
          c.min = c.count ? (ms < c.min ? ms : c.min) : ms;
          c.max = ms > c.max ? ms : c.max;
          c.count++;
        }
      }
      apply(kind === "video" ? closeVideo! : closeAudio!, frame, []);
      apply(promiseThen, apply(read, reader, []), [next, () => apply(stop, copy, [])]);
    };
    apply(promiseThen, apply(read, reader, []), [next, () => apply(stop, copy, [])]);
  }

  /** The counters as this task sees them (taken at the first read in a task). */
  function exposed(c: Counters): Record<string, number> {
    if (c.seen) return c.seen;
    const s = objectCreate(null) as Record<string, number>;
    const average = c.count ? c.sum / c.count : 0;
    const values = c.kind === "video" ? [c.delivered, 0, c.delivered]
      : [c.delivered, c.duration, c.delivered, c.duration, c.latency, average, c.min, c.max];
    const names = c.kind === "video" ? VIDEO : AUDIO;
    for (let i = 0; i < names.length; i++) setOwn(s, names[i], values[i]);
    c.seen = s;
    apply(setTimeoutFn, globalThis, [() => {
      c.seen = null;
    }, 0]);
    return s;
  }

  const isStats = (thisArg: unknown) =>
    (typeof thisArg === "object" && thisArg !== null) && apply(weakMapGet, owner, [thisArg]) !== undefined;
  const countersOf = (thisArg: unknown) => apply(weakMapGet, owner, [thisArg]) as Counters;

  /** An interface object and prototype shaped as WebIDL makes them (checked against native
   * Chromium in the e2e test): members, then `constructor`, then `Symbol.toStringTag`. */
  function defineInterface(kind: Kind): void {
    const name = kind === "video" ? "MediaStreamTrackVideoStats" : "MediaStreamTrackAudioStats";
    const Iface = {
      [name]: function () {
        throw new TypeErrorCtor(new.target ? "Failed to construct '" + name + "': Illegal constructor" : "Illegal constructor");
      },
    }[name];
    looksNative(Iface, name);
    const proto = Iface.prototype as object;
    const names = kind === "video" ? VIDEO : AUDIO;
    for (let i = 0; i < names.length; i++) {
      const key = names[i];
      defineAttribute(proto, key, isStats, (thisArg) => exposed(countersOf(thisArg))[key]);
    }
    // Method syntax: like WebIDL operations, no `prototype` and not constructors.
    const methods: Record<string, Function> = {
      resetLatency(this: unknown) {
        if (!isStats(this)) throw new TypeErrorCtor("Illegal invocation");
        const c = countersOf(this);
        c.sum = c.min = c.max = c.latency;
        c.count = c.count ? 1 : 0;
        c.seen = null;
      },
      toJSON(this: unknown) {
        if (!isStats(this)) throw new TypeErrorCtor("Illegal invocation");
        const out: Record<string, number> = {};
        const s = exposed(countersOf(this));
        for (let i = 0; i < names.length; i++) setOwn(out, names[i], s[names[i]]);
        return out;
      },
    };
    const data = (value: unknown, writable: boolean, enumerable: boolean) =>
      ({ __proto__: null, value, writable, enumerable, configurable: true }) as PropertyDescriptor;
    const operations = kind === "audio" ? ["resetLatency", "toJSON"] : ["toJSON"];
    for (let i = 0; i < operations.length; i++) {
      looksNative(methods[operations[i]], operations[i]);
      defineProperty(proto, operations[i], data(methods[operations[i]], true, true));
    }
    // After the members, as natively (the function came with it first).
    deleteProperty(proto, "constructor");
    defineProperty(proto, "constructor", data(Iface, true, false));
    defineProperty(proto, Symbol.toStringTag, data(name, false, false));
    defineProperty(Iface, "prototype", { __proto__: null, writable: false } as PropertyDescriptor);
    defineProperty(g, name, data(Iface, true, false));
    interfaces[kind] = Iface as unknown as { prototype: object };
  }

  function statsOf(track: object): object | null {
    const c = apply(weakMapGet, counters, [track]) as Counters | undefined;
    if (!c) return null;
    let stats = apply(weakMapGet, objects, [track]) as object | undefined;
    if (!stats) {
      stats = objectCreate(interfaces[c.kind]!.prototype) as object;
      apply(weakMapSet, owner, [stats, c]);
      apply(weakMapSet, objects, [track, stats]);
    }
    return stats;
  }

  if (missing("video")) defineInterface("video");
  if (missing("audio")) defineInterface("audio");
  const nativeGetter = getOwnPropertyDescriptor(proto, "stats")?.get;
  if (nativeGetter) {
    // Video stats native, audio ones not (M120-M124): fill in where the browser answers null.
    wrapGetter(proto, "stats", (native, track) => apply(native, track, []) ?? statsOf(track as object));
  } else {
    defineAttribute(proto, "stats", (t) => {
      try {
        apply(trackReadyState!, t, []);
        return true;
      } catch {
        return false;
      }
    }, (track) => statsOf(track as object));
  }
  onResolved("getUserMedia", (stream) => {
    const tracks = apply(streamGetTracks!, stream, []) as object[];
    for (let i = 0; i < tracks.length; i++) count(tracks[i]);
  });
}
