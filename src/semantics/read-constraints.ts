/**
 * The constraints of getUserMedia and applyConstraints, read once, the way the browser's WebIDL
 * bindings read them: the same members, in the same order (each dictionary's members in code-unit
 * order, an inherited dictionary's first), each read once, unions and sequences decided as the
 * bindings decide them. The features then look at this copy, and the browser is given it instead of
 * the page's object. So a page's getters, Proxy traps and iterators run exactly as often, and in
 * the order, they do without the extension (before, every feature that looked at a member read it
 * again), and what the browser acts on is what the features checked: a getter that answers the
 * PTZ gate one way and the browser another has nothing to answer the second time.
 *
 * The members are the browser's own (asked of the browser at a realm's first call: see
 * `learnSupported` and `learnFrom`), with those Capture Control implements (src/effects/names.ts,
 * `semantics`) in their places. The copy is data: dictionaries
 * without a prototype, numbers and strings already converted where a page's code would run in the
 * conversion (valueOf, toString), and sequences as plain arrays (the browser reads an array by
 * index, without its iterator).
 *
 * Where the browser would fail (a getter that throws, a Symbol where a number goes, a sequence
 * that is not iterable ...), reading stops there, as the browser's does, and the copy holds what
 * was read up to that point with the failure last: a getter that throws the page's own exception,
 * or the very value the browser refuses. Given that copy, the browser fails at the same place with
 * its own error, word for word. A failure in a member only the extension knows is the extension's
 * to report: the read ends with the page's exception.
 *
 * Members the bindings keep as opaque objects (`mandatory`, the elements of `optional`, the legacy
 * constraints Chromium parses later) and members of unknown shape stay the page's own values. Not
 * exact: a page's exception in a leaf's conversion (valueOf) carries this reader in its stack, and a
 * Proxy of an array is read by index, where the browser asks the Proxy for its iterator (nothing in
 * JavaScript tells a Proxy from its target without running the Proxy's traps).
 */
import { intercept, onResolved } from "../core/media-methods";
import { legacyVideo } from "../ptz/ptz";
import { wrapMethod } from "../lib/wrap";
import { NAMES } from "../effects/names";
import { promiseReject, streamGetTracks } from "../lib/media-natives";
import {
  answers, appendOwn, apply, browsers, defineProperty, getOwnPropertyDescriptor, getter, hasOwn, isArray, isObject as anObject, objectCreate, ObjectProto, ownKeys, PromiseCtor,
  promiseThen, ProxyCtor, setOwn, setTimeoutFn, stringSplit, devicesProto, trackReadyState,
} from "../lib/natives";
import { trackApply } from "../ptz/captured";

type Loose = Record<string, unknown>;
type Member = [key: string, kind: number, own: boolean];

// What a member is (its IDL type, as far as reading goes).
const RAW = 0, ULONG = 1, DOUBLE = 2, PTZ = 3, TEXT = 4, BOOL = 5, POINTS = 6, OBJECT = 7, OBJECTS = 8, SETS = 9,
  TRACK = 10, ENUM = 11, TEXTS = 12, POINT_LIST = 13, LEAF_ULONG = 14, LEAF_DOUBLE = 15, INTERFACE = 16;
const KINDS: Record<string, number> = objectCreate(null);
const words = (list: string) => apply(stringSplit, list, [" "]) as string[];
const kinds = (kind: number, names: string) => {
  const list = words(names);
  for (let i = 0; i < list.length; i++) KINDS[list[i]] = kind;
};
kinds(ULONG, "width height sampleRate sampleSize channelCount");
kinds(DOUBLE, "aspectRatio frameRate latency exposureCompensation exposureTime colorTemperature iso brightness contrast saturation sharpness focusDistance");
kinds(PTZ, "pan tilt zoom");
kinds(TEXT, "deviceId groupId facingMode resizeMode displaySurface exposureMode focusMode whiteBalanceMode humanFaceDetectionMode");
kinds(BOOL, "autoGainControl echoCancellation noiseSuppression restrictOwnAudio suppressLocalAudioPlayback torch voiceIsolation backgroundBlur backgroundSegmentationMask eyeGazeCorrection faceFraming gestureReactions powerEfficient");
kinds(POINTS, "pointsOfInterest");
kinds(OBJECT, "mandatory");
kinds(OBJECTS, "optional");
kinds(TRACK, "audio video");

const ITERATOR: symbol = Symbol.iterator;
const TO_PRIMITIVE: symbol = Symbol.toPrimitive;
const StringCtor = String;
const objectIs = Object.is, TypeErrorCtor = TypeError;
/** `document.all`: an object that typeof calls "undefined" and `==` calls null (HTML's
 * [[IsHTMLDDA]]), and callable. The browser reads it as any other object: a page can put `pan` on
 * it. (Told apart with Object.is: a minifier folds `v !== undefined && v !== null` into
 * `v != null` and `typeof v === "undefined"` into `v === void 0`, both false for it.) */
const isAll = (v: unknown): boolean => v == null && !objectIs(v, undefined) && !objectIs(v, null);
/** Objects, functions and document.all (lib/natives), typed as the dictionaries they are read as. */
const isObject = anObject as (v: unknown) => v is Loose;
const callable = (v: unknown): boolean => typeof v === "function" || isAll(v);
/** Undefined or null (not document.all). */
const absent = (v: unknown): boolean => v === null || objectIs(v, undefined);

const range = (leaf: number): Member[] => [["max", leaf, false], ["min", leaf, false], ["exact", leaf, false], ["ideal", leaf, false]];
const ULONG_RANGE = range(LEAF_ULONG), DOUBLE_RANGE = range(LEAF_DOUBLE);
const TEXT_PARAMS: Member[] = [["exact", TEXTS, false], ["ideal", TEXTS, false]];
const BOOL_PARAMS: Member[] = [["exact", RAW, false], ["ideal", RAW, false]];
const POINT_PARAMS: Member[] = [["exact", POINT_LIST, false], ["ideal", POINT_LIST, false]];
const POINT: Member[] = [["x", LEAF_DOUBLE, false], ["y", LEAF_DOUBLE, false]];

// ---- Stopping where the browser would fail --------------------------------------------------

const STOP = objectCreate(null) as object;
const NONE = objectCreate(null) as object;
/** What the interrupted member is to hold, and the page's exception that interrupted it (or NONE:
 * the browser refuses a value of the page's). */
let haltValue: unknown, haltError: unknown = NONE;
/** Set when a member only the extension knows failed: the read ends with `failError`. */
let ownFail = false, failError: unknown;

function stop(value: unknown, error: unknown = NONE): never {
  haltValue = value;
  haltError = error;
  throw STOP;
}

/** A value whose conversion (ToNumber, ToString) throws `error`, as the page's did. */
function throwing(error: unknown): Loose {
  const o = objectCreate(null) as Loose;
  setOwn(o, TO_PRIMITIVE, () => {
    throw error;
  });
  return o;
}

/** An object whose member `key` throws `error` when read, as the page's getter did. */
function throwingAt(o: Loose, key: PropertyKey, error: unknown): Loose {
  defineProperty(o, key, { __proto__: null, get: () => {
    throw error;
  }, enumerable: true, configurable: true } as PropertyDescriptor);
  return o;
}

// ---- Sequences ------------------------------------------------------------------------------

/** The most bytes one of Blink's vectors holds (PartitionAlloc's largest allocation, 2 GiB less
 * 2 MiB), and what an element of each kind of sequence takes in it: strings 8, garbage-collected
 * dictionaries 4 (compressed pointers), the legacy `optional` dictionaries 16. Measured in
 * Chromium 156: a sequence of strings fails from 268,173,313 elements, advanced from 536,346,625. */
const MAX_BACKING = 2145386496, STRINGS = 8, MEMBERS = 4, LEGACY_DICTS = 16;

/** Whether `x` is a revoked Proxy (IsArray throws for nothing else, and runs no trap of a live one). */
function revoked(x: unknown): boolean {
  try {
    isArray(x);
    return false;
  } catch {
    return true;
  }
}

/** The page's code threw `error` while `x` was read: the browser is to meet the same. A revoked
 * Proxy is no page's code: the engine refuses it, and the browser is given it to refuse in its own
 * words (Blink says where it was reading when the engine refuses, not when a page's code throws). */
const pageThrew = (x: unknown, error: unknown, standIn: unknown): never => (revoked(x) ? stop(x) : stop(standIn, error));

/** IsArray, which throws for a revoked Proxy: the browser fails on it too (asking it for its
 * iterator), and the copy holds the value itself for it to fail on. */
function arrayLike(x: Loose): x is Loose & unknown[] {
  if (revoked(x)) stop(x);
  return isArray(x);
}

/** What the browser is to read in place of a sequence that failed part-way: an object (not an
 * array: the browser reads arrays by index, without their iterator) that iterates the items read
 * so far, then ends as the page's did: "throw" `value`, return `value` as the step, or give `value`
 * as one more item (an element the browser refuses). */
function replayed(list: unknown[], end: "throw" | "step" | "item", value: unknown): Loose {
  const o = objectCreate(null) as Loose;
  setOwn(o, ITERATOR, () => {
    let i = 0;
    const it = objectCreate(null) as Loose;
    setOwn(it, "next", () => {
      if (i < list.length) return step(list[i++], false);
      if (i++ === list.length) {
        if (end === "throw") throw value;
        return end === "step" ? value : step(value, false);
      }
      return step(undefined, true);
    });
    return it;
  });
  return o;
}

function step(value: unknown, done: boolean): Loose {
  const s = objectCreate(null) as Loose;
  setOwn(s, "value", value);
  setOwn(s, "done", done);
  return s;
}

/** GetMethod(x, @@iterator): the function, or undefined; stops where the browser would. */
function iteratorOf(x: Loose): Function | undefined {
  let m: unknown;
  try {
    m = x[ITERATOR as unknown as string];
  } catch (e) {
    stop(throwingAt(objectCreate(null), ITERATOR, e), e);
  }
  if (absent(m)) return undefined;
  if (!callable(m)) {
    const o = objectCreate(null) as Loose;
    setOwn(o, ITERATOR, m);
    stop(o);
  }
  return m as Function;
}

/** A sequence from an array, as the bindings read one: by index up to its length, without its
 * iterator (which they never call on an array, a page's Array.prototype[Symbol.iterator] included).
 * (A Proxy of an array is read so too, where the browser would iterate it: JavaScript cannot tell
 * the two apart without running the Proxy's traps.) */
function elements(x: unknown[], each: (v: unknown) => unknown, size: number): unknown[] {
  const list: unknown[] = [];
  let n: number;
  try {
    n = x.length;
  } catch (e) {
    return stop(replayed(list, "throw", e), e);
  }
  // The browser refuses an array longer than its vectors can hold before it reads an element
  // ("Array length exceeds supported limit"): the copy is as long, with nothing in it.
  if (n > MAX_BACKING / size) {
    const long: unknown[] = [];
    long.length = n;
    stop(long);
  }
  for (let i = 0; i < n; i++) {
    let v: unknown, item: unknown;
    try {
      v = x[i];
    } catch (e) {
      stop(replayed(list, "throw", e), e);
    }
    try {
      item = each(v);
    } catch (e) {
      if (e !== STOP || ownFail) throw e;
      stop(replayed(list, "item", haltValue), haltError);
    }
    appendOwn(list, item);
  }
  return list;
}

/** A sequence from an iterable, as the bindings make it (they read each step's `value`, then its
 * `done`), each element through `each`. */
function sequence(x: Loose, method: Function, each: (v: unknown) => unknown): unknown[] {
  const list: unknown[] = [];
  const fail = (end: "throw" | "step" | "item", value: unknown, error: unknown = NONE): never =>
    stop(replayed(list, end, value), error);
  let it: unknown, next: unknown;
  try {
    it = apply(method, x, []);
  } catch (e) {
    fail("throw", e, e);
  }
  if (!isObject(it)) {
    // The browser refuses an iterator that is not an object: the copy's method returns the same.
    const o = objectCreate(null) as Loose;
    setOwn(o, ITERATOR, () => it);
    stop(o);
  }
  try {
    next = (it as Loose).next;
  } catch (e) {
    fail("throw", e, e);
  }
  if (!callable(next)) {
    // The browser's own TypeError when it calls it: the copy's iterator has the same `next`.
    const o = objectCreate(null) as Loose, copy = objectCreate(null) as Loose;
    setOwn(copy, "next", next);
    setOwn(o, ITERATOR, () => copy);
    stop(o);
  }
  for (;;) {
    let r: unknown, value: unknown, done: unknown;
    try {
      r = apply(next as Function, it, []);
    } catch (e) {
      fail("throw", e, e);
    }
    if (!isObject(r)) fail("step", r);
    try {
      value = (r as Loose).value;
      done = (r as Loose).done;
    } catch (e) {
      fail("throw", e, e);
    }
    if (done) return list;
    let item: unknown;
    try {
      item = each(value);
    } catch (e) {
      if (e !== STOP || ownFail) throw e;
      fail("item", haltValue, haltError);
    }
    appendOwn(list, item);
  }
}

// ---- Values ---------------------------------------------------------------------------------

const VALUE_OF_FIRST = ["valueOf", "toString"], TO_STRING_FIRST = ["toString", "valueOf"];

/**
 * ToPrimitive(x, hint), step by step as the engine takes it, so that a failure is told apart: the
 * page's code threw (the browser is to meet the same exception) or the engine refused what the
 * page gave (the browser is to be given the same, and refuse it in its own words).
 */
function primitive(x: Loose, hint: string): unknown {
  let m: unknown, r: unknown;
  try {
    m = x[TO_PRIMITIVE as unknown as string];
  } catch (e) {
    pageThrew(x, e, throwing(e));
  }
  if (!absent(m)) {
    if (!callable(m)) {
      const o = objectCreate(ObjectProto) as Loose;
      setOwn(o, TO_PRIMITIVE, m);
      stop(o);
    }
    try {
      r = apply(m as Function, x, [hint]);
    } catch (e) {
      stop(throwing(e), e);
    }
    return isObject(r) ? stop(objectCreate(null)) : r;
  }
  const order = hint === "string" ? TO_STRING_FIRST : VALUE_OF_FIRST;
  for (let i = 0; i < 2; i++) {
    let f: unknown;
    try {
      f = x[order[i]];
    } catch (e) {
      pageThrew(x, e, throwing(e));
    }
    if (!callable(f)) continue;
    try {
      r = apply(f as Function, x, []);
    } catch (e) {
      stop(throwing(e), e);
    }
    if (!isObject(r)) return r;
  }
  return stop(objectCreate(null));
}

/** A double (finite) or unsigned long member's value, converted (ToNumber). */
function number(x: unknown, finite: boolean): unknown {
  if (isObject(x)) x = primitive(x, "number");
  if (typeof x === "symbol" || typeof x === "bigint") stop(x);
  x = +(x as number);
  if (finite && (x !== x || x === 1 / 0 || x === -1 / 0)) stop(x);
  return x;
}

/** A DOMString, converted (ToString). */
function text(x: unknown): unknown {
  if (isObject(x)) x = primitive(x, "string");
  if (typeof x === "symbol") stop(x);
  return StringCtor(x);
}

function value(kind: number, x: unknown): unknown {
  switch (kind) {
    case TRACK:
      return isObject(x) ? dict(x, setMembers(true)) : x;
    case ENUM:
      return isObject(x) ? text(x) : x;
    case LEAF_ULONG: case LEAF_DOUBLE:
      return number(x, kind === LEAF_DOUBLE);
    case ULONG: case DOUBLE: case PTZ:
      if (isObject(x)) return dict(x, kind === ULONG ? ULONG_RANGE : DOUBLE_RANGE);
      return x === null || (kind === PTZ && typeof x === "boolean") ? x : number(x, kind !== ULONG);
    case TEXT: {
      if (!isObject(x)) return x === null ? x : text(x);
      if (arrayLike(x)) return elements(x, text, STRINGS);
      const m = iteratorOf(x);
      return m ? sequence(x, m, text) : dict(x, TEXT_PARAMS);
    }
    case TEXTS: {
      if (!isObject(x)) return text(x);
      if (arrayLike(x)) return elements(x, text, STRINGS);
      const m = iteratorOf(x);
      return m ? sequence(x, m, text) : text(x);
    }
    case BOOL:
      return isObject(x) ? dict(x, BOOL_PARAMS) : x;
    case POINTS: {
      if (!isObject(x)) return x === null ? x : stop(x);
      if (arrayLike(x)) return elements(x, point, MEMBERS);
      const m = iteratorOf(x);
      return m ? sequence(x, m, point) : dict(x, POINT_PARAMS);
    }
    case POINT_LIST:
      return list(x, point, MEMBERS);
    case OBJECT:
      return isObject(x) ? x : stop(x);
    case OBJECTS:
      return list(x, (el) => (isObject(el) ? el : stop(el)), LEGACY_DICTS);
    case SETS:
      return list(x, (el) => (isObject(el) ? dict(el, setMembers(false)) : absent(el) ? el : stop(el)), MEMBERS);
  }
  return x;
}

/** A sequence member (no other type in its union). */
function list(x: unknown, each: (v: unknown) => unknown, size: number): unknown[] {
  if (!isObject(x)) return stop(x);
  if (arrayLike(x)) return elements(x, each, size);
  const m = iteratorOf(x);
  return m ? sequence(x, m, each) : stop(objectCreate(null));
}

const point = (x: unknown): unknown => (isObject(x) ? dict(x, POINT) : absent(x) ? x : stop(x));

function dict(v: Loose, members: Member[]): Loose {
  const out = objectCreate(null) as Loose;
  for (let i = 0; i < members.length; i++) {
    const key = members[i][0], kind = members[i][1], own = members[i][2];
    let x: unknown;
    try {
      x = v[key];
    } catch (e) {
      if (revoked(v)) stop(v);
      if (own) {
        ownFail = true;
        failError = e;
        throw STOP;
      }
      stop(throwingAt(out, key, e), e);
    }
    if (x === undefined) continue;
    try {
      const converted = value(kind, x);
      setOwn(out, key, converted);
      // An enum's value the browser does not know (or not an object of the interface) ends its
      // read there.
      if ((kind === ENUM || kind === INTERFACE) && !own && !browserTakes(key, converted)) stop(converted);
    } catch (e) {
      if (e !== STOP || ownFail) throw e;
      if (own) {
        // The extension's own member: a value it cannot use is its features' to judge, as
        // before; an exception of the page's ends the read.
        if (haltError === NONE) {
          setOwn(out, key, x);
          continue;
        }
        ownFail = true;
        failError = haltError;
        throw STOP;
      }
      setOwn(out, key, haltValue);
      stop(out, haltError);
    }
  }
  return out;
}

/** Whether the browser takes `value` for the enum or interface member `key` (legacy getUserMedia's,
 * the only reads with such members; set at its first call). */
let browserTakes: (key: string, value: unknown) => boolean = () => true;

// ---- The members, learnt from the browser ---------------------------------------------------

let top: Member[] = [], legacyTop: Member[] = [], trackMembers: Member[] = [], setOnly: Member[] = [];
let learnt = false;

const setMembers = (withAdvanced: boolean): Member[] => (withAdvanced ? trackMembers : setOnly);

function sorted(names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    let j = out.length;
    while (j > 0 && out[j - 1] > names[i]) j--;
    if (out[j] === names[i] || out[j - 1] === names[i]) continue;
    for (let k = out.length; k > j; k--) setOwn(out, k, out[k - 1]);
    setOwn(out, j, names[i]);
  }
  return out;
}

/** The member lists for a browser whose MediaTrackConstraintSet has `browserNames`; the extension's
 * own (NAMES, and `semantics` in the stream's dictionary, whose members are the same everywhere:
 * audio and video) in their places. */
function use(browserNames: string[]): void {
  const browserKnows = objectCreate(null) as Record<string, boolean>;
  const setNames: string[] = [];
  for (let i = 0; i < browserNames.length; i++) {
    browserKnows[browserNames[i]] = true;
    appendOwn(setNames, browserNames[i]);
  }
  for (let i = 0; i < NAMES.length; i++) appendOwn(setNames, NAMES[i]);
  const members = (list: string[]) => {
    const out: Member[] = [];
    for (let i = 0; i < list.length; i++) appendOwn(out, [list[i], KINDS[list[i]] ?? RAW, !browserKnows[list[i]]] as Member);
    return out;
  };
  const names = sorted(setNames);
  setOnly = members(names);
  trackMembers = members(names);
  appendOwn(trackMembers, ["advanced", SETS, false] as Member);
}
// Chromium 156's (without flags), until this realm's browser was asked (`learnSupported`, `learnFrom`).
use(words("aspectRatio autoGainControl brightness channelCount colorTemperature contrast deviceId " +
  "displaySurface echoCancellation exposureCompensation exposureMode exposureTime facingMode focusDistance focusMode " +
  "frameRate groupId height iso latency mandatory noiseSuppression optional pan pointsOfInterest resizeMode " +
  "restrictOwnAudio sampleRate sampleSize saturation sharpness suppressLocalAudioPlayback tilt torch voiceIsolation " +
  "whiteBalanceMode width zoom"));
top = [["audio", TRACK, false], ["semantics", ENUM, true], ["video", TRACK, false]];
// Legacy navigator.getUserMedia takes MediaStreamConstraints, which has getDisplayMedia's options too
// (Chromium 156; converting its booleans and its CaptureController runs no code of the page's).
legacyTop = [["audio", TRACK, false], ["audioSelection", ENUM, false], ["controller", INTERFACE, false],
  ["monitorTypeSurfaces", ENUM, false], ["preferCurrentTab", RAW, false], ["selfBrowserSurface", ENUM, false],
  ["semantics", ENUM, true], ["surfaceSwitching", ENUM, false], ["systemAudio", ENUM, false], ["video", TRACK, false],
  ["windowAudio", ENUM, false]];
const listOf = (of: Of): Member[] => (of === Of.Track ? trackMembers : of === Of.Stream ? top : legacyTop);

/**
 * Asks the browser, once per realm, which members its MediaTrackConstraintSet has (versions and
 * flags differ): `track`'s native applyConstraints with a dictionary that notes what is read and
 * whose `advanced` is not a sequence, which the bindings refuse before anything is applied. (Not a
 * getUserMedia call: a document's first one sets up the browser's capture client, 2-10 ms.)
 */
function learnFrom(track: unknown): void {
  if (learnt || !nativeApply) return;
  const names: string[] = [];
  try {
    const probe = new ProxyCtor(objectCreate(null), { __proto__: null, get: (_: unknown, key: unknown) => {
      if (typeof key !== "string") return undefined;
      appendOwn(names, key);
      return key === "advanced" ? 0 : undefined;
    } } as ProxyHandler<object>);
    const p = apply(nativeApply, track, [probe]);
    if (isObject(p)) apply(promiseThen, p, [undefined, () => undefined]);
  } catch {
    return;
  }
  // (Nothing read: not a track of this browser's; the next one is asked.)
  if (names[names.length - 1] !== "advanced") return;
  learnt = true;
  const set: string[] = [];
  for (let i = 0; i < names.length - 1; i++) appendOwn(set, names[i]);
  use(set);
}

const nativeSupported = devicesProto?.getSupportedConstraints as Function | undefined;
/**
 * Asks the browser, at a realm's first getUserMedia, which members its MediaTrackConstraintSet has
 * (versions and flags differ): those getSupportedConstraints() names (in Chromium 156 exactly the
 * set's members, with or without experimental features), with the legacy `mandatory` and
 * `optional`. Before, a document's first call read Chromium 156's list, without the members only a
 * browser flag adds.
 */
function learnSupported(devices: unknown): void {
  if (learnt || !nativeSupported) return;
  let supported: unknown;
  try {
    supported = apply(nativeSupported, devices, []);
  } catch {
    return;
  }
  if (!isObject(supported)) return;
  const keys = ownKeys(supported);
  const set: string[] = ["mandatory", "optional"];
  for (let i = 0; i < keys.length; i++) if (typeof keys[i] === "string" && supported[keys[i] as string] === true) appendOwn(set, keys[i]);
  if (set.length < 3) return;
  learnt = true;
  use(set);
}

export const enum Outcome { Read, Replay, Failed }
/** Whose constraints: applyConstraints', getUserMedia's, legacy navigator.getUserMedia's. */
export const enum Of { Track, Stream, Legacy }
export interface Reading {
  outcome: Outcome;
  /** Read: the copy for the features and the browser. Replay: the copy the browser fails on as it
   * would on the page's object. Failed: the exception to reject with. */
  value: unknown;
}

/**
 * Reads getUserMedia's constraints (`stream`) or applyConstraints' (a track's) as the browser
 * would; undefined when there is nothing to read (not an object: the browser converts it without
 * running any code of the page's) or the members could not be learnt.
 */
export function readConstraints(of: Of, x: unknown): Reading | undefined {
  if (!isObject(x)) return undefined;
  ownFail = false;
  try {
    return { outcome: Outcome.Read, value: dict(x, listOf(of)) };
  } catch (e) {
    if (e !== STOP) throw e;
    return ownFail ? { outcome: Outcome.Failed, value: failError } : { outcome: Outcome.Replay, value: haltValue };
  } finally {
    // A page's getter may have called getUserMedia again, whose read ended here: the read it
    // interrupted goes on with nothing of this one's state. (Between a stop and its catch no code
    // of the page's runs.)
    ownFail = false;
    haltValue = failError = undefined;
  }
}

/**
 * What the features hand the browser, made safe to give it: dictionaries without a prototype and
 * dense arrays, all the way down, from the members the browser reads (own data
 * members only: nothing of a page's prototype). A feature may have built its changes from plain
 * `{}` and `[]`, which the browser would read through Object.prototype and Array.prototype.
 */
export function sealConstraints(of: Of, x: unknown): unknown {
  return isObject(x) ? sealDict(x, listOf(of)) : x;
}

function sealDict(v: Loose, members: Member[]): Loose {
  const out = objectCreate(null) as Loose;
  for (let i = 0; i < members.length; i++) {
    const key = members[i][0], kind = members[i][1];
    const d = getOwnPropertyDescriptor(v, key);
    if (!d || !hasOwn(d, "value") || d.value === undefined) continue;
    setOwn(out, key, sealValue(kind, d.value));
  }
  // Members no feature of the browser's reads stay (the features' own, e.g. `semantics`).
  const keys = ownKeys(v);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== "string" || hasOwn(out, key)) continue;
    const d = getOwnPropertyDescriptor(v, key)!;
    if (hasOwn(d, "value")) setOwn(out, key, d.value);
  }
  return out;
}

function sealValue(kind: number, x: unknown): unknown {
  if (!isObject(x)) return x;
  switch (kind) {
    case TRACK: return sealDict(x, trackMembers);
    case ULONG: return isArray(x) ? x : sealDict(x, ULONG_RANGE);
    case DOUBLE: case PTZ: return isArray(x) ? x : sealDict(x, DOUBLE_RANGE);
    case BOOL: return isArray(x) ? x : sealDict(x, BOOL_PARAMS);
    case TEXT: return isArray(x) ? sealList(x) : sealDict(x, TEXT_PARAMS);
    case TEXTS: case OBJECTS: return isArray(x) ? sealList(x) : x;
    case POINTS: return isArray(x) ? sealList(x, POINT) : sealDict(x, POINT_PARAMS);
    case POINT_LIST: return isArray(x) ? sealList(x, POINT) : x;
    case SETS: return isArray(x) ? sealList(x, setOnly) : x;
  }
  return x;
}

/** A sequence's elements, each a dictionary of `members` when given (else as they are). */
function sealList(x: unknown[], members?: Member[]): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < x.length; i++) {
    const d = getOwnPropertyDescriptor(x, i);
    const el = d && hasOwn(d, "value") ? d.value : undefined;
    appendOwn(out, members && isObject(el) ? sealDict(el, members) : el);
  }
  return out;
}

// ---- In the media methods -------------------------------------------------------------------

const nativeGetUserMedia = devicesProto?.getUserMedia as Function | undefined;
const isDevices = answers(getter(devicesProto, "ondevicechange"));
const nativeApply = trackApply;
const isTrack = answers(trackReadyState);
/**
 * Reads the constraints of every getUserMedia and applyConstraints call before the features see
 * them (the first interceptor; `installConstraintSealing` adds the last). A call the browser
 * refuses before it reads anything (another `this`: "Illegal invocation") goes to it untouched.
 */
export function installConstraintReading(): void {
  if (!nativeGetUserMedia) return;
  const reading = (of: Of, native: Function) => (next: Function, thisArg: unknown, args: unknown[]): unknown => {
    const stream = of === Of.Stream;
    if (!args.length || !(stream ? isDevices(thisArg) : isTrack(thisArg))) return apply(native, thisArg, args);
    let r: Reading | undefined;
    try {
      if (stream) learnSupported(thisArg);
      else learnFrom(thisArg);
      r = readConstraints(of, args[0]);
    } catch (e) {
      // (Not expected; the stack ran out, say.) Closed: the page's object never goes on unread.
      return apply(promiseReject, PromiseCtor, [e]);
    }
    if (!r) return apply(next, thisArg, args);
    if (r.outcome === Outcome.Failed) return apply(promiseReject, PromiseCtor, [r.value]);
    return apply(r.outcome === Outcome.Read ? next : native, thisArg, [r.value]);
  };
  intercept("getUserMedia", reading(Of.Stream, nativeGetUserMedia));
  if (nativeApply) intercept("applyConstraints", reading(Of.Track, nativeApply));
  // Learnt ahead, in a task of its own, where the pack comes before the page's first getUserMedia
  // (a warm site's comes at start), which then does not ask (0.2-0.3 ms of it). Of this window's
  // navigator.mediaDevices, read only through the browser's own getters (no function of a page's
  // is called: where it replaced one, the first getUserMedia learns as before).
  apply(setTimeoutFn, globalThis, [() => {
    if (learnt || typeof Navigator === "undefined") return;
    try {
      const navigatorOf = getOwnPropertyDescriptor(globalThis, "navigator")?.get;
      const devicesOf = getOwnPropertyDescriptor(Navigator.prototype, "mediaDevices")?.get;
      if (browsers(navigatorOf, "get navigator") && browsers(devicesOf, "get mediaDevices")) {
        learnSupported(apply(devicesOf, apply(navigatorOf, globalThis, []), []));
      }
    } catch {
      // (Learnt at the first call instead.)
    }
  }, 0]);
  // The first track of this realm's tells which members the browser reads (`learnFrom`).
  onResolved("getUserMedia", (stream) => {
    if (learnt || !streamGetTracks) return;
    const tracks = apply(streamGetTracks, stream, []) as unknown[];
    if (tracks.length) learnFrom(tracks[0]);
  });

  // The legacy callback forms: the same reading, and no PTZ unless the site is allowed it (they
  // have no prompt). Called with fewer than three arguments, or on another object, the browser
  // refuses them before it reads anything.
  if (typeof Navigator === "undefined") return;
  const isNavigator = answers(getter(Navigator.prototype, "userAgent"));
  const noop = () => undefined;
  /** The browser's refusal of constraints that ask for nothing, once it read them all. */
  let asksNothing: unknown;
  /** The legacy method and navigator the browser is asked with (the first call's). */
  let asked: [Function, unknown] | undefined;
  // The browser is asked which enum values it knows (getDisplayMedia's options: their lists change
  // between versions) and whether a controller is a CaptureController: given only that member, it
  // refuses to ask for nothing, or refuses the value first. Nothing is captured. Only the
  // browser's TypeError is a refusal: anything else (the stack running out, say) tells nothing,
  // and the value counts as taken (the browser judges it itself, after the gate).
  const refusal = (c: unknown): unknown => {
    try {
      apply(asked![0], asked![1], [c, noop, noop]);
    } catch (e) {
      return e instanceof TypeErrorCtor ? e.message : NONE;
    }
    return NONE;
  };
  const takes = (key: string, value: unknown): boolean => {
    if (asksNothing === undefined) asksNothing = refusal(objectCreate(null));
    if (asksNothing === NONE) {
      asksNothing = undefined;
      return true;
    }
    const c = objectCreate(null) as Loose;
    setOwn(c, key, value);
    const r = refusal(c);
    return r === NONE || r === asksNothing;
  };
  const legacy = (native: Function, thisArg: unknown, args: unknown[]): unknown => {
    if (args.length < 3 || !isNavigator(thisArg)) return apply(native, thisArg, args);
    if (!asked) {
      asked = [native, thisArg];
      browserTakes = takes;
    }
    // (An exception not expected here, the stack running out say, goes to the page: closed.)
    const r = readConstraints(Of.Legacy, args[0]);
    if (!r) return apply(native, thisArg, args);
    if (r.outcome === Outcome.Failed) throw r.value;
    let c = r.value as Loose;
    /** What PTZ does with the stream before the page's success callback has it. */
    let seen: ((stream: unknown) => void) | undefined;
    if (r.outcome === Outcome.Read) {
      if (hasOwn(c, "video")) {
        const gated = legacyVideo(c.video);
        setOwn(c, "video", gated[0]);
        seen = gated[1];
      }
      c = sealConstraints(Of.Legacy, c) as Loose;
    }
    const passed: unknown[] = [c];
    const success = args[1];
    // (Only a callable one: the browser's own checks of the callbacks stay as they are.)
    for (let i = 1; i < args.length; i++) {
      appendOwn(passed, i !== 1 || !seen || typeof success !== "function" ? args[i] : (stream: unknown) => {
        seen!(stream);
        return apply(success, undefined, [stream]);
      });
    }
    return apply(native, thisArg, passed);
  };
  wrapMethod(Navigator.prototype, "getUserMedia", legacy);
  wrapMethod(Navigator.prototype, "webkitGetUserMedia", legacy);
}

/** The last interceptor: the browser gets the constraints in the safe form (`sealConstraints`). */
export function installConstraintSealing(): void {
  const sealing = (of: Of) => (next: Function, thisArg: unknown, args: unknown[]): unknown => {
    if (!args.length) return apply(next, thisArg, args);
    let sealed: unknown;
    try {
      sealed = sealConstraints(of, args[0]);
    } catch (e) {
      return apply(promiseReject, PromiseCtor, [e]); // (not expected) closed, as in reading
    }
    return apply(next, thisArg, [sealed]);
  };
  intercept("getUserMedia", sealing(Of.Stream));
  intercept("applyConstraints", sealing(Of.Track));
}
