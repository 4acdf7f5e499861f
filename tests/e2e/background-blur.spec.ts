/**
 * backgroundBlur (issue 7): a camera fed with the drawn scene (two people before a wall with a door
 * and a picture: scripts/face-video.mjs, tests/pages/face-scene.js). With blur on, the frames of
 * the page's own track lose the sharp edges of the door and the picture (background) while the
 * faces stay as the camera shows them; off, the edges come back. Measured on the frames' pixels
 * against the camera's own frames, not by the extension's segmenter.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { forcedFromPopup, trackToWorker, trapBuiltins } from "./effect-helpers";
import { expect, extensionWorker, launch, liveCaptureCount, test } from "./fixtures";
import { FACES, HEIGHT, makeFaceVideo, OFF_CENTRE, WIDTH } from "../../scripts/face-video.mjs";

/** A region of the 640x480 scene: x0, y0, x1, y1 in pixels. */
type Box = [number, number, number, number];

/** Background with sharp edges, far from both people (face-scene.js: the door spans x 32-160,
 * y 48-288; the picture x 448-589, y 58-144; the nearest hair or shirt is > 40 px away). */
const BACKGROUND: Record<string, Box> = {
  doorLeft: [20, 70, 46, 270],
  doorTop: [50, 36, 100, 60],
  pictureRight: [576, 70, 602, 134],
};
/** The middle of each face (eyes, nose, mouth), well inside its skin. */
const FACE_BOXES: Box[] = FACES.map((f) => [f.cx - f.h * 0.25, f.cy - f.h * 0.15, f.cx + f.h * 0.25, f.cy + f.h * 0.3]);

interface Look {
  /** Per background region: mean squared luma gradient dx² + dy² (a blur spreads an edge: the
   * sum of |dx| over it stays, the sum of squares falls). */
  edges: Record<string, number>;
  /** Per face: the same, and the mean absolute RGB difference from the camera's frame. */
  faceEdges: number[];
  faceDiff: number[];
  width: number;
  height: number;
}

declare global {
  interface Window {
    blurred: MediaStreamTrack;
    /** Remembers the next frame of `track` as the reference (the camera's own picture). */
    keep(track: MediaStreamTrack): Promise<void>;
    /** Measures the next frame of `track` in the regions (see Look). */
    look(track: MediaStreamTrack, background: Record<string, Box>, faces: Box[]): Promise<Look>;
  }
}

let context: BrowserContext;
let close: () => Promise<void>;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const video = await makeFaceVideo(6, FACES);
  ({ context, close } = await launch({ extension: true, extra: [`--use-file-for-fake-video-capture=${video}`] }));
  await extensionWorker(context);
});
test.afterAll(async () => close?.());

/** The page helpers (in the page: they read frames the page's own way). */
function helpers() {
  let reference: Uint8ClampedArray | null = null;
  const grab = async (track: MediaStreamTrack) => {
    const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    const { value: frame } = await reader.read();
    reader.cancel();
    const width = frame!.displayWidth, height = frame!.displayHeight;
    const canvas = new OffscreenCanvas(640, 480), ctx = canvas.getContext("2d")!;
    ctx.drawImage(frame!, 0, 0, 640, 480);
    frame!.close();
    return { data: ctx.getImageData(0, 0, 640, 480).data, width, height };
  };
  const luma = (d: Uint8ClampedArray, i: number) => 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
  const edges = (d: Uint8ClampedArray, [x0, y0, x1, y1]: number[]) => {
    let sum = 0, n = 0;
    for (let y = Math.round(y0); y < y1; y++) for (let x = Math.round(x0); x < x1; x++) {
      const i = (y * 640 + x) * 4, here = luma(d, i);
      sum += (luma(d, i + 4) - here) ** 2 + (luma(d, i + 640 * 4) - here) ** 2;
      n++;
    }
    return sum / n;
  };
  const diff = (d: Uint8ClampedArray, r: Uint8ClampedArray, [x0, y0, x1, y1]: number[]) => {
    let sum = 0, n = 0;
    for (let y = Math.round(y0); y < y1; y++) for (let x = Math.round(x0); x < x1; x++) {
      const i = (y * 640 + x) * 4;
      sum += (Math.abs(d[i] - r[i]) + Math.abs(d[i + 1] - r[i + 1]) + Math.abs(d[i + 2] - r[i + 2])) / 3;
      n++;
    }
    return sum / n;
  };
  window.keep = async (track) => {
    reference = (await grab(track)).data;
  };
  window.look = async (track, background, faces) => {
    const { data, width, height } = await grab(track);
    const round = (v: number) => Math.round(v * 100) / 100;
    return {
      edges: Object.fromEntries(Object.entries(background).map(([k, box]) => [k, round(edges(data, box))])),
      faceEdges: faces.map((box) => round(edges(data, box))),
      faceDiff: faces.map((box) => (reference ? round(diff(data, reference, box)) : -1)),
      width, height,
    };
  };
}

async function openPage(origin: string, c = context): Promise<Page> {
  const page = await c.newPage();
  await page.goto(`${origin}/probe.html`);
  await page.evaluate(helpers);
  return page;
}

/** The camera as it is: its background edges and faces, and the reference frame kept in the page. */
async function plainLook(page: Page): Promise<Look> {
  return page.evaluate(async ({ background, faces }) => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const [track] = stream.getVideoTracks();
    await window.keep(track);
    const look = await window.look(track, background, faces);
    track.stop();
    return look;
  }, { background: BACKGROUND, faces: FACE_BOXES });
}

const lookAt = (page: Page) => page.evaluate(({ background, faces }) => window.look(window.blurred, background, faces),
  { background: BACKGROUND, faces: FACE_BOXES });

/** Blurred: every background region keeps at most a quarter of the camera's edge energy (~3% measured); the faces stay within
 * a few levels of the camera's picture and keep most of their own edges. */
const isBlurred = (look: Look, plain: Look) =>
  Object.keys(BACKGROUND).every((k) => look.edges[k] < plain.edges[k] * 0.25) &&
  look.faceDiff.every((d) => d < 8) && look.faceEdges.every((e, i) => e > plain.faceEdges[i] * 0.75);
/** Sharp again: the background edges are the camera's (within 10%). */
const isSharp = (look: Look, plain: Look) => Object.keys(BACKGROUND).every((k) => Math.abs(look.edges[k] - plain.edges[k]) < plain.edges[k] * 0.1);

test("blur on softens the background and keeps the faces; off restores the camera's picture", async ({ site }) => {
  test.setTimeout(60_000);
  const page = await openPage(site.origin);
  const plain = await plainLook(page);
  // The regions are what they claim: the background has sharp edges to lose.
  for (const k of Object.keys(BACKGROUND)) expect(plain.edges[k], k).toBeGreaterThan(1.5);

  const start = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { backgroundBlur: true } as MediaTrackConstraints });
    window.blurred = stream.getVideoTracks()[0];
    const s = window.blurred.getSettings() as Record<string, unknown>;
    return { on: s.backgroundBlur, framing: s.faceFraming, constraints: window.blurred.getConstraints(), size: [s.width, s.height] };
  });
  expect(start).toEqual({ on: true, framing: false, constraints: { backgroundBlur: true }, size: [WIDTH, HEIGHT] });

  let last: Look | undefined;
  await expect.poll(async () => {
    last = await lookAt(page);
    return isBlurred(last, plain) && last.width === WIDTH && last.height === HEIGHT;
  }, { timeout: 15_000, intervals: [300] }).toBe(true);
  // And it stays so (the mask is reused between inferences, not lost).
  for (let i = 0; i < 3; i++) {
    await page.waitForTimeout(300);
    expect(isBlurred(await lookAt(page), plain)).toBe(true);
  }
  test.info().annotations.push({ type: "blur", description: JSON.stringify({ plain, blurred: last }) });

  const off = await page.evaluate(async () => {
    await window.blurred.applyConstraints({ backgroundBlur: false } as MediaTrackConstraints);
    return [(window.blurred.getSettings() as Record<string, unknown>).backgroundBlur, window.blurred.getConstraints()];
  });
  expect(off).toEqual([false, { backgroundBlur: false }]);
  await expect.poll(async () => isSharp(await lookAt(page), plain), { timeout: 5_000, intervals: [200] }).toBe(true);

  // On again, by an advanced set.
  await page.evaluate(() => window.blurred.applyConstraints({ advanced: [{ backgroundBlur: true }] } as unknown as MediaTrackConstraints));
  await expect.poll(async () => isBlurred(await lookAt(page), plain), { timeout: 15_000, intervals: [300] }).toBe(true);
  await page.evaluate(() => window.blurred.stop());
  const worker = await extensionWorker(context);
  await expect.poll(() => liveCaptureCount(worker)).toBe(0);
  // The pipeline's two workers went with the camera.
  await expect.poll(() => page.workers().length).toBe(0);
  await page.close();
});

test("honest surface: capabilities, settings, exact, the generated track answers as the camera", async ({ site }) => {
  const page = await openPage(site.origin);
  const result = await page.evaluate(async () => {
    const errorOf = (p: Promise<unknown>) => p.then(() => "ok", (e) => `${e.name}: ${e.constraint ?? e.message}`);
    const supported = (navigator.mediaDevices.getSupportedConstraints() as Record<string, unknown>).backgroundBlur;
    const gumExact = await navigator.mediaDevices.getUserMedia({ video: { backgroundBlur: { exact: true } } as MediaTrackConstraints })
      .then(() => "ok", (e) => `${e.name}: ${e.message}`);
    const plainStream = await navigator.mediaDevices.getUserMedia({ video: true });
    const [plain] = plainStream.getVideoTracks();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { advanced: [{ backgroundBlur: true }] } as unknown as MediaTrackConstraints });
    const [blurred] = stream.getVideoTracks();
    const caps = (t: MediaStreamTrack) => {
      const c = t.getCapabilities() as Record<string, unknown>;
      return [c.backgroundBlur, c.faceFraming];
    };
    const setting = (t: MediaStreamTrack) => (t.getSettings() as Record<string, unknown>).backgroundBlur;
    const clone = blurred.clone();
    const out = {
      supported, gumExact,
      plain: [caps(plain), setting(plain), Object.getPrototypeOf(plain) === MediaStreamTrack.prototype],
      blurred: [caps(blurred), setting(blurred), blurred.getConstraints()],
      looks: [Object.getPrototypeOf(blurred) === MediaStreamTrack.prototype, blurred.label === plain.label, blurred.id !== plain.id,
        blurred.getSettings().deviceId === plain.getSettings().deviceId, stream.getTracks().length],
      clone: [setting(clone), caps(clone)[0]],
      plainExact: await errorOf(plain.applyConstraints({ backgroundBlur: { exact: true } } as MediaTrackConstraints)),
      plainFalse: await errorOf(plain.applyConstraints({ backgroundBlur: { exact: false } } as MediaTrackConstraints)),
      // A blur track cannot frame (its getUserMedia did not ask for it).
      framingExact: await errorOf(blurred.applyConstraints({ faceFraming: { exact: true } } as MediaTrackConstraints)),
      exactOff: await errorOf(blurred.applyConstraints({ backgroundBlur: { exact: false } } as MediaTrackConstraints)),
      off: setting(blurred),
      exactOn: await errorOf(blurred.applyConstraints({ backgroundBlur: { exact: true }, width: 320 } as MediaTrackConstraints)),
      on: [setting(blurred), blurred.getSettings().width, blurred.getConstraints()],
      // Constraints without backgroundBlur leave it as it is.
      resize: await errorOf(blurred.applyConstraints({ width: 640 })),
      afterResize: [setting(blurred), blurred.getSettings().width],
      order: Object.keys(blurred.getSettings()).join() === Object.keys(blurred.getSettings()).sort().join(),
    };
    [...plainStream.getTracks(), blurred, clone].forEach((t) => t.stop());
    return out;
  });
  expect(result).toEqual({
    supported: true,
    gumExact: "TypeError: Failed to execute 'getUserMedia' on 'MediaDevices': Mandatory backgroundBlur constraints are not supported",
    plain: [[[false], [false]], false, true],
    blurred: [[[false, true], [false]], true, { advanced: [{ backgroundBlur: true }] }],
    looks: [true, true, true, true, 1],
    clone: [true, [false, true]],
    plainExact: "OverconstrainedError: backgroundBlur",
    plainFalse: "ok",
    framingExact: "OverconstrainedError: faceFraming",
    exactOff: "ok",
    off: false,
    exactOn: "ok",
    on: [true, 320, { backgroundBlur: { exact: true }, width: 320 }],
    resize: "ok",
    afterResize: [true, 640],
    order: true,
  });
  await expect.poll(() => page.workers().length).toBe(0);
  await page.close();
});

test("nothing runs before a page asks; a CSP without blob: workers gets no blur and the camera's track", async ({ site }) => {
  const page = await openPage(site.origin);
  const plain = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { backgroundBlur: false } as MediaTrackConstraints });
    const [track] = stream.getVideoTracks();
    const out = [Object.getPrototypeOf(track) === MediaStreamTrack.prototype, (track.getSettings() as Record<string, unknown>).backgroundBlur,
      track.getConstraints()];
    track.stop();
    return out;
  });
  expect(plain).toEqual([true, false, { backgroundBlur: false }]);
  expect(page.workers()).toHaveLength(0);
  await page.close();

  const strict = await context.newPage();
  await strict.route("**/csp.html", (route) => route.fulfill({
    contentType: "text/html", headers: { "content-security-policy": "worker-src 'self'" }, body: "<!doctype html><p>csp",
  }));
  await strict.goto(`${site.origin}/csp.html`);
  const result = await strict.evaluate(async () => {
    // Before the first request the page is offered blur (the request is the probe: docs/EFFECTS.md).
    const before = "backgroundBlur" in navigator.mediaDevices.getSupportedConstraints();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { backgroundBlur: true } as MediaTrackConstraints });
    const [track] = stream.getVideoTracks();
    const out = {
      before,
      setting: (track.getSettings() as Record<string, unknown>).backgroundBlur ?? "absent",
      supported: "backgroundBlur" in navigator.mediaDevices.getSupportedConstraints(),
      caps: "backgroundBlur" in track.getCapabilities(),
      exact: await track.applyConstraints({ backgroundBlur: { exact: true } } as MediaTrackConstraints).then(() => "ok", (e) => e.name),
    };
    track.stop();
    return out;
  });
  expect(result).toEqual({ before: true, setting: "absent", supported: false, caps: false, exact: "ok" });
  await strict.close();
});

test("faceFraming and backgroundBlur together: one pipeline frames the face and blurs the background", async ({ site }) => {
  test.setTimeout(120_000);
  // One face off-centre, so that framing crops (with the two faces of FACES the crop is the whole frame).
  const video = await makeFaceVideo(6, OFF_CENTRE);
  const own = await launch({ extension: true, extra: [`--use-file-for-fake-video-capture=${video}`] });
  try {
    await extensionWorker(own.context);
    const page = await openPage(site.origin, own.context);
    // The left fifth of the framed picture is the door's edge (background); the middle the face.
    const regions = { left: [4, 100, 120, 380] as Box };
    const middle: Box[] = [[280, 200, 360, 300]];
    const settle = async (constraints: Record<string, unknown>) => {
      await page.evaluate(async (c) => {
        window.blurred?.stop();
        window.blurred = (await navigator.mediaDevices.getUserMedia({ video: c as MediaTrackConstraints })).getVideoTracks()[0];
      }, constraints);
      // Framed: the face's skin near the middle (its mean gradient there high); wait for the spring to rest.
      let previous: Look | undefined, look: Look | undefined;
      await expect.poll(async () => {
        previous = look;
        look = await page.evaluate(({ r, m }) => window.look(window.blurred, r, m), { r: regions, m: middle });
        return !!previous && Math.abs(previous.faceEdges[0] - look.faceEdges[0]) < 0.3 && Math.abs(previous.edges.left - look.edges.left) < 0.3 &&
          look.faceEdges[0] > 1;
      }, { timeout: 30_000, intervals: [1_000] }).toBe(true);
      const settings = await page.evaluate(() => {
        const s = window.blurred.getSettings() as Record<string, unknown>;
        return [s.faceFraming, s.backgroundBlur];
      });
      return { look: look!, settings };
    };
    const framed = await settle({ faceFraming: true });
    expect(framed.settings).toEqual([true, false]);
    await page.evaluate(() => window.keep(window.blurred));
    const both = await settle({ faceFraming: true, backgroundBlur: true });
    expect(both.settings).toEqual([true, true]);
    // The same crop as framing alone: the face where it was (on a loaded machine the framing may
    // still be moving when the edges have settled: it comes to rest there).
    let face = await page.evaluate(({ r, m }) => window.look(window.blurred, r, m), { r: regions, m: middle });
    await expect.poll(async () => {
      face = await page.evaluate(({ r, m }) => window.look(window.blurred, r, m), { r: regions, m: middle });
      return face.faceDiff[0];
    }, { timeout: 15_000, intervals: [500] }).toBeLessThan(10);
    test.info().annotations.push({ type: "both", description: JSON.stringify({ framed: framed.look, both: both.look, face }) });
    // (Measured: 32 framed, ~1 framed and blurred.)
    expect(framed.look.edges.left).toBeGreaterThan(10);
    expect(both.look.edges.left).toBeLessThan(framed.look.edges.left * 0.25);
    // As sharp as framing alone.
    expect(face.faceEdges[0]).toBeGreaterThan(framed.look.faceEdges[0] * 0.75);
    await page.evaluate(() => window.blurred.stop());
    await expect.poll(() => page.workers().length).toBe(0);
  } finally {
    await own.close();
  }
});

test("a blurred track transferred to a worker stays blurred there; its stop() there ends the capture", async ({ site }) => {
  test.setTimeout(60_000);
  const page = await openPage(site.origin);
  const plain = await plainLook(page);
  const { info, ask } = await trackToWorker(page, { backgroundBlur: true } as MediaTrackConstraints);
  expect(info).toEqual({ label: true, faceFraming: false, backgroundBlur: true, width: WIDTH, here: "ended" });
  await expect.poll(async () => (await ask({ measure: true, box: BACKGROUND.doorLeft })).edges as number, { timeout: 15_000, intervals: [300] })
    .toBeLessThan(plain.edges.doorLeft * 0.25);
  expect(await ask({ stop: true })).toEqual({ stopped: "ended" });
  const worker = await extensionWorker(context);
  await expect.poll(() => liveCaptureCount(worker)).toBe(0);
  // Only the page's own worker is left: the pipeline's went with the camera.
  await expect.poll(() => page.workers().length).toBe(1);
  await page.close();
});

test("a page that replaced the built-ins the pipeline uses still gets blur and framing, and none of its replacements runs", async ({ site }) => {
  test.setTimeout(60_000);
  const page = await openPage(site.origin);
  const plain = await plainLook(page);
  await page.evaluate(trapBuiltins);
  const result = await page.evaluate(async () => {
    const calls = (window as unknown as { builtinCalls: string[] }).builtinCalls;
    const stream = await navigator.mediaDevices.getUserMedia({ video: { faceFraming: true, backgroundBlur: true } as MediaTrackConstraints });
    const during = Array.from(calls);
    window.blurred = stream.getVideoTracks()[0];
    const s = window.blurred.getSettings() as Record<string, unknown>;
    return { during, settings: [s.faceFraming, s.backgroundBlur], tracks: stream.getTracks().length };
  });
  expect(result).toEqual({ during: [], settings: [true, true], tracks: 1 });
  // (The page's helpers run in its own realm after this: they may use the replaced built-ins.)
  await expect.poll(async () => {
    const look = await lookAt(page);
    return Object.keys(BACKGROUND).every((k) => look.edges[k] < plain.edges[k] * 0.25);
  }, { timeout: 15_000, intervals: [300] }).toBe(true);
  await page.evaluate(() => window.blurred.stop());
  await expect.poll(() => page.workers().length).toBe(0);
  await page.close();
});

test("Blur my background, forced from the popup: new captures blur, the switch turns live ones off and on with configurationchange, other sites and the page's own choice stay", async ({ site }) => {
  test.setTimeout(90_000);
  const page = await openPage(site.origin);
  const plain = await plainLook(page);
  const { toggle, done } = await forcedFromPopup(context, page, "Blur my background");
  try {
    // The page hears the setting (a config push), then its next capture blurs.
    const opened = async () => page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const track = stream.getVideoTracks()[0];
      const s = track.getSettings() as Record<string, unknown>;
      const caps = track.getCapabilities() as Record<string, unknown>;
      const result = { on: s.backgroundBlur, caps: caps.backgroundBlur, constraints: track.getConstraints() };
      if (result.on === true) {
        window.blurred = track;
        (window as unknown as { changes: number }).changes = 0;
        track.addEventListener("configurationchange", () => (window as unknown as { changes: number }).changes++);
      } else track.stop();
      return result;
    });
    await expect.poll(async () => (await opened()).on, { timeout: 10_000, intervals: [300] }).toBe(true);
    // What the page sees: a track that can blur and does; its constraints are what it asked (nothing).
    expect(await page.evaluate(() => ({
      caps: (window.blurred.getCapabilities() as Record<string, unknown>).backgroundBlur,
      constraints: window.blurred.getConstraints(),
    }))).toEqual({ caps: [false, true], constraints: {} });
    await expect.poll(async () => isBlurred(await lookAt(page), plain), { timeout: 15_000, intervals: [300] }).toBe(true);

    // The page's own choice wins: it names backgroundBlur itself.
    const own = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { backgroundBlur: false } as MediaTrackConstraints });
      const [t] = stream.getVideoTracks();
      const out = { on: (t.getSettings() as Record<string, unknown>).backgroundBlur, constraints: t.getConstraints() };
      t.stop();
      return out;
    });
    expect(own).toEqual({ on: false, constraints: { backgroundBlur: false } });

    // Another site keeps the default: its camera's own track, not blurred.
    const other = await openPage(site.otherOrigin);
    const otherLook = await other.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const [t] = stream.getVideoTracks();
      const out = { on: (t.getSettings() as Record<string, unknown>).backgroundBlur, caps: (t.getCapabilities() as Record<string, unknown>).backgroundBlur };
      t.stop();
      return out;
    });
    expect(otherLook).toEqual({ on: false, caps: [false] });
    await other.close();

    // Off: the live capture shows the camera's picture again, and the page hears it once.
    await toggle.uncheck();
    const state = () => page.evaluate(() => [(window.blurred.getSettings() as Record<string, unknown>).backgroundBlur,
      (window as unknown as { changes: number }).changes]);
    await expect.poll(state, { timeout: 10_000 }).toEqual([false, 1]);
    await expect.poll(async () => isSharp(await lookAt(page), plain), { timeout: 5_000, intervals: [200] }).toBe(true);
    // On again: the same capture blurs again.
    await toggle.check();
    await expect.poll(state, { timeout: 10_000 }).toEqual([true, 2]);
    await expect.poll(async () => isBlurred(await lookAt(page), plain), { timeout: 15_000, intervals: [300] }).toBe(true);
    await page.evaluate(() => window.blurred.stop());
    const worker = await extensionWorker(context);
    await expect.poll(() => liveCaptureCount(worker)).toBe(0);
  } finally {
    await done();
    await page.close();
  }
});
