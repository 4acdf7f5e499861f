/**
 * The constraints of getUserMedia and applyConstraints are read as the browser reads them, once
 * (src/semantics/read-constraints.ts): a page that logs every read of its constraints (getters,
 * Proxy traps, iterators, valueOf) sees the same log with and without the extension, once the
 * pack is in and its features look at every call. The only reads the extension adds are of the
 * members it implements itself (`semantics`, the effects' constraints), each in its place.
 */
import type { Page } from "@playwright/test";
import { expect, launch, test } from "./fixtures";
import { setSitePtz } from "./ptz-helpers";

// Each case is evaluated in the page with `L(value)`, which wraps a value (deeply) in Proxies that
// log every trap, and `log`, the list the reads go to.
const GET_USER_MEDIA = [
  "L({video: true})",
  "L({audio: true, video: {width: 640, height: {ideal: 480}, advanced: [{frameRate: 10}, {aspectRatio: 1.5}]}})",
  "L({video: {deviceId: ['a', 'b'], facingMode: {ideal: ['user']}, resizeMode: {exact: 'none'}}, audio: {echoCancellation: {exact: true}}})",
  "L({video: {pan: true, zoom: 150, pointsOfInterest: [{x: 0.5, y: 0.5}]}})",
  "L({video: {width: {ideal: {valueOf() { log.push('valueOf'); return 320; }}}}})",
  "L({video: {facingMode: {exact: {toString() { log.push('toString'); return 'user'; }}}}})",
  "L({video: {aspectRatio: NaN, width: 5}})",
  "L({audio: {advanced: 5}, video: true})",
  "L({audio: {deviceId: Symbol('x')}, video: true})",
  "L({video: {width: 1n}})",
  "L({video: {mandatory: {minWidth: 640}}})",
  "L({video: {optional: [{minWidth: 640}]}})",
  "L({video: {mandatory: 5}, audio: true})",
  "L({video: {pointsOfInterest: {exact: 5}}, audio: true})",
  "L({video: {deviceId: {[Symbol.iterator]: 5}}, audio: true})",
  "({get audio() { log.push('get audio'); throw new RangeError('audio getter'); }, get video() { log.push('get video'); return true; }})",
  "L({audio: {get deviceId() { log.push('get deviceId'); throw new SyntaxError('inner'); }, echoCancellation: true}, video: true})",
  "L({video: {advanced: {[Symbol.iterator]() { let i = 0; log.push('iterate'); return {next() { log.push('next'); return i++ ? {done: true} : {value: {width: 320}, done: false}; }}; }}}})",
  "L({video: {advanced: {[Symbol.iterator]() { return {next() { return 5; }}; }}}})",
  "L({video: {advanced: {[Symbol.iterator]() { return {next: 5}; }}}})",
  "L({video: {advanced: {[Symbol.iterator]() { return {next() { throw new EvalError('next'); }}; }}}})",
  "L({video: {width: {ideal: {valueOf() { throw new URIError('valueOf'); }}}, height: 5}})",
  // document.all: typeof "undefined", yet an object (a dictionary, and callable) to the browser.
  "(() => { const a = document.all; Object.defineProperty(a, 'ideal', { configurable: true, get() { log.push('get all.ideal'); delete a.ideal; return 320; } }); return {video: {width: a, frameRate: {ideal: {[Symbol.toPrimitive]: document.all}}}}; })()",
  // A getter that calls getUserMedia again, whose own read fails: the outer read is not disturbed.
  "({get audio() { navigator.mediaDevices.getUserMedia({get semantics() { throw new Error('inner'); }, video: {aspectRatio: NaN}}).catch(() => {}); return undefined; }, video: {aspectRatio: NaN}})",
];

// What the engine refuses (not a page's code throwing): the browser says where it was reading
// ("Failed to read the 'width' property from 'MediaTrackConstraintSet': ..."). `R()` is a revoked Proxy.
const ENGINE_REFUSES = [
  "R()",
  "({video: R(), audio: true})",
  "({video: {deviceId: R()}})",
  "({video: {width: {exact: R()}}})",
  "({video: {advanced: R()}})",
  "({video: {advanced: [{width: 5}, R()]}})",
  "({video: {pointsOfInterest: [R()]}})",
  "({video: {width: {exact: {[Symbol.toPrimitive]: 1}}}})",
  "({video: {width: {exact: {[Symbol.toPrimitive]() { return {}; }}}}})",
  "({video: {width: {exact: Object.create(null)}}})",
  "({video: {facingMode: {exact: {toString() { return {}; }, valueOf() { return {}; }}}}})",
  "L({video: {width: {ideal: {valueOf() { log.push('valueOf'); return Symbol('s'); }}}}})",
  "L({video: {frameRate: {ideal: {valueOf() { log.push('valueOf'); return 10n; }}}}})",
  "L({video: {facingMode: {exact: {toString() { log.push('toString'); return Symbol('s'); }}}}})",
  // Longer than the browser's vectors hold: refused before an element is read (natively at once).
  "({video: {deviceId: new Array(2 ** 32 - 1)}})",
  "({video: {advanced: new Array(2 ** 32 - 1)}})",
  "({video: {facingMode: {ideal: new Array(268173313)}}})",
  "({video: {optional: new Array(134086657)}})",
];

// Legacy navigator.getUserMedia reads all of MediaStreamConstraints, getDisplayMedia's options too.
const LEGACY = [
  "L({video: true})",
  "L({audio: true, video: {width: 320}, preferCurrentTab: true, windowAudio: 'exclude'})",
  "L({video: true, systemAudio: 'bogus'})",
  "L({video: true, controller: {}})",
  "L({video: {pan: 200}, selfBrowserSurface: {toString() { log.push('toString'); return 'include'; }}})",
  "({get audioSelection() { log.push('get audioSelection'); throw new Error('page'); }, video: true})",
  "L({audio: false, video: false})",
  "L({video: {width: {exact: {valueOf() { return Symbol(); }}}}})",
];

const APPLY = [
  "L({width: 320})",
  "L({width: {min: 100, max: 640}, frameRate: {ideal: 10}, advanced: [{height: 240}, {aspectRatio: 2}]})",
  "L({facingMode: ['user', 'environment'], deviceId: {ideal: 'x'}})",
  "L({pan: 150})",
  "L({aspectRatio: Infinity, width: 5})",
  "L({advanced: [5], width: 5})",
  "L({get width() { log.push('get width'); throw new RangeError('width getter'); }, height: 5})",
];

/** In the page: runs each case and returns its log of reads and its outcome. */
async function run(page: Page, cases: string[], kind: "gum" | "apply" | "legacy") {
  return page.evaluate(async ({ cases, kind }) => {
    const key = (k: PropertyKey) => (typeof k === "symbol" ? `@@${k.description}` : String(k));
    const runOne = async (source: string) => {
      const log: string[] = [];
      const R = () => {
        const r = Proxy.revocable({}, {});
        r.revoke();
        return r.proxy;
      };
      void R; // (the cases use it, through eval)
      const L = (value: unknown, path = ""): unknown => {
        if ((typeof value !== "object" || value === null) && typeof value !== "function") return value;
        // An array stays an array (the browser reads arrays by index, a Proxy of one by its
        // iterator; the extension reads both by index: it cannot tell them apart unseen), with
        // getters that log the reads of its elements.
        if (Array.isArray(value)) {
          const out: unknown[] = [];
          value.forEach((v, i) => Object.defineProperty(out, i, {
            enumerable: true, configurable: true, get() {
              log.push(`get ${path}${i}`);
              return L(v, `${path}${i}.`);
            },
          }));
          return out;
        }
        return new Proxy(value as object, {
          get(t, k, r) {
            log.push(`get ${path}${key(k)}`);
            return L(Reflect.get(t, k, r), `${path}${key(k)}.`);
          },
          has(t, k) {
            log.push(`has ${path}${key(k)}`);
            return Reflect.has(t, k);
          },
          ownKeys(t) {
            log.push(`ownKeys ${path}`);
            return Reflect.ownKeys(t);
          },
          getOwnPropertyDescriptor(t, k) {
            log.push(`gopd ${path}${key(k)}`);
            return Reflect.getOwnPropertyDescriptor(t, k);
          },
          getPrototypeOf(t) {
            log.push(`proto ${path}`);
            return Reflect.getPrototypeOf(t);
          },
          apply(t, self, args) {
            log.push(`call ${path}`);
            return Reflect.apply(t as Function, self, args);
          },
        });
      };
      // eslint-disable-next-line no-eval
      const constraints = eval(`(${source})`);
      let outcome: string;
      try {
        if (kind === "gum") {
          const stream = await navigator.mediaDevices.getUserMedia(constraints);
          stream.getTracks().forEach((t) => t.stop());
        } else if (kind === "legacy") {
          let threw = "";
          const stream = await new Promise<MediaStream>((resolve, reject) => {
            try {
              (navigator as any).getUserMedia(constraints, resolve, reject);
            } catch (e) {
              threw = "threw ";
              reject(e);
            }
          }).catch((e) => {
            throw Object.assign(new Error(), { name: threw + e.name, message: e.message });
          });
          stream.getTracks().forEach((t) => t.stop());
        } else {
          await window.track.applyConstraints(constraints);
        }
        outcome = "ok";
      } catch (e) {
        outcome = `${(e as Error).name}: ${(e as Error).message}`;
      }
      return { source, outcome, log };
    };
    if (kind === "apply" && !window.track) {
      window.track = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks()[0];
    }
    const out = [];
    for (const source of cases) out.push(await runOne(source));
    return out;
  }, { cases, kind });
}

declare global {
  interface Window { track: MediaStreamTrack }
}

const OWN = ["semantics", "backgroundBlur", "eyeGazeCorrection", "faceFraming", "gestureReactions", "humanFaceDetectionMode", "powerEfficient"];
/** A log without the reads of the extension's own members (`get video.powerEfficient`). */
const withoutOwn = (log: string[]) => log.filter((line) => !OWN.some((name) => line.endsWith(`.${name}`) || line === `get ${name}`));

type Runs = Awaited<ReturnType<typeof run>>;
/** Each case read the same (the extension's own members aside) and ended the same as natively. */
function expectSameReads(extension: Runs, native: Runs) {
  for (let i = 0; i < native.length; i++) {
    expect({ source: extension[i].source, outcome: extension[i].outcome, log: withoutOwn(extension[i].log) }, native[i].source).toEqual(native[i]);
  }
}

/** Both pages on the probe page with the site at PTZ Block (the gate then looks at every call's
 * PTZ members), the extension's pack in first: its features look at every call from then on. */
async function packedPages(page: Page, nativePage: Page, origin: string, block: () => Promise<unknown>) {
  await block();
  await page.goto(`${origin}/probe.html`);
  await nativePage.goto(`${origin}/probe.html`);
  await page.evaluate(() => navigator.mediaDevices.getUserMedia({ video: true }).then((s) => s.getTracks().forEach((t) => t.stop())));
}

test.describe("constraints are read as the browser reads them", () => {
  test("getUserMedia: the same reads, in the same order, as natively, and the same outcomes", async ({ page, nativePage, site, extContext, extensionId }) => {
    await packedPages(page, nativePage, site.origin, () => setSitePtz(extContext, extensionId, site.origin, "block"));
    const native = await run(nativePage, GET_USER_MEDIA, "gum");
    const extension = await run(page, GET_USER_MEDIA, "gum");
    expectSameReads(extension, native);
    // The extension's own members are read in their places: semantics between audio and video.
    const second = extension[1].log.filter((line) => /^get [a-z]+$/i.test(line));
    expect(second).toEqual(["get audio", "get semantics", "get video"]);
    expect(extension[1].log).toContain("get video.powerEfficient");
    // And the table has reads to compare: leaf conversions, iterators, failures part-way.
    expect(native[4].log).toContain("valueOf");
    expect(native[7].log).not.toContain("get video");
    expect(native.filter((r) => r.outcome === "ok").length).toBeGreaterThan(3);
    expect(native.find((r) => r.source.includes("document.all"))!.log).toEqual(["get all.ideal"]);
  });

  test("what the engine refuses (a revoked Proxy, no primitive value, a Symbol or BigInt from valueOf, too long an array) fails in the browser's own words", async ({ page, nativePage, site, extContext, extensionId }) => {
    await packedPages(page, nativePage, site.origin, () => setSitePtz(extContext, extensionId, site.origin, "block"));
    const native = await run(nativePage, ENGINE_REFUSES, "gum");
    const extension = await run(page, ENGINE_REFUSES, "gum");
    expectSameReads(extension, native);
    for (let i = 0; i < native.length; i++) {
      // (Each is refused, in words that say where: the comparison above can fail.)
      expect(native[i].outcome, native[i].source).toMatch(/^(TypeError|RangeError): Failed to execute 'getUserMedia' on 'MediaDevices': /);
    }
  });

  test("legacy navigator.getUserMedia: all of MediaStreamConstraints read as natively, and the same outcomes", async ({ page, nativePage, site, extContext, extensionId }) => {
    await packedPages(page, nativePage, site.origin, () => setSitePtz(extContext, extensionId, site.origin, "block"));
    const native = await run(nativePage, LEGACY, "legacy");
    const extension = await run(page, LEGACY, "legacy");
    expectSameReads(extension, native);
    expect(native[1].log).toContain("get windowAudio");
    expect(native[2].outcome).toMatch(/^threw TypeError: .*'systemAudio'/);
  });

  test("a document's first getUserMedia, before any track told the extension the browser's members, reads as natively", async ({ page, nativePage, site, extContext, extensionId }) => {
    await setSitePtz(extContext, extensionId, site.origin, "block");
    await page.goto(`${site.origin}/probe.html`);
    await nativePage.goto(`${site.origin}/probe.html`);
    // The pack in without a track: a query of the camera's PTZ permission waits for it.
    await page.evaluate(() => navigator.permissions.query({ name: "camera", panTiltZoom: true } as PermissionDescriptor));
    const cases = [GET_USER_MEDIA[1], GET_USER_MEDIA[2]];
    const native = await run(nativePage, cases, "gum");
    const extension = await run(page, cases, "gum");
    expectSameReads(extension, native);
  });

  test("with the browser's experimental features, a document's first getUserMedia reads the members they add, as natively", async ({ site }) => {
    // Members only a flag adds (backgroundSegmentationMask): the browser is asked at the first call.
    const flags = ["--enable-experimental-web-platform-features"];
    const ext = await launch({ extension: true, extra: flags });
    const nat = await launch({ extension: false, extra: flags });
    try {
      const page = await ext.context.newPage();
      const nativePage = await nat.context.newPage();
      await page.goto(`${site.origin}/probe.html`);
      await nativePage.goto(`${site.origin}/probe.html`);
      await page.evaluate(() => navigator.permissions.query({ name: "camera", panTiltZoom: true } as PermissionDescriptor));
      const cases = ["L({video: {backgroundSegmentationMask: true, width: 320}})"];
      const native = await run(nativePage, cases, "gum");
      const extension = await run(page, cases, "gum");
      // (The flags give the browser some of the extension's members too: those it reads natively.)
      const ours = withoutOwn(extension[0].log);
      const log = extension[0].log.filter((line) => ours.includes(line) || native[0].log.includes(line));
      expect({ ...extension[0], log }).toEqual(native[0]);
      expect(native[0].log).toContain("get video.backgroundSegmentationMask");
    } finally {
      await ext.close();
      await nat.close();
    }
  });

  test("applyConstraints: the same reads and outcomes as natively", async ({ page, nativePage, site, extContext, extensionId }) => {
    await setSitePtz(extContext, extensionId, site.origin, "block");
    await page.goto(`${site.origin}/probe.html`);
    await nativePage.goto(`${site.origin}/probe.html`);
    const native = await run(nativePage, APPLY, "apply");
    const extension = await run(page, APPLY, "apply");
    expectSameReads(extension, native);
    expect(native[4].log).not.toContain("get width");
  });

  test("a page's Object.prototype and Array iterator are read by the browser as natively, no more", async ({ page, nativePage, site, extContext, extensionId }) => {
    await setSitePtz(extContext, extensionId, site.origin, "block");
    const tamper = async () => {
      const log: string[] = [];
      const iterate = Array.prototype[Symbol.iterator];
      Object.defineProperty(Object.prototype, "frameRate", { configurable: true, get() { log.push("Object.prototype.frameRate"); return undefined; } });
      Object.defineProperty(Object.prototype, "audio", { configurable: true, get() { log.push("Object.prototype.audio"); return undefined; } });
      Array.prototype[Symbol.iterator] = function (this: unknown[]) {
        log.push(`iterate ${this.length}`);
        return iterate.call(this);
      };
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { advanced: [{ width: 320 }, { height: 240 }] } });
        const track = stream.getVideoTracks()[0];
        // A feature at work (powerEfficient changes the constraints): what the browser is given
        // has no prototype for it to read a page's members through.
        log.push("-- powerEfficient");
        const efficient = await navigator.mediaDevices.getUserMedia({ video: { powerEfficient: true } } as MediaStreamConstraints);
        efficient.getTracks().forEach((t) => t.stop());
        log.push("-- applyConstraints");
        await track.applyConstraints({ advanced: [{ width: 640 }] });
        stream.getTracks().forEach((t) => t.stop());
      } finally {
        Array.prototype[Symbol.iterator] = iterate;
        delete (Object.prototype as any).frameRate;
        delete (Object.prototype as any).audio;
      }
      return log;
    };
    await page.goto(`${site.origin}/probe.html`);
    await nativePage.goto(`${site.origin}/probe.html`);
    await page.evaluate(() => navigator.mediaDevices.getUserMedia({ video: true }).then((s) => s.getTracks().forEach((t) => t.stop())));
    const native = await nativePage.evaluate(tamper);
    // The browser reads arrays by index: a page's iterator is never called on them.
    expect(native).toEqual(["Object.prototype.audio", "Object.prototype.frameRate", "Object.prototype.frameRate", "Object.prototype.frameRate",
      "-- powerEfficient", "Object.prototype.audio", "Object.prototype.frameRate",
      "-- applyConstraints", "Object.prototype.frameRate", "Object.prototype.frameRate"]);
    expect(await page.evaluate(tamper)).toEqual(native);
  });
});
