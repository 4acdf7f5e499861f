/**
 * faceFraming (issue 7): a camera fed with a video of one face off-centre (scripts/face-video.mjs,
 * OFF_CENTRE); with framing on, the frames of the page's own track show the face nearer the centre
 * and larger, and back as they were with it off. The face is found in the output by its drawn skin
 * colours (tests/pages/face-scene.js), not by the extension's detector.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { forcedFromPopup, trackToWorker, trapBuiltins } from "./effect-helpers";
import { expect, extensionWorker, launch, liveCaptureCount, test } from "./fixtures";
import { HEIGHT, makeFaceVideo, OFF_CENTRE, WIDTH } from "../../scripts/face-video.mjs";

interface Skin { x: number; y: number; area: number; width: number; height: number }

declare global {
  interface Window {
    framed: MediaStreamTrack;
    /** Where the skin-coloured pixels of the next frame of `track` are: centroid (0..1) and area
     * (fraction of the frame), and the frame's size. */
    skinOf(track: MediaStreamTrack): Promise<Skin>;
  }
}

let context: BrowserContext;
let close: () => Promise<void>;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const video = await makeFaceVideo(6, OFF_CENTRE);
  ({ context, close } = await launch({ extension: true, extra: [`--use-file-for-fake-video-capture=${video}`] }));
  await extensionWorker(context);
});
test.afterAll(async () => close?.());

async function openPage(origin: string, path = "probe.html"): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/${path}`);
  await page.evaluate(() => {
    window.skinOf = async (track) => {
      const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
      const { value: frame } = await reader.read();
      reader.cancel();
      const width = frame!.displayWidth, height = frame!.displayHeight;
      const w = 160, h = 120, canvas = new OffscreenCanvas(w, h), ctx = canvas.getContext("2d")!;
      ctx.drawImage(frame!, 0, 0, w, h);
      frame!.close();
      const data = ctx.getImageData(0, 0, w, h).data;
      let n = 0, sx = 0, sy = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 4, r = data[i], g = data[i + 1], b = data[i + 2];
        // Skin, ears, neck (#b97b57 .. #f2c6a5): reddish; the background, door and picture are not.
        if (r > 150 && r - b > 50 && r - g > 25) { n++; sx += x; sy += y; }
      }
      return { x: n ? sx / n / w : 0, y: n ? sy / n / h : 0, area: n / (w * h), width, height };
    };
  });
  return page;
}

const FACE = { x: OFF_CENTRE[0].cx / WIDTH, y: OFF_CENTRE[0].cy / HEIGHT };

test("framing on brings the face towards the centre and enlarges it; off returns to the full frame", async ({ site }) => {
  test.setTimeout(60_000);
  const page = await openPage(site.origin);
  // The camera as it is, for comparison.
  const plain = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const skin = await window.skinOf(stream.getVideoTracks()[0]);
    stream.getTracks().forEach((t) => t.stop());
    return skin;
  });
  expect(Math.abs(plain.x - FACE.x)).toBeLessThan(0.05);
  expect(Math.abs(plain.y - FACE.y)).toBeLessThan(0.1);
  expect(plain.area).toBeGreaterThan(0.02);

  const start = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: true } as MediaTrackConstraints });
    window.framed = stream.getVideoTracks()[0];
    const s = window.framed.getSettings() as Record<string, unknown>;
    return { on: s.faceFraming, constraints: window.framed.getConstraints(), size: [s.width, s.height] };
  });
  expect(start).toEqual({ on: true, constraints: { faceFraming: true }, size: [WIDTH, HEIGHT] });

  // Within a few seconds (detections every 200 ms of frame time, a spring of ~1.3 s).
  const started = Date.now();
  await expect.poll(async () => {
    const skin = await page.evaluate(() => window.skinOf(window.framed));
    return skin.x > 0.44 && Math.abs(skin.y - 0.5) < Math.abs(plain.y - 0.5) && skin.area > plain.area * 2 &&
      skin.width === WIDTH && skin.height === HEIGHT;
  }, { timeout: 10_000, intervals: [250] }).toBe(true);
  const onAfter = Date.now() - started;
  // It comes to rest with the face at the centre, and stays there (no jitter: two looks a second
  // apart nearly the same).
  const near = (a: Skin, b: Skin) => Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01 && Math.abs(a.area - b.area) < a.area * 0.05;
  let last = plain;
  await expect.poll(async () => {
    const before = last;
    last = await page.evaluate(() => window.skinOf(window.framed));
    return Math.abs(last.x - 0.5) < 0.04 && Math.abs(last.y - 0.5) < 0.06 && near(before, last);
  }, { timeout: 15_000, intervals: [500] }).toBe(true);
  await page.waitForTimeout(1_000);
  const later = await page.evaluate(() => window.skinOf(window.framed));
  expect(near(last, later)).toBe(true);
  // At most 2x zoom: the area grows at most 4x.
  expect(last.area).toBeGreaterThan(plain.area * 2);
  expect(last.area).toBeLessThan(plain.area * 4.4);
  test.info().annotations.push({ type: "skin", description: JSON.stringify({ plain, framed: last, onAfter }) });

  const off = await page.evaluate(async () => {
    await window.framed.applyConstraints({ faceFraming: false } as MediaTrackConstraints);
    return [(window.framed.getSettings() as Record<string, unknown>).faceFraming, window.framed.getConstraints()];
  });
  expect(off).toEqual([false, { faceFraming: false }]);
  await expect.poll(async () => {
    const skin = await page.evaluate(() => window.skinOf(window.framed));
    return Math.abs(skin.x - plain.x) < 0.02 && Math.abs(skin.area - plain.area) < plain.area * 0.1;
  }, { timeout: 10_000, intervals: [250] }).toBe(true);

  // And on again by applyConstraints.
  await page.evaluate(() => window.framed.applyConstraints({ faceFraming: { exact: true } } as MediaTrackConstraints));
  await expect.poll(async () => (await page.evaluate(() => window.skinOf(window.framed))).x > 0.44, { timeout: 10_000 }).toBe(true);
  await page.evaluate(() => window.framed.stop());
  await page.close();
});

test("honest surface: capabilities, settings, exact", async ({ site }) => {
  const page = await openPage(site.origin);
  const result = await page.evaluate(async () => {
    const errorOf = (p: Promise<unknown>) => p.then(() => "ok", (e) => `${e.name}: ${e.constraint ?? e.message}`);
    const supported = (navigator.mediaDevices.getSupportedConstraints() as Record<string, unknown>).faceFraming;
    const gumExact = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: { exact: true } } as MediaTrackConstraints })
      .then(() => "ok", (e) => `${e.name}: ${e.message}`);
    const plainStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const [plain] = plainStream.getVideoTracks(), [audio] = plainStream.getAudioTracks();
    const framedStream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: { ideal: true } } as MediaTrackConstraints });
    const [framed] = framedStream.getVideoTracks();
    const caps = (t: MediaStreamTrack) => (t.getCapabilities() as Record<string, unknown>).faceFraming;
    const setting = (t: MediaStreamTrack) => (t.getSettings() as Record<string, unknown>).faceFraming;
    const out = {
      supported, gumExact,
      plain: [caps(plain), setting(plain)],
      audio: ["faceFraming" in audio.getCapabilities(), "faceFraming" in audio.getSettings()],
      framed: [caps(framed), setting(framed)],
      plainExact: await errorOf(plain.applyConstraints({ faceFraming: { exact: true } } as MediaTrackConstraints)),
      plainFalse: await errorOf(plain.applyConstraints({ faceFraming: { exact: false } } as MediaTrackConstraints)),
      framedExactOff: await errorOf(framed.applyConstraints({ faceFraming: { exact: false } } as MediaTrackConstraints)),
      framedOff: setting(framed),
      framedOn: await errorOf(framed.applyConstraints({ advanced: [{ faceFraming: true }] } as unknown as MediaTrackConstraints)),
      framedOnSetting: setting(framed),
      // Constraints without faceFraming leave it as it is; the camera's own members still apply.
      resize: await errorOf(framed.applyConstraints({ width: 320, height: 240 })),
      afterResize: [setting(framed), framed.getSettings().width],
      // The dictionaries keep code-unit order.
      order: Object.keys(framed.getSettings()).join() === Object.keys(framed.getSettings()).sort().join(),
    };
    [...plainStream.getTracks(), framed].forEach((t) => t.stop());
    return out;
  });
  expect(result).toEqual({
    supported: true,
    gumExact: "TypeError: Failed to execute 'getUserMedia' on 'MediaDevices': Mandatory faceFraming constraints are not supported",
    plain: [[false], false],
    audio: [false, false],
    framed: [[false, true], true],
    plainExact: "OverconstrainedError: faceFraming",
    plainFalse: "ok",
    framedExactOff: "ok",
    framedOff: false,
    framedOn: "ok",
    framedOnSetting: true,
    resize: "ok",
    afterResize: [true, 320],
    order: true,
  });
  await page.close();
});

test("the framed track looks like the camera's, plays in a <video>, and stop() ends the capture", async ({ site }) => {
  const page = await openPage(site.origin);
  const result = await page.evaluate(async () => {
    const plainStream = await navigator.mediaDevices.getUserMedia({ video: true });
    const [plain] = plainStream.getVideoTracks();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: true } as MediaTrackConstraints, audio: true });
    const [track] = stream.getVideoTracks();
    window.framed = track;
    const s = track.getSettings(), p = plain.getSettings();
    const video = document.createElement("video");
    video.muted = true;
    video.srcObject = stream;
    document.body.append(video);
    await video.play();
    await new Promise((r) => setTimeout(r, 300));
    const clone = track.clone();
    const out = {
      proto: Object.getPrototypeOf(track) === MediaStreamTrack.prototype && !("writable" in track),
      kind: track.kind, label: track.label === plain.label && track.label !== "",
      id: typeof track.id === "string" && track.id !== plain.id && stream.getTrackById(track.id) === track,
      tracks: stream.getTracks().map((t) => t.kind),
      settings: [s.deviceId === p.deviceId, s.groupId === p.groupId, s.width, s.height, s.frameRate === p.frameRate],
      readyState: track.readyState, enabled: track.enabled, muted: track.muted,
      stats: ((t) => t.stats === t.stats && (t.stats?.deliveredFrames ?? 0) > 0)(track as unknown as { stats: { deliveredFrames: number } | null }),
      video: [video.videoWidth, video.videoHeight, video.currentTime > 0],
      clone: [clone.label === plain.label, (clone.getSettings() as Record<string, unknown>).faceFraming, clone.getSettings().deviceId === p.deviceId],
    };
    plain.stop();
    track.stop();
    // The camera goes on for the clone, then stops with it.
    const cloneSkin = await window.skinOf(clone);
    clone.stop();
    stream.getAudioTracks()[0].stop();
    return { ...out, cloneFrames: cloneSkin.width, after: [track.readyState, clone.readyState] };
  });
  expect(result).toEqual({
    proto: true, kind: "video", label: true, id: true, tracks: ["audio", "video"],
    settings: [true, true, WIDTH, HEIGHT, true],
    readyState: "live", enabled: true, muted: false, stats: true,
    video: [WIDTH, HEIGHT, true],
    clone: [true, true, true],
    cloneFrames: WIDTH,
    after: ["ended", "ended"],
  });
  // The registry (the service worker's) has no capture left; no worker runs.
  const worker = await extensionWorker(context);
  await expect.poll(() => liveCaptureCount(worker)).toBe(0);
  await expect.poll(() => page.workers().length).toBe(0);
  await page.close();
});

test("the tracking registry sees the framed capture with the camera's label", async ({ site }) => {
  const page = await openPage(site.origin);
  const label = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: true } as MediaTrackConstraints });
    window.framed = stream.getVideoTracks()[0];
    return window.framed.label;
  });
  const worker = await extensionWorker(context);
  const live = () => worker.evaluate(async () =>
    Object.values((await chrome.storage.session.get("liveCaptures")).liveCaptures ?? {}) as { kind: string; label: string }[]);
  await expect.poll(async () => (await live()).map((c) => [c.kind, c.label])).toEqual([["video", label]]);
  await page.evaluate(() => window.framed.stop());
  await expect.poll(async () => (await live()).length).toBe(0);
  await page.close();
});

test("nothing runs before a page asks; a CSP without blob: workers gets no framing", async ({ site }) => {
  const page = await openPage(site.origin);
  const plain = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: false } as MediaTrackConstraints });
    const [track] = stream.getVideoTracks();
    const out = [Object.getPrototypeOf(track) === MediaStreamTrack.prototype, (track.getSettings() as Record<string, unknown>).faceFraming];
    track.stop();
    return out;
  });
  expect(plain).toEqual([true, false]);
  expect(page.workers()).toHaveLength(0);
  await page.close();

  const strict = await context.newPage();
  await strict.route("**/csp.html", (route) => route.fulfill({
    contentType: "text/html", headers: { "content-security-policy": "worker-src 'self'" }, body: "<!doctype html><p>csp",
  }));
  await strict.goto(`${site.origin}/csp.html`);
  const result = await strict.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: true } as MediaTrackConstraints });
    const [track] = stream.getVideoTracks();
    const out = {
      setting: (track.getSettings() as Record<string, unknown>).faceFraming ?? "absent",
      supported: "faceFraming" in navigator.mediaDevices.getSupportedConstraints(),
      caps: "faceFraming" in track.getCapabilities(),
      exact: await track.applyConstraints({ faceFraming: { exact: true } } as MediaTrackConstraints).then(() => "ok", (e) => e.name),
    };
    track.stop();
    return out;
  });
  // (After the refused worker the constraint is no longer offered, so `exact` is the browser's
  // own answer for an unknown constraint: ignored.)
  expect(result).toEqual({ setting: "absent", supported: false, caps: false, exact: "ok" });
  await strict.close();
});

test("humanFaceDetectionMode on a framed track describes the framed frames", async ({ site }) => {
  test.setTimeout(60_000);
  const page = await openPage(site.origin);
  await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { faceFraming: true, humanFaceDetectionMode: "bounding-box" } as MediaTrackConstraints,
    });
    window.framed = stream.getVideoTracks()[0];
  });
  // Once framed, the segments of the page's frames put the face near the centre.
  await expect.poll(async () => page.evaluate(async () => {
    const reader = new MediaStreamTrackProcessor({ track: window.framed }).readable.getReader();
    for (let i = 0; i < 30; i++) {
      const { value: frame } = await reader.read();
      const segments = (frame!.metadata() as { segments?: { boundingBox: { x: number; y: number; width: number; height: number } }[] }).segments;
      frame!.close();
      if (!segments?.length) continue;
      reader.cancel();
      const box = segments[0].boundingBox;
      return [Math.round((box.x + box.width / 2) * 20) / 20, Math.round((box.y + box.height / 2) * 20) / 20];
    }
    reader.cancel();
    return null;
  }), { timeout: 20_000, intervals: [500] }).toEqual([0.5, 0.5]);
  const settings = await page.evaluate(() => {
    const s = window.framed.getSettings() as Record<string, unknown>;
    window.framed.stop();
    return [s.faceFraming, s.humanFaceDetectionMode];
  });
  expect(settings).toEqual([true, "bounding-box"]);
  // Stopped: the detector (after its next frame) and the framing workers go.
  await expect.poll(() => page.workers().length, { timeout: 10_000 }).toBe(0);
  await page.close();
});

test("a framed track transferred to a worker keeps framing there; its stop() there ends the capture", async ({ site }) => {
  test.setTimeout(60_000);
  const page = await openPage(site.origin);
  const { info, ask } = await trackToWorker(page, { faceFraming: true } as MediaTrackConstraints);
  expect(info).toEqual({ label: true, faceFraming: true, backgroundBlur: false, width: WIDTH, here: "ended" });
  await expect.poll(async () => (await ask({ measure: true })).x as number, { timeout: 15_000, intervals: [500] }).toBeGreaterThan(0.44);
  expect(await ask({ stop: true })).toEqual({ stopped: "ended" });
  const worker = await extensionWorker(context);
  await expect.poll(() => liveCaptureCount(worker)).toBe(0);
  // Only the page's own worker is left: the framing workers went with the camera.
  await expect.poll(() => page.workers().length).toBe(1);
  await page.close();
});

test("a page that replaced the built-ins framing uses still gets framing, and cannot reach the hidden camera track", async ({ site }) => {
  test.setTimeout(60_000);
  const page = await openPage(site.origin);
  await page.evaluate(trapBuiltins);
  const result = await page.evaluate(async () => {
    const seen = (window as unknown as { builtinCalls: string[] }).builtinCalls;
    const stream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: true } as MediaTrackConstraints });
    const ours = seen.slice();
    const [track] = stream.getVideoTracks();
    window.framed = track;
    track.clone().stop();
    // (The traps work: the page's own calls go through them.)
    return { seen: ours, after: seen.slice(), on: (track.getSettings() as Record<string, unknown>).faceFraming, tracks: stream.getTracks().length };
  });
  expect(result).toEqual({ seen: [], after: ["getVideoTracks", "clone", "stop"], on: true, tracks: 1 });
  await expect.poll(async () => (await page.evaluate(() => window.skinOf(window.framed))).x, { timeout: 15_000 }).toBeGreaterThan(0.44);
  await page.evaluate(() => window.framed.stop());
  await page.close();
});

test("Keep me in frame, forced from the popup: a new capture frames the face without asking; the switch turns it off and on with configurationchange", async ({ site }) => {
  test.setTimeout(90_000);
  const page = await openPage(site.origin);
  const { toggle, done } = await forcedFromPopup(context, page, "Keep me in frame");
  try {
    const opened = () => page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const track = stream.getVideoTracks()[0];
      const s = track.getSettings() as Record<string, unknown>;
      const result = { on: s.faceFraming, blur: s.backgroundBlur, constraints: track.getConstraints(),
        caps: (track.getCapabilities() as Record<string, unknown>).faceFraming };
      if (result.on === true) {
        window.framed = track;
        (window as unknown as { changes: number }).changes = 0;
        track.addEventListener("configurationchange", () => (window as unknown as { changes: number }).changes++);
      } else track.stop();
      return result;
    });
    // (The page hears the setting by a push: the first captures may come before it.)
    await expect.poll(async () => (await opened()).on, { timeout: 10_000, intervals: [300] }).toBe(true);
    expect(await page.evaluate(() => ({
      caps: (window.framed.getCapabilities() as Record<string, unknown>).faceFraming,
      blur: (window.framed.getSettings() as Record<string, unknown>).backgroundBlur,
      constraints: window.framed.getConstraints(),
    }))).toEqual({ caps: [false, true], blur: false, constraints: {} });
    // The face comes to the centre, enlarged.
    await expect.poll(async () => {
      const skin = await page.evaluate(() => window.skinOf(window.framed));
      return Math.abs(skin.x - 0.5) < 0.06 && Math.abs(skin.y - 0.5) < 0.1 && skin.width === WIDTH;
    }, { timeout: 15_000, intervals: [300] }).toBe(true);

    // Off: the full frame again (the face back where the camera has it), heard once.
    await toggle.uncheck();
    const state = () => page.evaluate(() => [(window.framed.getSettings() as Record<string, unknown>).faceFraming,
      (window as unknown as { changes: number }).changes]);
    await expect.poll(state, { timeout: 10_000 }).toEqual([false, 1]);
    await expect.poll(async () => {
      const skin = await page.evaluate(() => window.skinOf(window.framed));
      return Math.abs(skin.x - FACE.x) < 0.05;
    }, { timeout: 15_000, intervals: [300] }).toBe(true);
    // On again.
    await toggle.check();
    await expect.poll(state, { timeout: 10_000 }).toEqual([true, 2]);
    await page.evaluate(() => window.framed.stop());
    const worker = await extensionWorker(context);
    await expect.poll(() => liveCaptureCount(worker)).toBe(0);
  } finally {
    await done();
    await page.close();
  }
});
