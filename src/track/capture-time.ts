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
 * The processor's `readable` (same object every time) hands out the native stream's frames
 * unchanged, reading the native stream only when the page reads (no extra buffering).
 */
import {
  apply, getOwnPropertyDescriptor, promiseThen, setOwn, WeakMapCtor, weakMapGet, weakMapSet,
} from "../lib/natives";
import { wrapGetter, wrapMethod } from "../lib/wrap";

export function installCaptureTime(): void {
  if (typeof MediaStreamTrackProcessor === "undefined" || typeof VideoFrame === "undefined") return;
  const Stream = ReadableStream;
  const getReader = Stream.prototype.getReader;
  const read = ReadableStreamDefaultReader.prototype.read;
  const cancel = ReadableStreamDefaultReader.prototype.cancel;
  const timestampOf = getOwnPropertyDescriptor(VideoFrame.prototype, "timestamp")!.get!;
  const perf = performance;
  const perfNow = perf.now;
  const streams = new WeakMapCtor<object, object>();
  const captured = new WeakMapCtor<object, number>();
  let offset = -Infinity;

  wrapGetter(MediaStreamTrackProcessor.prototype, "readable", (native, processor) => {
    const nativeStream = apply(native, processor, []) as ReadableStream;
    let stream = apply(weakMapGet, streams, [processor]) as ReadableStream | undefined;
    if (stream) return stream;
    let reader: ReadableStreamDefaultReader | undefined;
    stream = new Stream({
      pull(controller) {
        reader ??= apply(getReader, nativeStream, []) as ReadableStreamDefaultReader;
        return apply(promiseThen, apply(read, reader, []), [(result: ReadableStreamReadResult<unknown>) => {
          if (result.done) return controller.close();
          const frame = result.value;
          if (typeof frame === "object" && frame !== null && apply(weakMapGet, captured, [frame]) === undefined) {
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
        return reader ? apply(cancel, reader, [reason]) : apply(Stream.prototype.cancel, nativeStream, [reason]);
      },
    }, { highWaterMark: 0 });
    apply(weakMapSet, streams, [processor, stream]);
    return stream;
  });

  wrapMethod(VideoFrame.prototype, "metadata", (native, frame, args) => {
    const metadata = apply(native, frame, args) as Record<string, unknown>;
    const ms = apply(weakMapGet, captured, [frame]) as number | undefined;
    if (ms !== undefined && metadata && metadata.captureTime === undefined) setOwn(metadata, "captureTime", ms - offset);
    return metadata;
  });
}
