/**
 * The page half of camera effects (issue 7): the constraint surface of the constraints in
 * ./constraints.ts. See docs/EFFECTS.md.
 */
import { intercept } from "../core/media-methods";
import {
  appendOwn, apply, isArray, objectCreate, ownKeys, PromiseCtor, promiseThen, setOwn, trackReadyState, TypeErrorCtor, WeakMapCtor, weakMapGet, weakMapSet,
} from "../lib/natives";
import { overconstrainedErrorCtor, promiseReject, trackKind } from "../lib/media-natives";
import { cameraOf } from "../lib/stand-in";
import { wrapGetter, wrapMethod } from "../lib/wrap";
import type { PageBridge } from "../bridge/page-bridge";
import { type Ask, copy, copyDeep, echo, includes, isObject, listOf, type Loose, readAsk, readModes, withSorted } from "./constraints";
import { FACE_MODES, faceDetection, type FaceDetection, workersMayRun } from "./face";
import { BLUR, FACE, FRAMING, POWER } from "./names";
import { ourConstraints } from "./supported";
import { follow, type Framer, framerOf, framingPossible, framingSet, framingStopped, startFraming } from "./framing";
import { afterChange } from "../track/configuration-change";
import { liveTracks } from "../tracking/live-tracks";

const SIZE = ["width", "height", "aspectRatio"];
/** The most frames a second a configuration may run at and still count as power efficient. */
const EFFICIENT_FPS = 30;

const trackProto = typeof MediaStreamTrack === "undefined" ? undefined : MediaStreamTrack.prototype;
const nativeCapabilities = trackProto?.getCapabilities as Function | undefined;
const nativeConstraints = trackProto?.getConstraints as Function | undefined;
const nativeApply = trackProto?.applyConstraints as Function | undefined;
const streamVideo = typeof MediaStream === "undefined" ? undefined : MediaStream.prototype.getVideoTracks as Function;
const devicesProto = typeof MediaDevices === "undefined" ? undefined : MediaDevices.prototype;

/** What getConstraints() must show instead of what the browser was given. */
interface Echo {
  basic: Loose;
  /** Per advanced set the page passed: its members of ours (echoed), and the members we added. */
  sets: (Loose | undefined)[];
  added: string[][];
  /** Per advanced set: true where taking our members out left it empty (the browser drops an
   * empty set from getConstraints(), so the page's sets no longer line up with the browser's). */
  empty: boolean[];
  addedBasic: string[];
  appended: number;
  hadAdvanced: boolean;
  /** The humanFaceDetectionMode chosen, when the constraints named it; whether it was exact. */
  mode?: string;
  faceRequired?: boolean;
  /** The members the user's settings for this site added, not the page (powerEfficient for
   * "Save camera power", backgroundBlur and faceFraming for "Blur my background" and "Keep me in
   * frame"). */
  forced?: string[];
  /** faceFraming and backgroundBlur as asked (true/false), when the constraints named them so
   * that they can be met. */
  framing?: boolean;
  blur?: boolean;
}

interface Plan { native: Loose; echo: Echo }

const has = (set: Loose, key: string) => set[key] !== undefined;

/** Whether `framer` (a track's pipeline) can frame (faceFraming) or blur (backgroundBlur): only
 * what its getUserMedia asked for has its worker. */
const able = (framer: Framer | undefined, name: string) =>
  !!framer && (name === FRAMING ? !!framer.detector : name === BLUR && !!framer.segmenter);

const setEffect = (e: Echo, name: string, on: boolean) => {
  if (name === FRAMING) e.framing = on;
  else e.blur = on;
};

/** A camera (not a screen, canvas or remote track), by what its dictionary says: a canvas track
 * has a deviceId but no groupId. */
const isCamera = (track: unknown, dict: unknown): dict is Loose =>
  isObject(dict) && typeof dict.groupId === "string" && dict.displaySurface === undefined &&
  apply(trackKind!, track, []) === "video";

const canSave = (caps: unknown) => isObject(caps) && isArray(caps.resizeMode) &&
  includes(caps.resizeMode as unknown[], "none");

/**
 * The browser's dictionary `dict` (getSettings, getCapabilities) with `names` (ours, in code-unit
 * order) added, valued by `value`, every member in code-unit order as browsers list them (a member
 * the browser has keeps its value). Pages may call getSettings() for every frame: the order is
 * worked out once per set of member names, into a template that each call copies with spread,
 * which sets own data members (no setter of a page's sees them) and keeps V8's fast properties,
 * then fills in. (Filling a prototype-less object, withSorted, made the call ~4.5x native.)
 */
let templateKeys: string[] | undefined, templateNames: string[] | undefined, template: Loose = {};
const sameList = (a: string[], b: string[] | undefined) => {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};
function answer(dict: Loose, names: string[], value: (name: string) => unknown): Loose {
  const keys = ownKeys(dict) as string[];
  if (!sameList(keys, templateKeys) || !sameList(names, templateNames)) {
    const shape: Loose = objectCreate(null);
    let j = 0;
    for (let i = 0; i <= keys.length; i++) {
      while (j < names.length && (i === keys.length || names[j] < keys[i])) shape[names[j++]] = undefined;
      if (i < keys.length) shape[keys[i]] = undefined;
    }
    template = { ...shape };
    templateKeys = keys;
    templateNames = names;
  }
  const out: Loose = { ...template };
  for (let i = 0; i < names.length; i++) out[names[i]] = value(names[i]);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = dict[keys[i]];
  return out;
}

export function installEffects(bridge: PageBridge): void {
  if (!devicesProto || !trackProto || !nativeCapabilities || !nativeConstraints || !streamVideo ||
      !("OverconstrainedError" in globalThis) || !trackKind) return;
  // Which of our constraints the browser lacks (./supported.ts, which also answers
  // getSupportedConstraints()); face detection's part starts with the first use.
  let face: FaceDetection | undefined, faceAsked = false;
  const ours = (): string[] => {
    const known = ourConstraints();
    if (!faceAsked) {
      faceAsked = true;
      face = includes(known, FACE) ? faceDetection(bridge) : undefined;
    }
    return known;
  };
  /** Our constraints this page can use now (face detection, framing and blur only where a worker may run). */
  const usable = (name: string) => name === FACE ? face!.available() :
    (name !== FRAMING && name !== BLUR) || (workersMayRun() && framingPossible() && bridge.connected);
  const echoes = new WeakMapCtor<object, Echo>();
  const echoOf = (track: unknown) => apply(weakMapGet, echoes, [track]) as Echo | undefined;
  const remember = (track: unknown, e: Echo | undefined) => apply(weakMapSet, echoes, [track, e]);

  // Our constraints usable now, in code-unit order: the same list while that stays so.
  let inUse: string[] = [];
  const usableNow = (): string[] => {
    const all = ours();
    let n = 0, same = true;
    for (let i = 0; i < all.length; i++) {
      if (!usable(all[i])) continue;
      if (n >= inUse.length || inUse[n] !== all[i]) same = false;
      n++;
    }
    if (same && n === inUse.length) return inUse;
    const list: string[] = [];
    for (let i = 0; i < all.length; i++) if (usable(all[i])) appendOwn(list, all[i]);
    return (inUse = list);
  };

  // A faceFraming or backgroundBlur track (./framing.ts) answers as its camera; only it can frame
  // (blur): the one whose getUserMedia asked for it.
  intercept("getCapabilities", (next, track, args) => {
    const camera = cameraOf(track);
    const caps = apply(next, camera, args);
    if (!isCamera(camera, caps) || !ours().length) return caps;
    const save = canSave(caps), framer = framerOf(track);
    // (Fresh lists each call, as the browser's: a page may change the ones it is given.)
    return answer(caps, usableNow(), (name) => (name === FACE ? copyDeep(FACE_MODES) :
      (name === POWER && save) || able(framer, name) ? [false, true] : [false]));
  });

  intercept("getSettings", (next, track, args) => {
    const camera = cameraOf(track);
    const settings = apply(next, camera, args);
    if (!isCamera(camera, settings) || !ours().length) return settings;
    const saving = settings.resizeMode === "none" && typeof settings.frameRate === "number" &&
      settings.frameRate <= EFFICIENT_FPS;
    return answer(settings, usableNow(), (name) => (name === FACE ? echoOf(track)?.mode ?? "none" :
      name === POWER ? saving : name === FRAMING ? framerOf(track)?.on ?? false : name === BLUR ? framerOf(track)?.blur ?? false : false));
  });

  wrapGetter(trackProto, "label", (native, track) => apply(native, cameraOf(track), []));
  wrapGetter(trackProto, "muted", (native, track) => apply(native, cameraOf(track), []));
  // (A generated track's own stats are null: the camera's count the frames it delivered.)
  wrapGetter(trackProto, "stats", (native, track) => apply(native, cameraOf(track), []));
  // A stopped track's detector and framing stop at once (its camera, with the last of its tracks).
  wrapMethod(trackProto, "stop", (native, track, args) => {
    const result = apply(native, track, args);
    if (face && typeof track === "object" && track) face.set(track, FACE_MODES[0], () => undefined);
    framingStopped(track);
    return result;
  });

  const pick = (modes: unknown[]): string | undefined => {
    for (let i = 0; i < modes.length; i++) if (includes(FACE_MODES, modes[i])) return modes[i] as string;
    return undefined;
  };

  /**
   * The constraints for the browser, or a string: the constraint that cannot be met, or null when
   * the set names none of ours. `save`: whether a power-efficient configuration exists; `framer`:
   * the track's framing/blur pipeline.
   */
  function plan(c: Loose, gum: boolean, save: boolean, framer: Framer | undefined): Plan | string | null {
    const names = ours();
    const out = copy(c);
    const e: Echo = { basic: {}, sets: [], added: [], empty: [], addedBasic: [], appended: 0, hadAdvanced: false };
    let any = false;
    const extraSets: Loose[] = [];
    const put = (set: Loose, added: string[], key: string, value: unknown) => {
      setOwn(set, key, value);
      setOwn(added, added.length, key);
    };
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const v = c[name];
      // (null: the union's empty dictionary, no constraint, as the browser reads its own members.)
      if (v === undefined || v === null || !usable(name)) continue;
      any = true;
      delete out[name];
      setOwn(e.basic, name, echo(v, name === FACE));
      if (name === FACE) {
        const want = readModes(v, false);
        if (!want) continue;
        if (want.required && gum) return name;
        const mode = pick(want.modes);
        if (mode) e.mode = mode;
        else if (want.required) return name;
        e.faceRequired = want.required;
        continue;
      }
      const ask: Ask | undefined = readAsk(v, false);
      if (!ask) continue;
      // getUserMedia takes no mandatory effect constraint (not among the "allowed required
      // constraints for device selection"; Chromium says so for its own with a TypeError).
      if (ask.required && gum) return name;
      if (name === FRAMING || name === BLUR) {
        // getUserMedia: an ideal true makes the track one that can frame or blur (./framing.ts).
        const can = able(framer, name);
        if (ask.want && ask.required && !can) return name;
        if (gum ? ask.want : can) setEffect(e, name, ask.want);
        continue;
      }
      if (name !== POWER) {
        if (ask.want && ask.required) return name;
        continue;
      }
      if (ask.required) {
        if (ask.want && !save) return name;
        if (!has(out, "resizeMode")) put(out, e.addedBasic, "resizeMode", { exact: ask.want ? "none" : "crop-and-scale" });
        if (ask.want && !has(out, "frameRate")) put(out, e.addedBasic, "frameRate", { max: EFFICIENT_FPS });
      } else if (ask.want && save) {
        // Preferences below the page's own advanced sets: a native mode, at most 30 fps, and the
        // camera's small mode when the page asked for no size.
        const efficient: Loose = { resizeMode: "none", frameRate: { max: EFFICIENT_FPS } };
        if (!has(c, "width") && !has(c, "height") && !has(c, "aspectRatio")) {
          const small = copy(efficient);
          setOwn(small, "width", { max: 640 });
          setOwn(small, "height", { max: 480 });
          setOwn(extraSets, extraSets.length, small);
        }
        setOwn(extraSets, extraSets.length, efficient);
      }
    }
    const advanced = listOf(c.advanced);
    const list: unknown[] = [];
    if (advanced) {
      e.hadAdvanced = true;
      for (let i = 0; i < advanced.length; i++) {
        const set = advanced[i];
        const added: string[] = [];
        setOwn(e.added, i, added);
        if (!isObject(set)) {
          setOwn(list, i, set);
          continue;
        }
        let ns = set;
        let unmet = false;
        for (let n = 0; n < names.length; n++) {
          const name = names[n];
          const v = set[name];
          if (v === undefined || v === null || !usable(name)) continue;
          any = true;
          if (ns === set) ns = copy(set);
          delete ns[name];
          if (!e.sets[i]) setOwn(e.sets, i, {});
          const mine = e.sets[i]!;
          setOwn(mine, name, echo(v, name === FACE));
          if (name === FACE) {
            // (Taken as met when ours is: whether the browser meets the set's other members is not
            // known here. docs/EFFECTS.md)
            const want = readModes(v, true);
            const mode = want && pick(want.modes);
            if (mode) e.mode = mode;
            else if (want) unmet = true;
            continue;
          }
          const ask = readAsk(v, true);
          if (!ask) continue;
          if ((name === FRAMING || name === BLUR) && (gum || able(framer, name))) {
            // (Taken as met, as humanFaceDetectionMode.)
            if (ask.want || !gum) setEffect(e, name, ask.want);
            continue;
          }
          if (name !== POWER) {
            if (ask.want) unmet = true;
            continue;
          }
          const mode = ask.want ? "none" : "crop-and-scale";
          if (ask.want && !save) unmet = true;
          else if (!has(ns, "resizeMode")) put(ns, added, "resizeMode", mode);
          else if (ns.resizeMode !== mode) unmet = true;
          if (ask.want && !has(ns, "frameRate")) put(ns, added, "frameRate", { max: EFFICIENT_FPS });
        }
        if (unmet) {
          // A set that cannot be met is skipped as a whole: make it one the browser cannot meet.
          let key = "width";
          for (let k = 0; k < SIZE.length; k++) if (!has(ns, SIZE[k])) { key = SIZE[k]; break; }
          put(ns, added, key, 0);
        }
        if (ns !== set && !ownKeys(ns).length) setOwn(e.empty, i, true);
        setOwn(list, i, ns);
      }
    }
    if (!any) return null;
    // An `advanced` that is not a list is the browser's TypeError to report: left as it is.
    if (c.advanced !== undefined && !advanced) return { native: out, echo: e };
    for (let i = 0; i < extraSets.length; i++) setOwn(list, list.length, extraSets[i]);
    e.appended = extraSets.length;
    if (advanced || extraSets.length) setOwn(out, "advanced", list);
    return { native: out, echo: e };
  }

  /** "Save camera power", the user's setting for this site: constraints that do not name
   * powerEfficient themselves get it as an ideal, which the page sees in getSettings() but not in
   * getConstraints() (it did not ask). Only where the browser lacks the constraint. */
  const forcing = (): boolean => bridge.connected && bridge.siteConfig().powerSaving === true && includes(ours(), POWER);
  /** "Blur my background" and "Keep me in frame", the user's settings for this site: a
   * getUserMedia whose video does not name backgroundBlur (faceFraming) gets it as an ideal (a
   * track that can blur or frame, doing so), which the page sees in getSettings() but not in
   * getConstraints(). Where the effect cannot run on the page (its CSP, no generator), the page
   * gets its camera as asked. */
  const forcingBlur = (): boolean => bridge.connected && bridge.siteConfig().blurBackground === true && includes(ours(), BLUR);
  const forcingFraming = (): boolean => bridge.connected && bridge.siteConfig().frameFace === true && includes(ours(), FRAMING);

  /** Reading the page's constraints may run its getters, which may throw: then the browser reads
   * them again and reports that. */
  function tryPlan(c: unknown, gum: boolean, save: boolean, framer: Framer | undefined, force: boolean,
    forceBlur = false, forceFraming = false): Plan | string | null {
    try {
      // (Inside the try: a page's getter may throw; the native call then reports it.)
      if ((force || forceBlur || forceFraming) && c === true) c = {};
      if (!isObject(c) || has(c, "mandatory") || has(c, "optional")) return null;
      // What the page did not name itself; the pipeline effects only where they can run.
      const forced: string[] = [];
      if (force && !has(c, POWER)) appendOwn(forced, POWER);
      if (forceBlur && gum && !has(c, BLUR) && usable(BLUR)) appendOwn(forced, BLUR);
      if (forceFraming && gum && !has(c, FRAMING) && usable(FRAMING)) appendOwn(forced, FRAMING);
      if (forced.length) c = copy(c);
      for (let i = 0; i < forced.length; i++) setOwn(c as Loose, forced[i], true);
      const p = plan(c as Loose, gum, save, framer);
      if (p && typeof p !== "string" && forced.length) {
        for (let i = 0; i < forced.length; i++) delete p.echo.basic[forced[i]];
        p.echo.forced = forced;
      }
      return p;
    } catch {
      return null;
    }
  }

  intercept("getUserMedia", (next, thisArg, args) => {
    let c: unknown, video: unknown;
    try {
      c = args[0];
      video = isObject(c) ? c.video : undefined;
    } catch {
      return undefined;
    }
    const p = tryPlan(video, true, true, undefined, forcing(), forcingBlur(), forcingFraming());
    if (p === null) return undefined;
    if (typeof p === "string") {
      return apply(promiseReject, PromiseCtor, [new TypeErrorCtor(
        "Failed to execute 'getUserMedia' on 'MediaDevices': Mandatory " + p + " constraints are not supported")]);
    }
    let changed: Loose;
    try {
      changed = copy(c as Loose);
    } catch {
      return undefined;
    }
    setOwn(changed, "video", p.native);
    return new PromiseCtor((resolve, reject) => {
      apply(promiseThen, apply(next, thisArg, [changed]), [(stream: unknown) => {
        let tracks: unknown[] = [];
        try {
          tracks = apply(streamVideo!, stream, []) as unknown[];
          for (let i = 0; i < tracks.length; i++) remember(tracks[i], p.echo);
        } catch {
          // Only the echo of getConstraints() is lost.
        }
        // With face detection asked for, the stream comes once the detector runs (or could not).
        const detect = (track: unknown) => {
          if (!p.echo.mode || p.echo.mode === "none" || !track) return resolve(stream);
          face!.set(track as object, p.echo.mode, (ok) => {
            if (!ok) p.echo.mode = "none";
            resolve(stream);
          });
        };
        // With framing or blur asked for, once frames go through the worker; the stream then holds
        // the generator's track instead of the camera's.
        if (!(p.echo.framing || p.echo.blur) || !tracks.length) return detect(tracks[0]);
        startFraming(bridge, stream as object, tracks[0] as object, !!p.echo.framing, !!p.echo.blur, (framer, track) => {
          if (!framer) p.echo.framing = p.echo.blur = undefined;
          else {
            if (p.echo.forced && includes(p.echo.forced, BLUR)) framer.forcedBlur = true;
            if (p.echo.forced && includes(p.echo.forced, FRAMING)) framer.forcedFraming = true;
            remember(track, p.echo);
          }
          detect(track ?? tracks[0]);
        });
      }, reject]);
    });
  });

  intercept("applyConstraints", (next, track, args) => {
    let caps: unknown;
    const camera = cameraOf(track), framer = framerOf(track);
    try {
      caps = apply(nativeCapabilities!, camera, []);
    } catch {
      return undefined; // not a track: the browser says so
    }
    const p = isCamera(camera, caps) ? tryPlan(args[0], false, canSave(caps), framer, forcing()) : null;
    if (p === null && !echoOf(track) && !framer) return undefined;
    if (typeof p === "string") {
      return apply(promiseReject, PromiseCtor, [new (overconstrainedErrorCtor()!)(p, "Cannot satisfy constraints")]);
    }
    return new PromiseCtor((resolve, reject) => {
      apply(promiseThen, apply(next, camera, p ? [p.native] : args), [(value: unknown) => {
        // The new constraints replace the old ones, ours included. (Framing or blur not named: it stays.)
        remember(track, p ? p.echo : undefined);
        if (framer && p) framingSet(framer, p.echo.framing, p.echo.blur);
        if (!face || !face.available()) return resolve(value);
        face.set(track as object, p?.echo.mode ?? "none", (ok) => {
          if (ok) return resolve(value);
          p!.echo.mode = "none";
          if (p!.echo.faceRequired) reject(new (overconstrainedErrorCtor()!)(FACE, "Cannot satisfy constraints"));
          else resolve(value);
        });
      }, (error: unknown) => {
        // A member we added for powerEfficient could not be met: that is powerEfficient's failure.
        let name: unknown;
        try {
          name = (error as { constraint?: unknown }).constraint;
        } catch {
          name = undefined;
        }
        if (p && typeof name === "string" && includes(p.echo.addedBasic, name)) {
          reject(new (overconstrainedErrorCtor()!)(POWER, (error as Error).message));
        } else {
          reject(error);
        }
      }]);
    });
  });

  wrapMethod(trackProto, "getConstraints", (native, track, args) => pageConstraints(apply(native, cameraOf(track), args), track));

  /** What getConstraints() shows the page: the browser's constraints of the camera behind `track`
   * (`result`) without what we added, with the page's own members of ours put back. */
  function pageConstraints(result: unknown, track: unknown): unknown {
    const e = echoOf(track);
    if (!e || !isObject(result)) return result;
    const out = copy(result);
    for (let i = 0; i < e.addedBasic.length; i++) delete out[e.addedBasic[i]];
    // (No advanced at all when every set the browser got was empty.)
    const advanced = listOf(out.advanced) ?? (e.empty.length ? [] : undefined);
    if (advanced) {
      const list: unknown[] = [];
      const count = advanced.length - e.appended, n = e.added.length, skip = count < n;
      for (let i = 0, j = 0; i < n; i++) {
        let set: unknown;
        if (skip && e.empty[i]) set = {};
        else if (j < count) set = advanced[j++];
        else break;
        const added = e.added[i], mine = e.sets[i];
        if (isObject(set) && (added?.length || mine)) {
          set = copy(set);
          for (let k = 0; added && k < added.length; k++) delete (set as Loose)[added[k]];
          if (mine) set = withSorted(set as Loose, copyDeep(mine) as Loose);
        }
        setOwn(list, list.length, set);
      }
      if (e.hadAdvanced) setOwn(out, "advanced", list);
      else delete out.advanced;
    }
    return withSorted(out, copyDeep(e.basic) as Loose);
  }

  /** The user switched "Save camera power" for this site: each live camera track of this frame
   * gets its constraints again with or without the forced member, and hears configurationchange
   * where its settings change. (The constraints re-applied are the browser's own for the camera,
   * so nothing the other layers kept from the browser, such as blocked PTZ, reaches it.) */
  bridge.onConfigChanged(() => {
    const force = forcing();
    const tracks = liveTracks();
    // "Blur my background" or "Keep me in frame" switched: the pipelines it started blur (frame) or
    // stop (those of tracks opened without it cannot; their page hears nothing). One event per
    // pipeline: the check covers the other tracks on the same camera.
    const blurOn = forcingBlur(), framingOn = forcingFraming();
    const done: Framer[] = [];
    for (let i = 0; i < tracks.length; i++) {
      const framer = framerOf(tracks[i]);
      if (!framer || includes(done, framer)) continue;
      const blur = framer.forcedBlur && framer.blur !== blurOn ? blurOn : undefined;
      const framing = framer.forcedFraming && framer.on !== framingOn ? framingOn : undefined;
      if (blur === undefined && framing === undefined) continue;
      setOwn(done, done.length, framer);
      // (The settings are read for the comparison when afterChange is called: before the switch.)
      let switched!: (value: unknown) => void;
      afterChange(tracks[i], new PromiseCtor((resolve) => { switched = resolve; }));
      framingSet(framer, framing, blur);
      switched(undefined);
    }
    for (let i = 0; i < tracks.length; i++) {
      const track = tracks[i];
      const e = echoOf(track);
      if (!!(e?.forced && includes(e.forced, POWER)) === force) continue;
      const camera = cameraOf(track);
      let caps: unknown, current: unknown;
      try {
        caps = apply(nativeCapabilities!, camera, []);
        if (!isCamera(camera, caps)) continue;
        current = pageConstraints(apply(nativeConstraints!, camera, []), track);
      } catch {
        continue;
      }
      const p = tryPlan(current, false, canSave(caps), framerOf(track), force);
      if (typeof p === "string") continue;
      const change = new PromiseCtor((resolve) => {
        apply(promiseThen, apply(nativeApply!, camera, [p ? p.native : current]), [() => {
          const before = echoOf(track);
          if (p && before) {
            p.echo.mode = before.mode;
            p.echo.framing = before.framing;
            p.echo.blur = before.blur;
          }
          remember(track, p ? p.echo : undefined);
          resolve(undefined);
        }, () => resolve(undefined)]);
      });
      afterChange(track, change);
    }
  });

  wrapMethod(trackProto, "clone", (native, track, args) => {
    const copyTrack = apply(native, track, args);
    const e = echoOf(track), framer = framerOf(track);
    if (e) remember(copyTrack, e);
    if (framer && apply(trackReadyState!, copyTrack, []) === "live") follow(framer, copyTrack as object);
    return copyTrack;
  });
}
