/**
 * Pan/tilt/zoom as a permission the user gives per site (issue 4; the PTZ explainer's model), on
 * top of Chromium's own PTZ permission, which the extension cannot grant.
 *
 * - getUserMedia asking for PTZ (pan/tilt/zoom present and not false) asks the service worker,
 *   which decides from the site's setting and may show the extension's PTZ prompt. Granted: the
 *   call goes on with pan/tilt/zoom the page left open reset to their defaults (a new session must
 *   not carry values another page set). Not granted: the call goes on without them.
 * - While the site has no PTZ from the extension (or another site controls PTZ), tracks look
 *   exactly like native tracks without the PTZ permission: no pan/tilt/zoom in capabilities and
 *   settings; in applyConstraints, plain values are ignored and advanced or mandatory ones reject
 *   with OverconstrainedError "Unsupported constraint".
 * - `permissions.query({name: "camera", panTiltZoom: true})` reports the stricter of the browser's
 *   and the extension's answer and fires `change` when the user changes the setting.
 * Nothing reaches the service worker unless the page uses PTZ. Try it: tests/pages/ptz.html.
 */
import { afterChange } from "../track/configuration-change";
import type { PageBridge } from "../bridge/page-bridge";
import type { PtzAxis, PtzPolicy, PtzSessionInfo, SiteConfig } from "../bridge/protocol";
import { intercept } from "../core/media-methods";
import {
  addEventListener, apply, dispatchEvent, EventCtor, getPrototypeOf, hasOwn, isArray, objectCreate, ownKeys, PromiseCtor, promiseThen, removeEventListener, setOwn, setTimeoutFn, WeakMapCtor, weakMapGet, weakMapSet,
} from "../lib/natives";
import { DOMExceptionCtor, overconstrainedErrorCtor, promiseReject } from "../lib/media-natives";
import { wrapGetter, wrapMethod } from "../lib/wrap";
import { withSorted } from "../effects/supported";
import { copyDeep, includes } from "../effects/constraints";
import { choosesDevices } from "../semantics/user-chooses";
import { Of, sealConstraints } from "../semantics/read-constraints";
import { ptzQuestions, type PtzQuestion } from "./question";
import { setPtzShown } from "./shown";
import {
  documentVisibility, now, ownDocument, permissionQuery, permissions, permissionState, streamVideoTracks, trackApply,
  trackCapabilities, trackClone, trackConstraints, trackSettings, trackState, trackStop,
} from "./captured";

const AXES: PtzAxis[] = ["pan", "tilt", "zoom"];
const RANK: Record<string, number> = { granted: 0, prompt: 1, denied: 2 };
const AS_STATE: Record<PtzPolicy, string> = { allow: "granted", ask: "prompt", block: "denied" };
const noop = () => undefined;

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null;

/** Object.prototype's own members (the pack starts with the built-ins as they were at start). */
const objectProto = Object.prototype;
const builtIn: Loose = objectCreate(null);
{
  const own = ownKeys(objectProto);
  for (let i = 0; i < own.length; i++) if (typeof own[i] === "string") builtIn[own[i] as string] = true;
}

/** The string keys a dictionary's [[Get]] can see: its own and those of its prototypes, once each
 * (of Object.prototype only what a page added: no constraint is named like its own members). */
function visibleKeys(from: object): string[] {
  const keys: string[] = [];
  const seen: Loose = objectCreate(null);
  for (let o: object | null = from; o; o = getPrototypeOf(o) as object | null) {
    const own = ownKeys(o);
    for (let i = 0; i < own.length; i++) {
      const key = own[i];
      if (typeof key !== "string" || seen[key] || (o === objectProto && builtIn[key])) continue;
      seen[key] = true;
      setOwn(keys, keys.length, key);
    }
  }
  return keys;
}

/** A copy of a dictionary without a prototype: every member it shows (inherited ones too, as the
 * browser reads them), each read once, with `change` applied to it. What the browser is given then
 * is what was checked: neither an inherited member nor a getter that answers differently the
 * second time can slip past (a page's `Object.prototype.pan`, say). */
function copy(from: Loose, change: (out: Loose) => void): Loose {
  const out: Loose = objectCreate(null);
  const keys = visibleKeys(from);
  for (let i = 0; i < keys.length; i++) setOwn(out, keys[i], from[keys[i]]);
  change(out);
  return out;
}

/** A constraint set as data, read once (see copy): dictionaries and lists all the way down. */
function snapshot(v: unknown, depth = 0): unknown {
  if (!isObject(v) || depth > 4) return v;
  if (isArray(v)) {
    const list: unknown[] = [];
    const n = v.length;
    for (let i = 0; i < n; i++) setOwn(list, i, snapshot(v[i], depth + 1));
    return list;
  }
  return copy(v, (out) => {
    const keys = ownKeys(out);
    for (let i = 0; i < keys.length; i++) out[keys[i] as string] = snapshot(out[keys[i] as string], depth + 1);
  });
}

const strict = (v: unknown) => isObject(v) && (hasOwn(v, "exact") || hasOwn(v, "min") || hasOwn(v, "max"));

/** How a constraint set names PTZ: 0 not at all, 1 plain or ideal values, 2 in an advanced set,
 * 3 mandatory (min, max, exact) in the basic set; with the first axis named that way. */
function ptzUse(c: unknown): [number, PtzAxis | null] {
  if (!isObject(c)) return [0, null];
  let level = 0, axis: PtzAxis | null = null;
  const see = (set: Loose, inAdvanced: boolean) => {
    for (let i = 0; i < AXES.length; i++) {
      const v = set[AXES[i]];
      if (v === undefined || v === false) continue;
      const l = strict(v) && !inAdvanced ? 3 : inAdvanced ? 2 : 1;
      if (l > level) { level = l; axis = AXES[i]; }
    }
  };
  see(c, false);
  const advanced = c.advanced;
  if (isArray(advanced)) for (let i = 0; i < advanced.length; i++) if (isObject(advanced[i])) see(advanced[i] as Loose, true);
  return [level, axis];
}

const withoutPtz = (set: Loose) => copy(set, (out) => {
  for (let i = 0; i < AXES.length; i++) delete out[AXES[i]];
  const advanced = set.advanced;
  if (isArray(advanced)) {
    const list: unknown[] = [];
    for (let i = 0; i < advanced.length; i++) setOwn(list, i, isObject(advanced[i]) ? withoutPtz(advanced[i] as Loose) : advanced[i]);
    setOwn(out, "advanced", list);
  }
});

/** Chromium 156's constraints of a camera's stream, as opposed to its ImageCapture ones (pan, tilt,
 * zoom, exposure ...): applyConstraints refuses a set that names both, with or without the PTZ
 * permission (measured: each of getSupportedConstraints() beside `pan`). */
const STREAM_MEMBERS = ["aspectRatio", "autoGainControl", "channelCount", "deviceId", "echoCancellation", "facingMode",
  "frameRate", "groupId", "height", "latency", "noiseSuppression", "resizeMode", "sampleRate", "sampleSize",
  "voiceIsolation", "width"];
const MIXING = "Mixing ImageCapture and non-ImageCapture constraints is not currently supported";
/** Whether the basic set or an advanced one names both (each set on its own). */
const mixes = (c: Loose) => {
  const one = (set: Loose) => {
    let ptz = false, stream = false;
    for (let i = 0; i < AXES.length; i++) if (set[AXES[i]] !== undefined) ptz = true;
    for (let i = 0; i < STREAM_MEMBERS.length; i++) if (set[STREAM_MEMBERS[i]] !== undefined) stream = true;
    return ptz && stream;
  };
  if (one(c)) return true;
  const advanced = c.advanced;
  if (isArray(advanced)) for (let i = 0; i < advanced.length; i++) if (isObject(advanced[i]) && one(advanced[i] as Loose)) return true;
  return false;
};
/** Whether a set names an ImageCapture constraint (any member but the stream's): the browser then
 * keeps it apart, and getConstraints() shows it until the next such set. */
const capturesImage = (set: Loose) => {
  const keys = ownKeys(set);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key === "string" && key !== "advanced" && set[key] !== undefined && !includes(STREAM_MEMBERS, key)) return true;
  }
  return false;
};

/** A range's members in the order getConstraints() lists them (a dictionary's: code-unit order). */
const RANGE = ["exact", "ideal", "max", "min"];
/** A pan, tilt or zoom constraint of getUserMedia (read once) as getConstraints() shows it (Chromium
 * 156, measured): a boolean or number as it is; a range as its numbers, or, where it has only its
 * `naked` member (the basic set's ideal, an advanced set's exact), as that number; null or an
 * empty range not at all. */
function shownPtz(v: unknown, naked: string): unknown {
  if (!isObject(v)) return v === null ? undefined : v;
  let out: Loose | undefined, count = 0, last = "";
  for (let i = 0; i < RANGE.length; i++) {
    const n = v[RANGE[i]];
    if (typeof n !== "number") continue;
    setOwn(out ??= {}, last = RANGE[i], n);
    count++;
  }
  return count === 1 && last === naked ? v[naked] : out;
}

/** A set's pan, tilt and zoom as the browser's getConstraints() shows them (it keeps them without
 * the PTZ permission too): getUserMedia's (`naked`: see shownPtz), or applyConstraints' as given. */
function ptzEcho(set: unknown, naked?: string): Loose | undefined {
  if (!isObject(set)) return undefined;
  let out: Loose | undefined;
  for (let i = 0; i < AXES.length; i++) {
    const v = set[AXES[i]];
    const shown = v === undefined || !naked ? copyDeep(v) : shownPtz(v, naked);
    if (shown !== undefined) setOwn(out ??= {}, AXES[i], shown);
  }
  return out;
}

/** Whether a value read from the page constrains anything (the browser leaves out an advanced set
 * none of whose members does): null, an empty range or list do not. */
function constrains(v: unknown, depth = 0): boolean {
  if (!isObject(v)) return v !== undefined && v !== null;
  if (depth > 3) return true;
  if (isArray(v)) {
    for (let i = 0; i < v.length; i++) if (constrains(v[i], depth + 1)) return true;
    return false;
  }
  const keys = ownKeys(v);
  for (let i = 0; i < keys.length; i++) if (typeof keys[i] === "string" && constrains(v[keys[i] as string], depth + 1)) return true;
  return false;
}

/** What getConstraints() shows of getUserMedia's video constraints that the browser was not given:
 * the basic set's pan, tilt and zoom (`basic`), and for each advanced set whether the browser has
 * it without them, and its own (`sets`). */
type Echo = { basic?: Loose; sets?: [kept: boolean, ptz: Loose | undefined][] };
function gumEcho(video: unknown): Echo | undefined {
  if (!isObject(video)) return undefined;
  // (Every member own, here and in Asked: a missing one would be read from a page's Object.prototype.)
  const echo: Echo = { basic: ptzEcho(video, "ideal"), sets: undefined };
  const advanced = video.advanced;
  let named = !!echo.basic;
  if (isArray(advanced)) {
    const sets: [boolean, Loose | undefined][] = [];
    for (let i = 0; i < advanced.length; i++) {
      const set = advanced[i];
      if (!isObject(set)) continue; // (read data: every set is a dictionary)
      let kept = false;
      const keys = ownKeys(set);
      for (let k = 0; k < keys.length && !kept; k++) {
        const key = keys[k];
        kept = typeof key === "string" && !includes(AXES, key) && constrains(set[key]);
      }
      const ptz = ptzEcho(set, "exact");
      if (ptz) named = true;
      setOwn(sets, sets.length, [kept, ptz]);
    }
    echo.sets = sets;
  }
  return named ? echo : undefined;
}

/** The browser's getConstraints() `shown` with what `echo` adds: the basic set's axes in their
 * places, and the advanced sets as the page gave them (`advanced` last, as the browser lists it).
 * Where the browser's sets are not the ones expected, they stay as they are. */
function withEcho(shown: Loose, echo: Echo): Loose {
  const out = withSorted(shown, (copyDeep(echo.basic) ?? {}) as Loose);
  // (Own members only: a missing one would be read from a page's Object.prototype.)
  const given = hasOwn(out, "advanced") ? out.advanced : undefined;
  delete out.advanced;
  const sets = advancedEcho(given, echo.sets);
  if (sets !== undefined) setOwn(out, "advanced", sets);
  return out;
}
/** The browser's advanced sets `given` with those of `sets` (see withEcho); none if that leaves none. */
function advancedEcho(given: unknown, sets: Echo["sets"]): unknown {
  if (!sets || (given !== undefined && !isArray(given))) return given;
  const list: unknown[] = [];
  let j = 0;
  for (let i = 0; i < sets.length; i++) {
    const ptz = copyDeep(sets[i][1]) as Loose | undefined;
    if (sets[i][0]) {
      const base = given && j < given.length ? given[j++] : undefined;
      if (!isObject(base)) return given;
      setOwn(list, list.length, ptz ? withSorted(base, ptz) : base);
    } else if (ptz) {
      setOwn(list, list.length, ptz);
    }
  }
  if (j !== (given ? given.length : 0)) return given;
  return list.length ? list : undefined;
}

/** Whether the page asked for a position on this axis (a number, or an ideal one). */
const positioned = (v: unknown) => typeof v === "number" || (isObject(v) && typeof v.ideal === "number");

/** For the legacy callback getUserMedia, which has no prompt (src/semantics/read-constraints.ts):
 * its video constraints (read once) as the browser is to get them, without PTZ unless the site is
 * allowed PTZ; and where they were taken out, what to call with the stream before the page has it
 * (its track's getConstraints() then shows the page's pan, tilt and zoom, as natively). */
export let legacyVideo: (video: unknown) => [unknown, ((stream: unknown) => void) | undefined] = (video) => [video, undefined];

export function installPtz(bridge: PageBridge): void {
  if (!trackCapabilities || !trackApply || !streamVideoTracks || !("OverconstrainedError" in globalThis)) return;
  /** The site's answer as last heard from the service worker; null: not heard yet. */
  let known: PtzPolicy | null = null;
  /** Tracks of this frame's PTZ sessions, and those of them paused because another site controls PTZ. */
  const sessions: object[] = [];
  const paused = new WeakMapCtor<object, true>();
  const statuses: { status: object; state: string }[] = [];
  let lastMove = 0;
  /** The last PTZ applyConstraints of an exposed track, and whether its position is to be sent. */
  let lastApply = 0, reporting = false;
  const reportPosition = (track: object) => {
    // A move that has hardly started may not be applied yet: its position comes a moment later.
    if (now() - lastApply < 150) {
      apply(setTimeoutFn, globalThis, [() => reportPosition(track), 200]);
      return;
    }
    reporting = false;
    if (!isLive(track) || !exposed(track)) return;
    const settings = apply(trackSettings!, track, []) as Loose;
    const values: Loose = {};
    for (let a = 0; a < AXES.length; a++) {
      if (typeof settings[AXES[a]] === "number") setOwn(values, AXES[a], settings[AXES[a]]);
    }
    bridge.call("ptz.moved", { values }, noop);
  };

  const policy = (): PtzPolicy => known ?? bridge.siteConfig().ptz ?? "ask";
  const isPaused = (track: unknown) => apply(weakMapGet, paused, [track]) === true;
  const exposed = (track: unknown) => policy() === "allow" && !isPaused(track);
  setPtzShown(exposed);
  const hasPtz = (dict: unknown) => isObject(dict) && (hasOwn(dict, "pan") || hasOwn(dict, "tilt") || hasOwn(dict, "zoom"));
  const isLive = (track: object) => apply(trackState!, track, []) === "live";
  const isHidden = () => !!ownDocument && !!documentVisibility && apply(documentVisibility, ownDocument, []) === "hidden";

  // What the browser would show in getConstraints() of a track whose pan, tilt and zoom it was not
  // given (the extension took them out): natively, without the PTZ permission, it keeps them. After
  // getUserMedia: its constraints with them (`echo`), until the next applyConstraints. After an
  // applyConstraints: that set as the browser shows it, with them (`full`), until the next set that
  // names an ImageCapture constraint (the browser keeps those apart from the stream's).
  type Asked = { echo?: Echo; full?: Loose };
  const asked = new WeakMapCtor<object, Asked | undefined>();
  const askedOf = (track: unknown) => (isObject(track) ? apply(weakMapGet, asked, [track]) as Asked | undefined : undefined);
  const noteAsked = (result: unknown, track: unknown, set: Loose, echo: Loose | undefined) => new PromiseCtor((resolve, reject) => {
    apply(promiseThen, result, [(value: unknown) => {
      try {
        const was = askedOf(track);
        if (echo) {
          const shown = apply(trackConstraints!, track, []) as Loose;
          apply(weakMapSet, asked, [track, { echo: undefined, full: withSorted(shown, echo) }]);
        } else if (was && (was.echo || capturesImage(set))) {
          apply(weakMapSet, asked, [track, undefined]);
        }
      } catch {
        // (Only what getConstraints() shows is lost.)
      }
      resolve(value);
    }, reject]);
  });
  /** A stream the browser gave for video constraints `video` (read once) without their pan, tilt
   * and zoom: its track shows them. */
  const noteEcho = (stream: unknown, video: unknown) => {
    try {
      const track = (apply(streamVideoTracks!, stream, []) as object[])[0];
      const echo = gumEcho(video);
      if (track && echo) apply(weakMapSet, asked, [track, { echo, full: undefined }]);
    } catch {
      // (Only what getConstraints() shows is lost.)
    }
  };
  legacyVideo = (video) => {
    // (Both elements own: a missing one would be read from a page's Array.prototype.)
    if (policy() === "allow" || !isObject(video) || ptzUse(video)[0] === 3) return [video, undefined];
    return [withoutPtz(video), gumEcho(video) ? (stream) => noteEcho(stream, video) : undefined];
  };
  // A clone starts with its track's constraints (natively its pan, tilt and zoom too), and from
  // then on has its own.
  wrapMethod(MediaStreamTrack.prototype, "clone", (native, track, args) => {
    const copyTrack = apply(native, track, args);
    const was = askedOf(track);
    if (was && isObject(copyTrack)) apply(weakMapSet, asked, [copyTrack, { echo: was.echo, full: was.full }]);
    return copyTrack;
  });
  wrapMethod(MediaStreamTrack.prototype, "getConstraints", (native, track, args) => {
    const result = apply(native, track, args);
    const was = askedOf(track);
    if (!was || !isObject(result) || exposed(track)) return result;
    if (was.full) return copyDeep(was.full);
    return withEcho(result, was.echo!);
  });

  // Capabilities and settings: the browser lists PTZ only when it granted PTZ; hide it then unless
  // the extension did too. (Nothing is asked when the browser lists no PTZ.)
  const hide = (next: Function, track: unknown, args: unknown[]) => {
    const dict = apply(next, track, args);
    if (hasPtz(dict) && !exposed(track)) for (let i = 0; i < AXES.length; i++) delete (dict as Loose)[AXES[i]];
    return dict;
  };
  intercept("getCapabilities", hide);
  intercept("getSettings", hide);

  intercept("applyConstraints", (next, track, args) => {
    // First whether the track can move at all: nothing of the page's is read otherwise.
    let caps: unknown;
    try {
      caps = apply(trackCapabilities!, track, []);
    } catch {
      return undefined; // not a track: the native call says so
    }
    if (!hasPtz(caps)) return undefined; // the browser's own behaviour without PTZ
    const constraints = args.length ? args[0] : undefined;
    const hidden = isHidden();
    if (exposed(track)) {
      // (The browser now holds the page's own constraints.)
      if (isObject(track)) apply(weakMapSet, asked, [track, undefined]);
      let level: number;
      try {
        level = ptzUse(constraints)[0];
      } catch {
        return undefined; // the native call reports the page's throwing getter
      }
      if (!level) return undefined;
      // The camera may move: the badge names the site (at most one message a second). A hidden
      // page cannot move it (the browser refuses with SecurityError): no badge then.
      const t = now();
      if (!hidden) {
        lastApply = t;
        if (t - lastMove > 1000) {
          lastMove = t;
          bridge.call("ptz.moved", {}, noop);
        }
        // Where the camera is once the move is done, for the popup's sliders and the keyboard
        // steps (which would else start from a stale position): at most twice a second.
        if (!reporting) {
          reporting = true;
          apply(setTimeoutFn, globalThis, [() => reportPosition(track as object), 500]);
        }
      }
      return undefined;
    }
    // The gate: the browser granted PTZ, the extension did not. The browser gets the constraints
    // as they were checked, read once (snapshot), never the page's object.
    let set: unknown;
    try {
      set = snapshot(constraints);
    } catch (e) {
      return apply(promiseReject, PromiseCtor, [e]); // a getter that threw, as the browser rejects
    }
    // Natively refused first, before the visibility and the permission.
    if (isObject(set) && mixes(set)) return apply(promiseReject, PromiseCtor, [new (overconstrainedErrorCtor()!)("", MIXING)]);
    const use = ptzUse(set);
    if (!use[0]) return noteAsked(apply(next, track, [set]), track, set as Loose, undefined);
    // Natively a hidden page is refused any PTZ constraint before the camera's capabilities are
    // looked at, with or without the PTZ permission (tests/e2e/ptz-hidden.spec.ts).
    if (hidden) {
      return apply(promiseReject, PromiseCtor, [new DOMExceptionCtor("the page is not visible", "SecurityError")]);
    }
    if (use[0] > 1) return apply(promiseReject, PromiseCtor, [new (overconstrainedErrorCtor()!)(use[1]!, "Unsupported constraint")]);
    return noteAsked(apply(next, track, [withoutPtz(set as Loose)]), track, set as Loose, ptzEcho(set));
  });

  /** A new PTZ session: the axes the page left open go to their defaults (centred pan and tilt,
   * widest zoom), so that values another page set cannot be read back; then `done`. */
  function startSession(stream: unknown, video: Loose, done: () => void): void {
    const tracks = apply(streamVideoTracks!, stream, []) as object[];
    const track = tracks[0];
    const caps = track ? apply(trackCapabilities!, track, []) as Loose : {};
    if (!hasPtz(caps)) return done();
    // Sealed (no prototype, own data, all the way down): the browser reads a dictionary through
    // Object.prototype, where a page's getter could make the reset fail (and read where another
    // site left the camera) or change it.
    const reset = sealConstraints(Of.Track, apply(trackConstraints!, track, [])) as Loose;
    for (let a = 0; a < AXES.length; a++) {
      const range = caps[AXES[a]] as { min: number; max: number } | undefined;
      if (!isObject(range) || positioned(video[AXES[a]])) continue;
      const centre = AXES[a] === "zoom" ? range.min : 0;
      setOwn(reset, AXES[a], centre < range.min ? range.min : centre > range.max ? range.max : centre);
    }
    // The reset moves the camera through a clone of the track, stopped once it has: the page's
    // track keeps the constraints its page gave (getConstraints() shows those, as natively), and
    // shows where the camera is through ../track/configuration-change.ts.
    const moveVia = (quiet?: object) => {
      const mover = apply(trackClone!, track, []) as object;
      const stop = () => apply(trackStop!, mover, []);
      let change: unknown;
      try {
        change = apply(trackApply!, mover, [reset]);
      } catch (error) {
        stop(); // (never a camera kept on by a clone)
        throw error;
      }
      apply(promiseThen, change, [stop, stop]);
      afterChange(mover, change, quiet);
      return { mover, change };
    };
    let mover = track;
    const report = () => {
      const values = apply(trackSettings!, mover, []) as Loose;
      const info: PtzSessionInfo = { ranges: {}, values: {} };
      for (let a = 0; a < AXES.length; a++) {
        const range = caps[AXES[a]] as PtzSessionInfo["ranges"]["pan"];
        if (!isObject(range)) continue;
        setOwn(info.ranges, AXES[a], { min: range.min, max: range.max, step: range.step });
        setOwn(info.values, AXES[a], values[AXES[a]]);
      }
      setOwn(sessions, sessions.length, track);
      bridge.call("ptz.session", info, noop);
      done();
    };
    if (!isHidden()) {
      // (The page does not have its track yet: it hears no configurationchange.)
      const moved = moveVia(track);
      mover = moved.mover;
      apply(promiseThen, moved.change, [report, report]);
      return;
    }
    // A hidden page cannot move the camera (SecurityError): the session starts where the camera
    // is, as a native one does (tests/e2e/ptz-hidden.spec.ts), and the reset follows as soon as
    // the page is visible, before the page itself can move it.
    report();
    const onVisible = () => {
      if (isHidden()) return;
      apply(removeEventListener, ownDocument!, ["visibilitychange", onVisible, true]);
      if (isLive(track)) moveVia();
    };
    apply(addEventListener, ownDocument!, ["visibilitychange", onVisible, true]);
  }

  intercept("getUserMedia", (next, thisArg, args) => {
    const c = args[0];
    let video: unknown;
    try {
      video = isObject(c) ? c.video : undefined;
      const level = ptzUse(video)[0];
      // Mandatory PTZ in the basic set is the native TypeError, asked or not.
      if (!level || level === 3) return undefined;
    } catch (e) {
      // (Not expected: the constraints were read into data first.) Closed, never past the gate.
      return apply(promiseReject, PromiseCtor, [e]);
    }
    /** The constraints without PTZ. */
    const ptzless = () => copy(c as Loose, (out) => setOwn(out, "video", withoutPtz(video as Loose)));
    // No answer can come (the extension is out of reach): no PTZ, rather than the page's.
    if (!bridge.connected) return apply(next, thisArg, [ptzless()]);
    return new PromiseCtor((resolve, reject) => {
      const proceed = (granted: boolean | (() => boolean), question?: PtzQuestion) => {
        let changed: Loose;
        try {
          changed = granted === true ? c as Loose : ptzless();
        } catch (e) {
          reject(e);
          return;
        }
        if (question) apply(weakMapSet, ptzQuestions, [changed, question]);
        apply(promiseThen, apply(next, thisArg, granted === true ? args : [changed]), [(stream: unknown) => {
          if (!(typeof granted === "function" ? granted() : granted)) {
            // (The browser got them without PTZ: `changed`.)
            noteEcho(stream, video);
            return resolve(stream);
          }
          try {
            startSession(stream, video as Loose, () => resolve(stream));
          } catch {
            resolve(stream); // the safeguard must never cost the page its stream
          }
        }, reject]);
      };
      const ask = (browser: string) => {
        // The user chooses the devices too: the picker asks both questions in one window.
        if (policy() === "ask" && choosesDevices(bridge, c)) {
          const question: PtzQuestion = { browser, original: c };
          return proceed(() => {
            // "allow" is now the site's setting; an unticked box leaves the site at Ask.
            if (question.answer === "allow") known = "allow";
            return question.answer === "allow";
          }, question);
        }
        bridge.call("ptz.request", { browser }, (error, answer) => {
          if (!error && answer) known = answer.ptz;
          proceed(!error && answer?.ptz === "allow");
        });
      };
      // The browser's own PTZ state, only for the prompt's wording ("the browser will ask next").
      const registry = permissions();
      if (!registry || !permissionQuery || !permissionState) return ask("unknown");
      apply(promiseThen, apply(permissionQuery, registry, [{ name: "camera", panTiltZoom: true }]),
        [(status: unknown) => ask(apply(permissionState!, status, []) as string), () => ask("unknown")]);
    });
  });

  // The user moved the camera from the popup.
  bridge.onPush("ptz.move", (data) => {
    if (!isObject(data)) return;
    for (let i = 0; i < sessions.length; i++) {
      const track = sessions[i];
      if (!isLive(track) || !exposed(track)) continue;
      // (Sealed, as the session's reset: the browser would read a plain object's missing members
      // through Object.prototype, where a page's getter could change or undo the user's move.)
      const c = sealConstraints(Of.Track, apply(trackConstraints!, track, [])) as Loose;
      // The user's position replaces the page's for the axes moved, in its advanced sets too (an
      // advanced {pan: 300} would else win over the basic set's pan).
      const advanced = c.advanced;
      for (let a = 0; a < AXES.length; a++) {
        if (typeof data[AXES[a]] !== "number") continue;
        setOwn(c, AXES[a], data[AXES[a]]);
        if (isArray(advanced)) for (let i = 0; i < advanced.length; i++) if (isObject(advanced[i])) delete (advanced[i] as Loose)[AXES[a]];
      }
      // Not the page's own applyConstraints: every track on this camera may hear configurationchange.
      const change = apply(trackApply!, track, [c]);
      afterChange(track, change);
      apply(promiseThen, change, [noop, noop]);
    }
  });

  // Another site took control of PTZ (active: false), or this one has it back.
  bridge.onPush("ptz.control", (data) => {
    if (!isObject(data) || typeof data.active !== "boolean") return;
    for (let i = 0; i < sessions.length; i++) {
      const track = sessions[i];
      if (!isLive(track) || isPaused(track) === !data.active) continue;
      if (data.active) apply(weakMapSet, paused, [track, undefined]);
      else apply(weakMapSet, paused, [track, true]);
      apply(dispatchEvent, track, [new EventCtor(data.active ? "unmute" : "mute")]);
    }
  });
  if (typeof MediaStreamTrack !== "undefined") {
    wrapGetter(MediaStreamTrack.prototype, "muted", (native, track) =>
      apply(native, track, []) || isPaused(track));
  }

  // Permissions API: the effective PTZ state, the stricter of the browser's and the extension's.
  if (!permissionQuery || !permissionState) return;
  const effective = (status: object) => {
    const browser = apply(permissionState!, status, []) as string;
    const own = AS_STATE[policy()];
    return RANK[own] > RANK[browser] ? own : browser;
  };
  wrapGetter(PermissionStatus.prototype, "state", (native, status) => {
    const state = apply(native, status, []);
    for (let i = 0; i < statuses.length; i++) if (statuses[i].status === status) return effective(status as object);
    return state;
  });
  wrapMethod(Permissions.prototype, "query", (native, thisArg, args) => {
    const result = apply(native, thisArg, args);
    let isPtz = false;
    try {
      const d = args[0];
      isPtz = isObject(d) && d.name === "camera" && d.panTiltZoom === true;
    } catch {
      // The native call already read the descriptor and reports its errors.
    }
    if (!isPtz || !bridge.connected) return result;
    return new PromiseCtor((resolve, reject) => {
      apply(promiseThen, result, [(status: object) => {
        bridge.call("site.config", {}, (error, config) => {
          if (!error && config?.ptz) known = config.ptz;
          setOwn(statuses, statuses.length, { status, state: effective(status) });
          resolve(status);
        });
      }, reject]);
    });
  });
  bridge.onConfigChanged((config: SiteConfig) => {
    if (config.ptz) known = config.ptz;
    for (let i = 0; i < statuses.length; i++) {
      const entry = statuses[i];
      const state = effective(entry.status);
      if (state === entry.state) continue;
      entry.state = state;
      apply(dispatchEvent, entry.status, [new EventCtor("change")]);
    }
  });
}
