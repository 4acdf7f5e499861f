/**
 * With no feature engaged, the media APIs behave exactly as native: the same table of calls runs
 * in the same Chromium with and without the extension and must give the same outcomes (results,
 * error names, messages and constraint names).
 */
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { activate } from "./element-helpers";
import { setSitePtz } from "./ptz-helpers";

const GET_USER_MEDIA_CASES = [
  "undefined", "{}", "null", "'video'", "42", "true", "[]",
  "{video: true}", "{audio: true}", "{video: true, audio: true}", "{video: false, audio: false}",
  "{video: {width: {exact: 99999}}}", "{video: {width: {min: 10, max: 5}}}", "{video: {width: 'abc'}}",
  "{video: {width: {exact: 640}, height: {exact: 480}}}", "{video: {aspectRatio: {exact: 0}}}",
  "{video: {frameRate: {ideal: -1}}}", "{video: {frameRate: {max: 0}}}", "{video: {resizeMode: 'crop-and-scale', width: 320}}",
  "{video: {facingMode: 'environment'}}", "{video: {facingMode: {exact: 'environment'}}}",
  "{video: {advanced: [{width: 99999}]}}", "{video: {advanced: 'nope'}}",
  "{video: {deviceId: {exact: 'unknown-device'}}}", "{video: {deviceId: 'unknown-device'}}",
  "{video: {groupId: {exact: 'unknown-group'}}}", "{audio: {deviceId: {exact: ''}}}",
  "{video: {pan: {min: 1}}}", "{video: {tilt: {max: 1}}}", "{video: {zoom: {exact: 2}}}", "{video: {pan: true}}",
  "{video: {pan: 150, zoom: true}}", "{video: {mandatory: {minWidth: 640}}}", "{video: {optional: [{minWidth: 640}]}}",
  "{audio: {echoCancellation: {exact: true}}}", "{audio: {sampleRate: {exact: 1}}}", "{audio: {channelCount: {min: 9}}}",
  "{audio: {voiceIsolation: true}}", "{audio: {voiceIsolation: {exact: true}}}",
  "{video: {width: NaN}}", "{video: {width: Infinity}}", "{video: {width: {ideal: 1e308}}}",
  "{video: true, semantics: 'browser-chooses'}", "{video: true, unknownMember: 1}",
  "{get video() { throw new RangeError('getter threw'); }}",
  "{video: {get width() { throw new SyntaxError('inner getter'); }}}",
];

const APPLY_CASES = [
  "undefined", "{}", "null", "'str'", "{width: 320}", "{width: {exact: 99999}}", "{width: {min: 10, max: 5}}",
  "{pan: 1}", "{zoom: {exact: 2}}", "{advanced: [{width: 1}]}", "{advanced: [{width: {exact: 99999}}]}",
  "{deviceId: {exact: 'x'}}", "{frameRate: 10}", "{facingMode: {exact: 'environment'}}",
  "{backgroundBlur: true}", "{backgroundSegmentationMask: {exact: true}}", "{width: 640, height: 480}",
];

async function runGetUserMediaTable(page: Page, cases: string[]) {
  return page.evaluate(async (cases) => {
    const results: unknown[] = [];
    for (const source of cases) {
      // eslint-disable-next-line no-eval
      results.push([source, await window.probe.outcome(() => navigator.mediaDevices.getUserMedia(eval(`(${source})`)))]);
    }
    results.push(["getUserMedia.call({})", await window.probe.outcome(() =>
      MediaDevices.prototype.getUserMedia.call({} as MediaDevices, { video: true }))]);
    results.push(["getUserMedia()", await window.probe.outcome(() =>
      (navigator.mediaDevices.getUserMedia as () => Promise<MediaStream>)())]);
    return results;
  }, cases);
}

async function runTrackTable(page: Page, cases: string[]) {
  return page.evaluate(async (cases) => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const [video] = stream.getVideoTracks();
    const [audio] = stream.getAudioTracks();
    const results: unknown[] = [
      ["video capabilities", window.probe.clean(video.getCapabilities())],
      ["audio capabilities", window.probe.clean(audio.getCapabilities())],
      ["video settings", window.probe.clean(video.getSettings())],
      ["audio settings", window.probe.clean(audio.getSettings())],
      ["supported constraints", window.probe.clean(navigator.mediaDevices.getSupportedConstraints())],
    ];
    for (const source of cases) {
      // eslint-disable-next-line no-eval
      const result = await window.probe.outcome(() => video.applyConstraints(eval(`(${source})`)));
      results.push([source, result, window.probe.clean(video.getSettings()), window.probe.clean(video.getConstraints())]);
    }
    results.push(["applyConstraints.call({})", await window.probe.outcome(() =>
      MediaStreamTrack.prototype.applyConstraints.call({} as MediaStreamTrack, {}))]);
    let getSettingsForeign: unknown;
    try {
      MediaStreamTrack.prototype.getSettings.call({} as MediaStreamTrack);
    } catch (e) {
      getSettingsForeign = window.probe.describeError(e);
    }
    results.push(["getSettings.call({})", getSettingsForeign]);
    stream.getTracks().forEach((t) => t.stop());
    results.push(["ended video settings", window.probe.clean(video.getSettings())]);
    results.push(["applyConstraints on ended", await window.probe.outcome(() => video.applyConstraints({ width: 320 }))]);
    return results;
  }, cases);
}

/** Constraints the extension adds for camera tracks (issue 7, tests/e2e/effects.spec.ts): the
 * native table has none of them. Takes them out of the extension's table and returns what it saw. */
const EFFECTS = ["backgroundBlur", "eyeGazeCorrection", "faceFraming", "gestureReactions", "humanFaceDetectionMode", "powerEfficient"];
function takeEffects(value: unknown, seen: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => takeEffects(v, seen));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (EFFECTS.includes(key)) seen.add(`${key}=${JSON.stringify(v)}`);
    else out[key] = takeEffects(v, seen);
  }
  return out;
}

declare global {
  interface Window {
    probe: {
      clean(v: unknown): unknown;
      describeError(e: unknown): unknown;
      outcome(run: () => unknown): Promise<unknown>;
    };
  }
}

test.describe("transparency when no feature is engaged", () => {
  test("getUserMedia gives native results and errors for a table of constraints", async ({ page, nativePage, site, extContext, extensionId }) => {
    await setSitePtz(extContext, extensionId, site.origin, "allow");
    await page.goto(`${site.origin}/probe.html`);
    await nativePage.goto(`${site.origin}/probe.html`);
    const native = await runGetUserMediaTable(nativePage, GET_USER_MEDIA_CASES);
    const seen = new Set<string>();
    const withExtension = takeEffects(await runGetUserMediaTable(page, GET_USER_MEDIA_CASES), seen);
    expect(withExtension).toEqual(native);
    expect([...seen].sort()).toEqual(["backgroundBlur=false", "eyeGazeCorrection=false", "faceFraming=false", "gestureReactions=false", 'humanFaceDetectionMode="none"',
      "powerEfficient=false", "powerEfficient=true"]);
    // The table really covers both outcomes and several error kinds.
    const errors = new Set((native as [string, { error?: string }][]).map(([, r]) => r.error).filter(Boolean));
    expect([...errors].sort()).toEqual(expect.arrayContaining(["OverconstrainedError", "TypeError"]));
    expect((native as [string, { ok?: unknown }][]).some(([, r]) => r.ok)).toBe(true);
  });

  test("before any feature came, legacy getUserMedia throws what native throws, and missing arguments never read Array.prototype", async ({ page, nativePage, site }) => {
    const run = () => new Promise<Record<string, unknown>>((done) => {
      // (No arrays are written while the getters below are there: an index write would hit them.)
      const out: Record<string, unknown> = {};
      const sync = (label: string, call: () => unknown) => {
        try {
          call();
          out[label] = "no throw";
        } catch (e) {
          out[label] = `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      const f = () => undefined;
      const legacy = (navigator as any).getUserMedia as Function;
      // Getters where a wrapper that read a missing argument would find them.
      let hits = "";
      for (const i of [0, 1, 2]) {
        Object.defineProperty(Array.prototype, i, { configurable: true, get() { hits += i; return i === 0 ? { video: true } : undefined; } });
      }
      sync("legacy on a foreign receiver", () => legacy.call({}, { video: true }, f, f));
      sync("legacy with a string", () => legacy.call(navigator, "x", f, f));
      sync("postMessage without a transfer", () => window.postMessage("x", "*"));
      sync("structuredClone without options", () => structuredClone(1));
      const gum = (navigator.mediaDevices.getUserMedia as () => Promise<MediaStream>)();
      for (const i of [0, 1, 2]) delete (Array.prototype as any)[i];
      out.hits = hits;
      gum.then(() => "ok", (e) => `${e.name}: ${e.message}`).then((r) => {
        out["getUserMedia()"] = r;
        legacy.call(navigator, { video: true }, (s: MediaStream) => {
          out.legacy = "stream";
          s.getTracks().forEach((t) => t.stop());
          done(out);
        }, (e: Error) => {
          out.legacy = e.name;
          done(out);
        });
      });
    });
    // Fresh documents: the first calls come before the pack.
    await page.goto(`${site.origin}/index.html`);
    await nativePage.goto(`${site.origin}/index.html`);
    const native = await nativePage.evaluate(run);
    expect(await page.evaluate(run)).toEqual(native);
    expect(native["legacy on a foreign receiver"]).toBe("TypeError: Illegal invocation");
    expect(native.legacy).toBe("stream");
  });

  test("enumerateDevices lists the same devices and labels", async ({ page, nativePage, site }) => {
    const list = () => navigator.mediaDevices.enumerateDevices().then((d) => window.probe.clean(d.map((x) => x.toJSON())));
    await page.goto(`${site.origin}/probe.html`);
    await nativePage.goto(`${site.origin}/probe.html`);
    const native = await nativePage.evaluate(list);
    expect(await page.evaluate(list)).toEqual(native);
    expect((native as unknown[]).length).toBeGreaterThanOrEqual(6);
  });

  test("capabilities, settings and applyConstraints match native", async ({ page, nativePage, site }) => {
    await page.goto(`${site.origin}/probe.html`);
    await nativePage.goto(`${site.origin}/probe.html`);
    const native = await runTrackTable(nativePage, APPLY_CASES);
    const seen = new Set<string>();
    expect(takeEffects(await runTrackTable(page, APPLY_CASES), seen)).toEqual(native);
    // Supported, the camera's capabilities and its settings (efficient or not, by configuration).
    expect([...seen].sort()).toEqual([
      "backgroundBlur=[false]", "backgroundBlur=false", "backgroundBlur=true",
      "eyeGazeCorrection=[false]", "eyeGazeCorrection=false", "eyeGazeCorrection=true",
      "faceFraming=[false]", "faceFraming=false", "faceFraming=true",
      "gestureReactions=[false]", "gestureReactions=false", "gestureReactions=true",
      'humanFaceDetectionMode="none"', 'humanFaceDetectionMode=["none","bounding-box","bounding-box-with-landmark-center-point"]',
      "humanFaceDetectionMode=true", "powerEfficient=[false,true]", "powerEfficient=false", "powerEfficient=true",
    ]);
  });

  test("the capture elements look and behave as native, before and after the first click wraps their getters", async ({ page, nativePage, site }) => {
    const shapes = () => {
      const out: Record<string, unknown> = {};
      const fn = (f: Function) => [f.name, f.length, Function.prototype.toString.call(f), "prototype" in f];
      for (const name of ["HTMLUserMediaElement", "HTMLCameraElement", "HTMLMicrophoneElement"]) {
        const proto = (window as any)[name].prototype;
        for (const key of Reflect.ownKeys(proto)) {
          const d = Object.getOwnPropertyDescriptor(proto, key)!;
          out[`${name}.${String(key)}`] = [Object.keys(d).sort().join(), d.enumerable, d.configurable,
            ...[d.get, d.set, d.value].filter((f) => typeof f === "function").map(fn)];
        }
        const getter = Object.getOwnPropertyDescriptor(proto, name === "HTMLUserMediaElement" ? "stream" : "track")!.get!;
        try {
          getter.call(document.body);
          out[`${name} foreign`] = "no error";
        } catch (e) {
          out[`${name} foreign`] = `${(e as Error).name}: ${(e as Error).message}`;
        }
      }
      const both = document.getElementById("both") as any, cam = document.getElementById("cam") as any;
      // (Not `error`: it keeps a refused click's error after a later click captured, and the
      // "recently attached" refusals depend on timing.)
      out.values = [String(both.stream), String(cam.track), Object.prototype.toString.call(both)];
      return out;
    };
    const captured = () => {
      const both = document.getElementById("both") as any, cam = document.getElementById("cam") as any;
      const get = (o: object, k: string) => Object.getOwnPropertyDescriptor(Object.getPrototypeOf(o), k)!.get!;
      return [
        both.stream === both.stream, get(both, "stream").call(both) === both.stream,
        Object.getPrototypeOf(both.stream) === MediaStream.prototype, cam.track === cam.track,
        cam.track instanceof MediaStreamTrack, both.stream.getTracks().map((t: MediaStreamTrack) => [t.kind, t.label, t.readyState]),
        // (Settings: the extension's own additions, e.g. powerEfficient, are the table above's subject.)
        [cam.track.kind, cam.track.label, cam.track.readyState, cam.track.getSettings().width],
      ];
    };
    await page.goto(`${site.origin}/capture-elements.html`);
    await nativePage.goto(`${site.origin}/capture-elements.html`);
    const before = await nativePage.evaluate(shapes);
    expect(await page.evaluate(shapes)).toEqual(before);
    expect(before["HTMLCameraElement.track"]).toEqual(["configurable,enumerable,get,set", true, true,
      ["get track", 0, "function get track() { [native code] }", false]]);
    for (const p of [page, nativePage]) {
      await activate(p, "both", p.locator("#both"));
      await activate(p, "cam", p.locator("#cam"));
    }
    const after = await nativePage.evaluate(shapes);
    expect(after).toEqual({ ...before, values: after.values });
    expect(await page.evaluate(shapes)).toEqual(after);
    expect(await page.evaluate(captured)).toEqual(await nativePage.evaluate(captured));
  });
});
