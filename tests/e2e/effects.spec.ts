/**
 * Camera effect constraints (issue 7): the surface a page sees for powerEfficient,
 * eyeGazeCorrection and gestureReactions, which Chromium 156 lacks (backgroundBlur and faceFraming
 * on a plain camera track; their own files show them on tracks that ask), and native precedence when the
 * browser has one of them (--enable-experimental-web-platform-features).
 */
import type { Page } from "@playwright/test";
import { expect, launch, test } from "./fixtures";

const OURS = ["backgroundBlur", "eyeGazeCorrection", "faceFraming", "gestureReactions", "humanFaceDetectionMode", "powerEfficient"];

async function open(page: Page, origin: string) {
  await page.goto(`${origin}/probe.html`);
}

test.describe("effect constraints", () => {
  test("camera tracks advertise them honestly; other tracks do not", async ({ page, site }) => {
    await open(page, site.origin);
    const result = await page.evaluate(async (ours) => {
      const supported = navigator.mediaDevices.getSupportedConstraints() as Record<string, boolean>;
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      const [video] = stream.getVideoTracks();
      const [audio] = stream.getAudioTracks();
      const pick = (d: Record<string, unknown>) => Object.fromEntries(ours.map((k) => [k, d[k]]));
      const canvas = document.createElement("canvas").captureStream().getVideoTracks()[0];
      const out = {
        supported: pick(supported),
        sortedSupported: Object.keys(supported).join() === Object.keys(supported).sort().join(),
        caps: pick(video.getCapabilities() as Record<string, unknown>),
        settings: pick(video.getSettings() as Record<string, unknown>),
        sortedSettings: Object.keys(video.getSettings()).join() === Object.keys(video.getSettings()).sort().join(),
        audio: ours.filter((k) => k in audio.getCapabilities() || k in audio.getSettings()),
        canvas: ours.filter((k) => k in canvas.getCapabilities() || k in canvas.getSettings()),
        constraints: video.getConstraints(),
      };
      stream.getTracks().forEach((t) => t.stop());
      canvas.stop();
      return out;
    }, OURS);
    expect(result).toEqual({
      supported: { backgroundBlur: true, eyeGazeCorrection: true, faceFraming: true, gestureReactions: true, humanFaceDetectionMode: true, powerEfficient: true },
      sortedSupported: true,
      // faceFraming, backgroundBlur: only a track opened with it can frame or blur
      // (tests/e2e/face-framing.spec.ts, tests/e2e/background-blur.spec.ts).
      caps: { backgroundBlur: [false], eyeGazeCorrection: [false], faceFraming: [false], gestureReactions: [false], powerEfficient: [false, true],
        humanFaceDetectionMode: ["none", "bounding-box", "bounding-box-with-landmark-center-point"] },
      // Chromium's default configuration (640x480 at 20 fps, a native mode) is already efficient.
      settings: { backgroundBlur: false, eyeGazeCorrection: false, faceFraming: false, gestureReactions: false, humanFaceDetectionMode: "none", powerEfficient: true },
      sortedSettings: true,
      audio: [],
      canvas: [],
      constraints: {},
    });
  });

  test("getUserMedia: ideal ignored, mandatory a TypeError, advanced sets skipped as a whole, echoed", async ({ page, site }) => {
    await open(page, site.origin);
    const result = await page.evaluate(async () => {
      const run = async (video: MediaTrackConstraints) => {
        try {
          const stream = await navigator.mediaDevices.getUserMedia({ video });
          const [track] = stream.getVideoTracks();
          const s = track.getSettings() as Record<string, unknown>;
          const clone = track.clone();
          const out = { width: s.width, eye: s.eyeGazeCorrection, gesture: s.gestureReactions, constraints: track.getConstraints(),
            cloned: clone.getConstraints() };
          [...stream.getTracks(), clone].forEach((t) => t.stop());
          return out;
        } catch (e) {
          return { error: (e as Error).name, message: (e as Error).message };
        }
      };
      return {
        ideal: await run({ eyeGazeCorrection: true, gestureReactions: { ideal: true } } as MediaTrackConstraints),
        exact: await run({ gestureReactions: { exact: true } } as MediaTrackConstraints),
        exactFalse: await run({ eyeGazeCorrection: { exact: false } } as MediaTrackConstraints),
        skipped: await run({ advanced: [{ eyeGazeCorrection: true, width: 1280 } as MediaTrackConstraintSet, { height: 240 }] }),
        met: await run({ advanced: [{ eyeGazeCorrection: false, width: 1280 } as MediaTrackConstraintSet] }),
        badAdvanced: await run({ powerEfficient: true, advanced: "nope" } as unknown as MediaTrackConstraints),
      };
    });
    expect(result.ideal).toMatchObject({ width: 640, eye: false, gesture: false,
      constraints: { eyeGazeCorrection: true, gestureReactions: { ideal: true } } });
    expect((result.ideal as { cloned: unknown }).cloned).toEqual((result.ideal as { constraints: unknown }).constraints);
    // Chromium's own wording for its effect constraints (measured with backgroundBlur under the flag).
    expect(result.exact).toEqual({ error: "TypeError",
      message: "Failed to execute 'getUserMedia' on 'MediaDevices': Mandatory gestureReactions constraints are not supported" });
    expect(result.exactFalse).toMatchObject({ error: "TypeError" });
    // The first set cannot be met (no gaze correction), so its width is not applied either; the second is.
    expect(result.skipped).toMatchObject({ width: 320,
      constraints: { advanced: [{ eyeGazeCorrection: true, width: 1280 }, { height: 240 }] } });
    expect(result.met).toMatchObject({ width: 1280, constraints: { advanced: [{ eyeGazeCorrection: false, width: 1280 }] } });
    // The browser's own TypeError for a malformed advanced member.
    expect(result.badAdvanced).toMatchObject({ error: "TypeError" });
  });

  test("applyConstraints: OverconstrainedError names the constraint, constraints kept on failure, replaced on success", async ({ page, site }) => {
    await open(page, site.origin);
    const result = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const [track] = stream.getVideoTracks();
      const attempt = async (c: unknown) => {
        try {
          await track.applyConstraints(c as MediaTrackConstraints);
          return { ok: track.getConstraints() };
        } catch (e) {
          return { error: (e as Error).name, constraint: (e as OverconstrainedError).constraint, message: (e as Error).message,
            isOverconstrained: e instanceof OverconstrainedError, constraints: track.getConstraints() };
        }
      };
      const out = {
        first: await attempt({ width: 320, gestureReactions: false }),
        exact: await attempt({ gestureReactions: { exact: true }, width: 640 }),
        // (With no size asked, Chromium keeps the current one: 320 wide.)
        advanced: await attempt({ advanced: [{ gestureReactions: true, width: 1280 }] }),
        widthAfterAdvanced: track.getSettings().width,
        plain: await attempt({ width: 640 }),
        // A page may change what getConstraints() gave it: the next call's is its own, as natively.
        given: await (async () => {
          await track.applyConstraints({ width: { min: 320 }, gestureReactions: { exact: false }, advanced: [{ gestureReactions: true }] } as unknown as MediaTrackConstraints);
          const given = track.getConstraints() as Record<string, any>;
          given.width.min = 1;
          given.gestureReactions.exact = true;
          given.advanced[0].gestureReactions = false;
          return track.getConstraints();
        })(),
      };
      track.stop();
      return out;
    });
    expect(result.first).toEqual({ ok: { gestureReactions: false, width: 320 } });
    expect(result.exact).toEqual({ error: "OverconstrainedError", constraint: "gestureReactions", message: "Cannot satisfy constraints",
      isOverconstrained: true, constraints: { gestureReactions: false, width: 320 } });
    expect(result.advanced).toEqual({ ok: { advanced: [{ gestureReactions: true, width: 1280 }] } });
    expect(result.widthAfterAdvanced).toBe(320);
    expect(result.plain).toEqual({ ok: { width: 640 } });
    expect(result.given).toEqual({ advanced: [{ gestureReactions: true }], gestureReactions: { exact: false }, width: { min: 320 } });
  });
});

test("a null member is no constraint, as the browser reads its own (WebIDL: the union's empty dictionary)", async ({ page, site }) => {
  await open(page, site.origin);
  const result = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const [track] = stream.getVideoTracks();
    await track.applyConstraints({ powerEfficient: null, advanced: [{ humanFaceDetectionMode: null, width: 320 }] } as unknown as MediaTrackConstraints);
    const out = [track.getConstraints(), track.getSettings().width, (track.getSettings() as Record<string, unknown>).humanFaceDetectionMode];
    track.stop();
    return out;
  });
  expect(result).toEqual([{ advanced: [{ width: 320 }] }, 320, "none"]);
});

test.describe("powerEfficient", () => {
  test("prefers a native camera mode and reports the configuration", async ({ page, site }) => {
    await open(page, site.origin);
    const result = await page.evaluate(async () => {
      const settingsOf = async (video: MediaTrackConstraints) => {
        const stream = await navigator.mediaDevices.getUserMedia({ video });
        const [track] = stream.getVideoTracks();
        const s = track.getSettings() as Record<string, unknown>;
        track.stop();
        return [s.width, s.height, s.resizeMode, s.powerEfficient, track.getConstraints()];
      };
      return {
        // An odd size: Chromium crops and scales a bigger mode, unless asked to save power.
        plain: await settingsOf({ width: 1000, height: 600 }),
        efficient: await settingsOf({ width: 1000, height: 600, powerEfficient: true } as MediaTrackConstraints),
        notAsked: await settingsOf({ width: 1000, height: 600, powerEfficient: false } as MediaTrackConstraints),
        // No size asked: the camera's small native mode.
        small: await settingsOf({ frameRate: 10, powerEfficient: { ideal: true } } as MediaTrackConstraints),
        // The page's own advanced sets come first.
        pageFirst: await settingsOf({ powerEfficient: true, advanced: [{ width: 800, height: 600 }] } as MediaTrackConstraints),
      };
    });
    expect(result.plain).toEqual([1000, 600, "crop-and-scale", false, { width: 1000, height: 600 }]);
    expect(result.efficient).toEqual([1280, 720, "none", true, { height: 600, powerEfficient: true, width: 1000 }]);
    expect(result.notAsked).toEqual([1000, 600, "crop-and-scale", false, { height: 600, powerEfficient: false, width: 1000 }]);
    expect(result.small.slice(2, 4)).toEqual(["none", true]);
    expect((result.small[0] as number) <= 640).toBe(true);
    expect(result.pageFirst.slice(0, 4)).toEqual([800, 600, "crop-and-scale", false]);
  });

  test("applyConstraints with exact and advanced powerEfficient", async ({ page, site }) => {
    await open(page, site.origin);
    const result = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const [track] = stream.getVideoTracks();
      // Chromium reports a track's width and height from the frames it has delivered: after a
      // change of mode the first frames of the new mode must arrive before they can be compared.
      const video = document.createElement("video");
      video.muted = true;
      video.srcObject = stream;
      await video.play();
      const frames = (n: number) => new Promise<void>((resolve) => {
        const next = () => (--n <= 0 ? resolve() : video.requestVideoFrameCallback(next));
        video.requestVideoFrameCallback(next);
      });
      const attempt = async (c: unknown) => {
        try {
          await track.applyConstraints(c as MediaTrackConstraints);
          await frames(3);
          const s = track.getSettings() as Record<string, unknown>;
          return { ok: [s.width, s.height, s.resizeMode, s.powerEfficient], constraints: track.getConstraints() };
        } catch (e) {
          return { error: (e as Error).name, constraint: (e as OverconstrainedError).constraint };
        }
      };
      const out = {
        exactTrue: await attempt({ width: 1000, height: 600, powerEfficient: { exact: true } }),
        exactFalse: await attempt({ width: 1000, height: 600, powerEfficient: { exact: false } }),
        impossible: await attempt({ width: { exact: 1000 }, powerEfficient: { exact: true } }),
        advanced: await attempt({ width: 1000, height: 600, advanced: [{ powerEfficient: true }] }),
        advancedFalse: await attempt({ width: 1280, height: 720, advanced: [{ powerEfficient: false }] }),
      };
      track.stop();
      return out;
    });
    expect(result.exactTrue).toEqual({ ok: [1280, 720, "none", true],
      constraints: { height: 600, powerEfficient: { exact: true }, width: 1000 } });
    expect(result.exactFalse).toMatchObject({ ok: [1000, 600, "crop-and-scale", false] });
    // No native mode is 1000 wide: the browser names the page's width (either name is the spec's "any").
    expect(result.impossible).toEqual({ error: "OverconstrainedError", constraint: "width" });
    expect(result.advanced).toEqual({ ok: [1280, 720, "none", true],
      constraints: { advanced: [{ powerEfficient: true }], height: 600, width: 1000 } });
    expect(result.advancedFalse).toMatchObject({ ok: [1280, 720, "crop-and-scale", false] });
  });
});

test("a constraint the browser supports natively stays native", async ({ site }) => {
  const flag = ["--enable-experimental-web-platform-features"];
  const withExt = await launch({ extension: true, extra: flag });
  const without = await launch({ extension: false, extra: flag });
  try {
    const probe = async (p: Page) => {
      await open(p, site.origin);
      return p.evaluate(async () => {
        const supported = navigator.mediaDevices.getSupportedConstraints() as Record<string, boolean>;
        const stream = await navigator.mediaDevices.getUserMedia({ video: { eyeGazeCorrection: true, advanced: [{ faceFraming: true } as MediaTrackConstraintSet] } as MediaTrackConstraints });
        const [track] = stream.getVideoTracks();
        const caps = track.getCapabilities() as Record<string, unknown>;
        const settings = track.getSettings() as Record<string, unknown>;
        let exact: unknown;
        try {
          await track.applyConstraints({ eyeGazeCorrection: { exact: false }, backgroundBlur: true } as MediaTrackConstraints);
          exact = [track.getConstraints(), (track.getSettings() as Record<string, unknown>).eyeGazeCorrection];
        } catch (e) {
          exact = (e as Error).name;
        }
        track.stop();
        // faceFraming is native with the flag: a plain camera track, the browser's own answers.
        const framed = (await navigator.mediaDevices.getUserMedia({ video: { faceFraming: true } as MediaTrackConstraints })).getVideoTracks()[0];
        const frame = [supported.faceFraming, Object.getPrototypeOf(framed) === MediaStreamTrack.prototype,
          (framed.getCapabilities() as Record<string, unknown>).faceFraming, (framed.getSettings() as Record<string, unknown>).faceFraming,
          framed.getConstraints(), framed.label];
        framed.stop();
        // So is backgroundBlur.
        const blurred = (await navigator.mediaDevices.getUserMedia({ video: { backgroundBlur: true } as MediaTrackConstraints })).getVideoTracks()[0];
        const blur = [supported.backgroundBlur, Object.getPrototypeOf(blurred) === MediaStreamTrack.prototype,
          (blurred.getCapabilities() as Record<string, unknown>).backgroundBlur, (blurred.getSettings() as Record<string, unknown>).backgroundBlur,
          blurred.getConstraints(), blurred.label];
        blurred.stop();
        return { blur, eye: [supported.eyeGazeCorrection, caps.eyeGazeCorrection, settings.eyeGazeCorrection, track.getConstraints()],
          exact, gesture: supported.gestureReactions, power: supported.powerEfficient, frame };
      });
    };
    const native = await probe(await without.context.newPage());
    const ours = await probe(await withExt.context.newPage());
    expect(native.eye[1]).toEqual([false, true]);
    expect(ours.eye).toEqual(native.eye);
    expect(ours.exact).toEqual(native.exact);
    expect(native.frame[2]).toEqual([false, true]);
    expect(ours.frame).toEqual(native.frame);
    expect(native.blur[2]).toEqual([false, true]);
    expect(ours.blur).toEqual(native.blur);
    // Still ours: the browser has no gestureReactions or powerEfficient even with the flag.
    expect(native.gesture).toBeUndefined();
    expect([ours.gesture, ours.power]).toEqual([true, true]);
  } finally {
    await withExt.close();
    await without.close();
  }
});
