/**
 * src/tracking/capture-trigger.ts (start) and capture-elements.ts (the pack) with stand-ins for
 * the browser: what the e2e tests cannot see, that start-up never reads the elements' interface
 * objects (each first read costs a frame 70-260 µs in Chromium 156) nor wraps anything, and that
 * the getters are wrapped when the pack installs (it comes at the frame's first click).
 * The real elements are tested in tests/e2e/capture-elements.spec.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";

const scope = globalThis as unknown as Record<string, unknown>;
const reads: string[] = [];

class TrackStandIn {}
class StreamStandIn {
  #tracks: TrackStandIn[] = [];
  getTracks() {
    return [...this.#tracks];
  }
  addTrack(track: TrackStandIn) {
    this.#tracks.push(track);
  }
}
class UserMediaStandIn {
  value: StreamStandIn | null = null;
  get stream() {
    if (!(this instanceof UserMediaStandIn)) throw new TypeError("Illegal invocation");
    return this.value;
  }
}
class CameraStandIn {
  value: TrackStandIn | null = null;
  get track() {
    if (!(this instanceof CameraStandIn)) throw new TypeError("Illegal invocation");
    return this.value;
  }
}
const tags: Record<string, new () => object> = { usermedia: UserMediaStandIn, camera: CameraStandIn };
class DocumentStandIn {
  created: string[] = [];
  createElement(tag: string) {
    this.created.push(tag);
    return new tags[tag]();
  }
}
const originalStream = Object.getOwnPropertyDescriptor(UserMediaStandIn.prototype, "stream")!.get;
const originalTrack = Object.getOwnPropertyDescriptor(CameraStandIn.prototype, "track")!.get;

let announced: unknown[] = [];
const doc = new DocumentStandIn();

beforeAll(async () => {
  // Present as the browser has them (the `in` check sees them), counted when read.
  for (const [name, value] of [["HTMLUserMediaElement", UserMediaStandIn], ["HTMLCameraElement", CameraStandIn]] as const) {
    Object.defineProperty(scope, name, { configurable: true, get: () => (reads.push(name), value) });
  }
  Object.assign(scope, { window: new EventTarget(), document: doc, Document: DocumentStandIn, MediaStream: StreamStandIn });
  const { installCaptureTrigger } = await import("../../src/tracking/capture-trigger");
  const { onResolved } = await import("../../src/core/media-methods");
  onResolved("getUserMedia", (value) => announced.push(value));
  installCaptureTrigger();
});

describe("capture elements, lazily", () => {
  it("reads no interface object and wraps nothing at start", () => {
    expect(reads).toEqual([]);
    expect(doc.created).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(UserMediaStandIn.prototype, "stream")!.get).toBe(originalStream);
    expect(Object.getOwnPropertyDescriptor(CameraStandIn.prototype, "track")!.get).toBe(originalTrack);
  });

  it("wraps the getters when the pack installs, from elements of its own, still without reading the globals", async () => {
    (scope.window as EventTarget).dispatchEvent(new Event("click"));
    expect(doc.created).toEqual([]);
    const { installCaptureElements } = await import("../../src/tracking/capture-elements");
    installCaptureElements();
    expect(reads).toEqual([]);
    expect(doc.created).toEqual(["usermedia", "camera"]);
    const stream = Object.getOwnPropertyDescriptor(UserMediaStandIn.prototype, "stream")!.get!;
    expect(stream).not.toBe(originalStream);
    // Shaped as the native one (wrap.ts): same name and length, same source text.
    expect([stream.name, stream.length, Function.prototype.toString.call(stream)])
      .toEqual([originalStream!.name, originalStream!.length, Function.prototype.toString.call(originalStream)]);
    (scope.window as EventTarget).dispatchEvent(new Event("click"));
    expect(doc.created).toEqual(["usermedia", "camera"]);
  });

  it("hands each new track over once, a <camera>'s in a stream of its own; foreign receivers fail natively", () => {
    announced = [];
    const element = new UserMediaStandIn();
    expect(element.stream).toBeNull();
    const stream = new StreamStandIn();
    stream.addTrack(new TrackStandIn());
    element.value = stream;
    expect(element.stream).toBe(stream);
    expect(element.stream).toBe(stream);
    expect(announced).toEqual([stream]);
    stream.addTrack(new TrackStandIn());
    expect(element.stream).toBe(stream);
    expect(announced).toEqual([stream, stream]);

    announced = [];
    const camera = new CameraStandIn();
    const track = new TrackStandIn();
    camera.value = track;
    expect(camera.track).toBe(track);
    expect(camera.track).toBe(track);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toBeInstanceOf(StreamStandIn);
    expect((announced[0] as StreamStandIn).getTracks()).toEqual([track]);

    const getter = Object.getOwnPropertyDescriptor(CameraStandIn.prototype, "track")!.get!;
    expect(() => getter.call({})).toThrow(new TypeError("Illegal invocation"));
  });
});
