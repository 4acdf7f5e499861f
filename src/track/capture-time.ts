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
  apply, defineProperty, getOwnPropertyDescriptor, promiseThen, setOwn, WeakMapCtor, weakMapGet, weakMapSet,
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

/** Set up at the first processor's `readable`: the page's reads of processor streams, and
 * VideoFrame's metadata(). A page that took `getReader` & co. before that reads without marks. */
function prepare(processorStreams: WeakMap<object, true>): void {
  if (typeof VideoFrame === "undefined") return;
  const Stream = ReadableStream;
  const getReader = Stream.prototype.getReader;
  const read = ReadableStreamDefaultReader.prototype.read;
  const cancel = ReadableStreamDefaultReader.prototype.cancel;
  const timestampOf = getOwnPropertyDescriptor(VideoFrame.prototype, "timestamp")!.get!;
  const perf = performance;
  const perfNow = perf.now;
  const captured = new WeakMapCtor<object, number>();
  let offset = -Infinity;

  // The processor's own stream stays what the page gets (so it can still be transferred to a
  // worker natively); reading it in this realm goes through a stream that notes each frame's
  // timestamp, created at the first read and holding the native stream's lock from then on.
  const marking = new WeakMapCtor<object, ReadableStream>();
  const markingOf = (nativeStream: ReadableStream): ReadableStream => {
    let stream = apply(weakMapGet, marking, [nativeStream]) as ReadableStream | undefined;
    if (stream) return stream;
    const reader = apply(getReader, nativeStream, []) as ReadableStreamDefaultReader;
    stream = new Stream({
      pull(controller) {
        return apply(promiseThen, apply(read, reader, []), [(result: ReadableStreamReadResult<unknown>) => {
          if (result.done) return controller.close();
          const frame = result.value;
          if (typeof frame === "object" && frame !== null) {
            try {
              const ms = (apply(timestampOf, frame, []) as number) / 1000;
              const gap = ms - (apply(perfNow, perf, []) as number);
              if (gap > offset) offset = gap;
              apply(weakMapSet, captured, [frame, ms]);
            } catch {
              // Audio data: no captureTime to add.
            }
          }
          controller.enqueue(frame);
        }]);
      },
      cancel(reason) {
        return apply(cancel, reader, [reason]);
      },
    }, { highWaterMark: 0 });
    apply(weakMapSet, marking, [nativeStream, stream]);
    return stream;
  };
  // Reading starts the marking stream; `locked` and `cancel` only follow one that exists.
  const via = (start: boolean) => (native: Function, stream: unknown, args: unknown[]) => apply(native,
    typeof stream === "object" && stream !== null && apply(weakMapGet, processorStreams, [stream])
      && (start || apply(weakMapGet, marking, [stream])) ? markingOf(stream as ReadableStream) : stream, args);
  const streamProto = Stream.prototype as unknown as Record<string, unknown>;
  const methods = ["getReader", "pipeThrough", "pipeTo", "tee", "values", "cancel"];
  for (let i = 0; i < methods.length; i++) {
    if (typeof streamProto[methods[i]] === "function") wrapMethod(streamProto, methods[i], via(methods[i] !== "cancel"));
  }
  // `[Symbol.asyncIterator]` is the very function `values` is.
  const iterator = getOwnPropertyDescriptor(streamProto, Symbol.asyncIterator);
  if (iterator) defineProperty(streamProto, Symbol.asyncIterator, { ...iterator, value: streamProto.values });
  wrapGetter(streamProto, "locked", (native, stream) => via(false)(native, stream, []));

  wrapMethod(VideoFrame.prototype, "metadata", (native, frame, args) => {
    const metadata = apply(native, frame, args) as Record<string, unknown>;
    const ms = apply(weakMapGet, captured, [frame]) as number | undefined;
    if (ms !== undefined && metadata && metadata.captureTime === undefined) setOwn(metadata, "captureTime", ms - offset);
    return metadata;
  });
}
