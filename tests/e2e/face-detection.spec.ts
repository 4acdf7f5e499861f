/**
 * humanFaceDetectionMode (issue 7): a camera fed with a video of drawn faces (scripts/face-video.mjs)
 * yields VideoFrames whose metadata().segments locate the faces; nothing runs until a page asks.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { expect, extensionWorker, launch, test } from "./fixtures";
import { FACES, HEIGHT, makeFaceVideo, WIDTH } from "../../scripts/face-video.mjs";

interface Segment {
  type: string; id: number; partOf?: number; probability: number;
  boundingBox?: { x: number; y: number; width: number; height: number };
  centerPoint?: { x: number; y: number };
}

declare global {
  interface VideoFrame { metadata(): Record<string, unknown> }
  interface Window {
    faceTrack: MediaStreamTrack;
    /** The segments of the next `count` frames that have any. */
    segmentsOf(count: number): Promise<(Segment[] | undefined)[]>;
  }
}

let context: BrowserContext;
let close: () => Promise<void>;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const video = await makeFaceVideo();
  ({ context, close } = await launch({ extension: true, extra: [`--use-file-for-fake-video-capture=${video}`] }));
  await extensionWorker(context);
});
test.afterAll(async () => close?.());

async function openPage(origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/probe.html`);
  await page.evaluate(() => {
    window.segmentsOf = async (count) => {
      const reader = new MediaStreamTrackProcessor({ track: window.faceTrack.clone() }).readable.getReader();
      const out: (Segment[] | undefined)[] = [];
      const until = performance.now() + 15_000;
      while (out.length < count && performance.now() < until) {
        const { value: frame } = await reader.read();
        const segments = (frame!.metadata() as { segments?: Segment[] }).segments;
        frame!.close();
        if (segments?.length || out.length) out.push(segments);
      }
      reader.cancel();
      return out;
    };
  });
  return page;
}

const near = (a: number, b: number) => Math.abs(a - b) <= 0.1;

test("bounding boxes match the faces, with stable ids", async ({ site }) => {
  const page = await openPage(site.origin);
  const settings = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { humanFaceDetectionMode: "bounding-box" } as MediaTrackConstraints });
    window.faceTrack = stream.getVideoTracks()[0];
    return [(window.faceTrack.getSettings() as Record<string, unknown>).humanFaceDetectionMode, window.faceTrack.getConstraints()];
  });
  expect(settings).toEqual(["bounding-box", { humanFaceDetectionMode: "bounding-box" }]);
  await expect.poll(() => page.workers().length).toBe(1);
  const frames = await page.evaluate(() => window.segmentsOf(5));
  expect(frames).toHaveLength(5);
  for (const segments of frames) {
    const faces = [...segments!].sort((a, b) => a.boundingBox!.x - b.boundingBox!.x);
    expect(faces.map((s) => s.type)).toEqual(["human-face", "human-face"]);
    faces.forEach((s, i) => {
      const box = s.boundingBox!;
      // Within 10% of the frame of the drawn face's centre.
      expect(near(box.x + box.width / 2, FACES[i].cx / WIDTH)).toBe(true);
      expect(near(box.y + box.height / 2, FACES[i].cy / HEIGHT)).toBe(true);
      expect(near(box.height, FACES[i].h * 0.75 / HEIGHT)).toBe(true);
      expect(s.probability).toBeGreaterThan(0.5);
      expect(s.probability).toBeLessThanOrEqual(1);
      expect(Number.isInteger(s.id)).toBe(true);
    });
  }
  // The same faces keep their ids from frame to frame; the two faces differ.
  const ids = frames.map((segments) => [...segments!].sort((a, b) => a.boundingBox!.x - b.boundingBox!.x).map((s) => s.id));
  for (const list of ids) expect(list).toEqual(ids[0]);
  expect(ids[0][0]).not.toBe(ids[0][1]);
  await page.close();
});

test("landmark centre points belong to their face; \"none\" stops the detector", async ({ site }) => {
  const page = await openPage(site.origin);
  await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    window.faceTrack = stream.getVideoTracks()[0];
    await window.faceTrack.applyConstraints({
      advanced: [{ humanFaceDetectionMode: "bounding-box-with-landmark-center-point" } as MediaTrackConstraintSet],
    });
  });
  const [segments] = await page.evaluate(() => window.segmentsOf(1));
  const faces = segments!.filter((s) => s.type === "human-face");
  expect(faces).toHaveLength(2);
  for (const face of faces) {
    const parts = segments!.filter((s) => s.partOf === face.id);
    expect(parts.map((s) => s.type).sort()).toEqual(["left-eye", "mouth", "right-eye"]);
    const box = face.boundingBox!;
    for (const part of parts) {
      expect(part.centerPoint!.x).toBeGreaterThan(box.x);
      expect(part.centerPoint!.x).toBeLessThan(box.x + box.width);
      expect(part.centerPoint!.y).toBeGreaterThan(box.y);
      expect(part.centerPoint!.y).toBeLessThan(box.y + box.height);
    }
    const point = (type: string) => parts.find((s) => s.type === type)!.centerPoint!;
    // The subject's left eye is on the right of the picture; the mouth is below the eyes.
    expect(point("left-eye").x).toBeGreaterThan(point("right-eye").x);
    expect(point("mouth").y).toBeGreaterThan(point("left-eye").y);
  }
  const ids = segments!.map((s) => s.id);
  expect(new Set(ids).size).toBe(ids.length);

  const after = await page.evaluate(async () => {
    await window.faceTrack.applyConstraints({ humanFaceDetectionMode: { exact: "none" } } as MediaTrackConstraints);
    const mode = (window.faceTrack.getSettings() as Record<string, unknown>).humanFaceDetectionMode;
    const reader = new MediaStreamTrackProcessor({ track: window.faceTrack }).readable.getReader();
    const { value: frame } = await reader.read();
    const metadata = frame!.metadata();
    frame!.close();
    reader.cancel();
    return { mode, segments: "segments" in metadata };
  });
  expect(after).toEqual({ mode: "none", segments: false });
  await expect.poll(() => page.workers().length).toBe(0);
  await page.close();
});

test("nothing runs until a page asks; capabilities and errors", async ({ site }) => {
  const page = await openPage(site.origin);
  const result = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const [track] = stream.getVideoTracks();
    const frame = (await new MediaStreamTrackProcessor({ track: track.clone() }).readable.getReader().read()).value!;
    const plainMetadata = "segments" in frame.metadata();
    frame.close();
    const attempt = async (c: unknown) => {
      try {
        await track.applyConstraints(c as MediaTrackConstraints);
        return "ok";
      } catch (e) {
        return `${(e as Error).name} ${(e as OverconstrainedError).constraint}`;
      }
    };
    const gum = await navigator.mediaDevices.getUserMedia({ video: { humanFaceDetectionMode: { exact: "bounding-box" } } as MediaTrackConstraints })
      .then(() => "ok", (e) => `${e.name}: ${e.message}`);
    // A page may change the lists it is given: each call's are its own, as the browser's are.
    const given = (track.getCapabilities() as Record<string, string[]>).humanFaceDetectionMode;
    const caps = given.slice();
    given[0] = given[1] = "contours";
    const again = (track.getCapabilities() as Record<string, string[]>).humanFaceDetectionMode;
    return {
      supported: (navigator.mediaDevices.getSupportedConstraints() as Record<string, unknown>).humanFaceDetectionMode,
      caps,
      fresh: again !== given && again.join() === caps.join(),
      setting: (track.getSettings() as Record<string, unknown>).humanFaceDetectionMode,
      plainMetadata,
      unknownMode: await attempt({ humanFaceDetectionMode: { exact: "contours" } }),
      idealUnknown: await attempt({ humanFaceDetectionMode: "contours" }),
      settingAfter: (track.getSettings() as Record<string, unknown>).humanFaceDetectionMode,
      gum,
    };
  });
  expect(result).toEqual({
    supported: true,
    caps: ["none", "bounding-box", "bounding-box-with-landmark-center-point"],
    fresh: true,
    setting: "none",
    plainMetadata: false,
    unknownMode: "OverconstrainedError humanFaceDetectionMode",
    idealUnknown: "ok",
    settingAfter: "none",
    gum: "TypeError: Failed to execute 'getUserMedia' on 'MediaDevices': Mandatory humanFaceDetectionMode constraints are not supported",
  });
  // The one probe worker (CSP check) is gone; no detector was started.
  await expect.poll(() => page.workers().length).toBe(0);
  await page.close();
});

test("a page whose CSP forbids blob: workers gets no face detection, and is not offered it again", async ({ site }) => {
  const page = await context.newPage();
  await page.route("**/csp.html", (route) => route.fulfill({
    contentType: "text/html", headers: { "content-security-policy": "worker-src 'self'" }, body: "<!doctype html><p>csp",
  }));
  await page.goto(`${site.origin}/csp.html`);
  const result = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { humanFaceDetectionMode: "bounding-box" } as MediaTrackConstraints });
    const [track] = stream.getVideoTracks();
    const out = {
      // The browser reports the refused worker only asynchronously: the request was the probe.
      supported: "humanFaceDetectionMode" in navigator.mediaDevices.getSupportedConstraints(),
      caps: "humanFaceDetectionMode" in track.getCapabilities(),
      settings: "humanFaceDetectionMode" in track.getSettings(),
      powerEfficient: "powerEfficient" in track.getSettings(),
    };
    track.stop();
    return out;
  });
  expect(result).toEqual({ supported: false, caps: false, settings: false, powerEfficient: true });
  await page.close();
});
