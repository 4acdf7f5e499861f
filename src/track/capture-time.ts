/**
 * `VideoFrame.metadata().captureTime` for frames read from a track with MediaStreamTrackProcessor
 * (Chromium returns `{}` there, while requestVideoFrameCallback reports captureTime).
 *
 * Chromium stamps such frames with the capture time on its monotonic clock, in microseconds; a page
 * cannot read where performance.now()'s origin lies on that clock, so the offset is estimated as
 * the largest (timestamp - arrival) seen so far in this realm, which leaves in captureTime only the
 * capture-to-read delay of the fastest frame, a few milliseconds at most. captureTime = timestamp / 1000 - offset, on the
 * performance.now() timeline, increasing with the frames' own timestamps.
 *
 * Frames pass unchanged, one at a time, read from the native stream only when the page reads
 * (no extra buffering).
 */
import {
  apply, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, promiseThen, setOwn, WeakMapCtor, weakMapGet, weakMapSet,
} from "../lib/natives";
import { wrapGetter, wrapMethod } from "../lib/wrap";

export function installCaptureTime(): void {
  // Only the processor is touched at start: creating a realm's interface objects (ReadableStream,
  // VideoFrame ...) costs time in every frame, and they are needed once a page has a processor.
  if (typeof MediaStreamTrackProcessor === "undefined") return;
  let prepared = false;
  const processorStreams = new WeakMapCtor<object, true>();
  wrapGetter(MediaStreamTrackProcessor.prototype, "readable", (native, processor) => {
    const stream = apply(native, processor, []) as object;
    if (!prepared) {
      prepared = true;
      try {
        prepare(processorStreams);
      } catch {
        // Without it frames simply carry no captureTime.
      }
    }
    apply(weakMapSet, processorStreams, [stream, true]);
    return stream;
  });
}

type ReadResult = ReadableStreamReadResult<unknown>;

/** A processor stream's pipes and tees: they read a JS stream of ours, fed from the native one. */
interface Piping {
  /** The stream the pipes and tees read. */
  m: ReadableStream;
  c: ReadableStreamDefaultController;
  /** Our reader of the native stream, held while `m` is locked (and while `m` holds a frame). */
  inner?: ReadableStreamDefaultReader;
}

/**
 * Set up at the first processor's `readable`: the page's reads of processor streams, and
 * VideoFrame's metadata(). A page that took `getReader` & co. before that reads without marks.
 *
 * A reader or an async iterator of a processor stream is the native one on the native stream (so
 * its lock, its release and a read pending at the release are exactly native), and its read() or
 * next() notes the frame before the page gets it. A pipe or a tee cannot be watched that way (the
 * frames go from stream to stream inside the browser): it reads a JS stream of ours that pulls
 * one frame at a time from the native one, with a reader of ours that is let go as soon as that
 * stream is unlocked again (the pipe ended; a read of ours still pending is then cancelled by the
 * release, which takes no frame).
 */
function prepare(processorStreams: WeakMap<object, true>): void {
  if (typeof VideoFrame === "undefined") return;
  const Stream = ReadableStream;
  const streamProto = Stream.prototype as unknown as Record<string, Function>;
  const readerProto = ReadableStreamDefaultReader.prototype as unknown as Record<string, Function>;
  const getReader = streamProto.getReader;
  const values = streamProto.values as Function | undefined;
  const isLocked = getOwnPropertyDescriptor(streamProto, "locked")!.get!;
  const read = readerProto.read;
  const cancel = readerProto.cancel;
  const releaseLock = readerProto.releaseLock;
  const enqueue = ReadableStreamDefaultController.prototype.enqueue;
  const close = ReadableStreamDefaultController.prototype.close;
  const desiredSize = getOwnPropertyDescriptor(ReadableStreamDefaultController.prototype, "desiredSize")!.get!;
  const timestampOf = getOwnPropertyDescriptor(VideoFrame.prototype, "timestamp")!.get!;
  const perf = performance;
  const perfNow = perf.now;
  const captured = new WeakMapCtor<object, number>();
  let offset = -Infinity;

  /** Notes a frame's timestamp as it reaches this realm. */
  const note = (frame: unknown) => {
    if (typeof frame !== "object" || frame === null) return;
    try {
      const ms = (apply(timestampOf, frame, []) as number) / 1000;
      const gap = ms - (apply(perfNow, perf, []) as number);
      if (gap > offset) offset = gap;
      apply(weakMapSet, captured, [frame, ms]);
    } catch {
      // Audio data: no captureTime to add.
    }
  };
  const noteResult = (result: ReadResult) => {
    if (!result.done) note(result.value);
    return result;
  };

  const pipings = new WeakMapCtor<object, Piping>();
  /** Lets go of the native stream once nothing of ours needs it: `m` is unlocked and holds no frame. */
  const settle = (p: Piping) => {
    if (!p.inner || apply(isLocked, p.m, []) || (apply(desiredSize, p.c, []) as number | null)! < 0) return;
    const inner = p.inner;
    p.inner = undefined;
    apply(releaseLock, inner, []);
  };
  const pipingOf = (nativeStream: ReadableStream): Piping => {
    const piping = { m: undefined!, c: undefined! } as Piping;
    // (Without prototypes: the constructor reads the members it misses, `type`, `size` ..., and a
    // page's Object.prototype must not answer.)
    piping.m = new Stream({
      __proto__: null,
      start(controller: ReadableStreamDefaultController) {
        piping.c = controller;
      },
      pull(controller: ReadableStreamDefaultController) {
        const inner = piping.inner ??= apply(getReader, nativeStream, []) as ReadableStreamDefaultReader;
        return apply(promiseThen, apply(read, inner, []), [(result: ReadResult) => {
          if (result.done) {
            apply(close, controller, []);
            return settle(piping);
          }
          note(result.value);
          // (A frame that came after the pipe ended stays in `m`, which then keeps the native
          // stream locked until a reader of this realm takes the frame: none is lost.)
          apply(enqueue, controller, [result.value]);
          settle(piping);
        }, (error: unknown) => {
          // A release of ours rejects the read it cancels (no frame was taken); any other error
          // is the native stream's.
          if (piping.inner !== inner) return;
          throw error;
        }]);
      },
      // (Our reader stays until `m` is unlocked: a tee never lets go of it, natively either.)
      cancel(reason: unknown) {
        return piping.inner && apply(cancel, piping.inner, [reason]);
      },
    } as UnderlyingDefaultSource, { __proto__: null, highWaterMark: 0 } as QueuingStrategy);
    apply(weakMapSet, pipings, [nativeStream, piping]);
    return piping;
  };

  const isProcessorStream = (stream: unknown) =>
    typeof stream === "object" && stream !== null && apply(weakMapGet, processorStreams, [stream]) === true;
  /** What a processor stream's methods act on: `m` while our reader holds the native stream's lock
   * (a pipe or a tee reads `m`, or `m` holds a frame), else the native stream itself. */
  const target = (stream: unknown): unknown => {
    const p = isProcessorStream(stream) ? apply(weakMapGet, pipings, [stream]) as Piping | undefined : undefined;
    if (p) settle(p);
    return p?.inner ? p.m : stream;
  };

  // A reader or an iterator of a processor stream notes the frames it reads.
  const noted = new WeakMapCtor<object, true>();
  const reading = (native: Function, stream: unknown, args: unknown[]) => {
    const on = target(stream);
    const made = apply(native, on, args) as object;
    if (on !== stream || !isProcessorStream(stream)) return made;
    apply(weakMapSet, noted, [made, true]);
    return made;
  };
  const noting = (native: Function, reader: unknown, args: unknown[]) => {
    const result = apply(native, reader, args);
    return typeof reader === "object" && reader !== null && apply(weakMapGet, noted, [reader])
      ? apply(promiseThen, result, [noteResult]) : result;
  };
  /** A pipe or a tee of a processor stream reads `m` (unless another reader holds the native
   * stream: then the native method says that it is locked). `ends`: pipeTo, whose promise settles
   * once the pipe has let go of `m`. */
  const pipe = (ends: boolean) => (native: Function, stream: unknown, args: unknown[]) => {
    const on = target(stream);
    if (on !== stream || !isProcessorStream(stream) || apply(isLocked, stream, [])) return apply(native, on, args);
    const p = (apply(weakMapGet, pipings, [stream]) as Piping | undefined) ?? pipingOf(stream as ReadableStream);
    p.inner = apply(getReader, stream, []) as ReadableStreamDefaultReader;
    try {
      const result = apply(native, p.m, args);
      if (ends) apply(promiseThen, result, [() => settle(p), () => settle(p)]);
      return result;
    } finally {
      // (A call that failed did not lock `m`.)
      settle(p);
    }
  };

  wrapMethod(streamProto, "getReader", reading);
  if (values) {
    wrapMethod(streamProto, "values", reading);
    // `[Symbol.asyncIterator]` is the very function `values` is.
    const iterator = getOwnPropertyDescriptor(streamProto, Symbol.asyncIterator);
    if (iterator) defineProperty(streamProto, Symbol.asyncIterator, { ...iterator, value: streamProto.values });
    // The iterators' prototype (%ReadableStreamAsyncIteratorPrototype%), from one of a stream of ours.
    const iteratorProto = getPrototypeOf(apply(values, new Stream(), [])) as Record<string, Function> | null;
    if (iteratorProto && typeof iteratorProto.next === "function") wrapMethod(iteratorProto, "next", noting);
  }
  wrapMethod(readerProto, "read", noting);
  if (typeof streamProto.pipeTo === "function") wrapMethod(streamProto, "pipeTo", pipe(true));
  if (typeof streamProto.pipeThrough === "function") wrapMethod(streamProto, "pipeThrough", pipe(false));
  if (typeof streamProto.tee === "function") wrapMethod(streamProto, "tee", pipe(false));
  wrapMethod(streamProto, "cancel", (native, stream, args) => apply(native, target(stream), args));
  wrapGetter(streamProto, "locked", (native, stream) => apply(native, target(stream), []));

  wrapMethod(VideoFrame.prototype, "metadata", (native, frame, args) => {
    const metadata = apply(native, frame, args) as Record<string, unknown>;
    const ms = apply(weakMapGet, captured, [frame]) as number | undefined;
    if (ms !== undefined && metadata && metadata.captureTime === undefined) setOwn(metadata, "captureTime", ms - offset);
    return metadata;
  });
}
