import {
  apply, bareArgs, defineProperty, deleteProperty, functionToString, nativeText, getOwnPropertyDescriptor, hasOwn, ownKeys, objectCreate, ProxyCtor, setOwn, TypeErrorCtor,
  WeakMapCtor, weakMapGet, weakMapHas, weakMapSet,
} from "./natives";

/**
 * Wrapping helpers for prototypes. A wrapper is a Proxy of the native function, so `name`,
 * `length`, `prototype` and property attributes stay the native ones; `Function.prototype.toString`
 * is itself wrapped once so that wrappers and new getters print as native code.
 */
const nativeSource = new WeakMapCtor<object, string | object>();

/** Makes `fn` print as `source`, or as the function `source` prints (a wrapper as what it wraps:
 * the text is made only if a page asks for it, not for each of the ~40 wraps in every frame). */
function rememberNative(fn: object, source: string | object): void {
  apply(weakMapSet, nativeSource, [fn, source]);
}

/** The source text to show for `fn`: a wrapper's own, so that wrapping a wrapper (two features
 * on one method) still prints the native text. */
const sourceOf = (fn: object): string => {
  const known = apply(weakMapGet, nativeSource, [fn]) as string | object | undefined;
  if (typeof known === "string") return known;
  return known ? sourceOf(known) : apply(functionToString, fn, []) as string;
};

/** What this script defined (wrappers, attributes, the toString wrapper), by object and key: the
 * pack installs with these in place (asAtStart). */
const ours = new WeakMapCtor<object, Record<PropertyKey, PropertyDescriptor>>();

/** defineProperty, noted as ours. `descriptor` is complete (every field its own), so it is what
 * the property now is, and is noted as it is. */
export function defineOurs(o: object, key: PropertyKey, descriptor: PropertyDescriptor): void {
  defineProperty(o, key, descriptor);
  let own = apply(weakMapGet, ours, [o]) as Record<PropertyKey, PropertyDescriptor> | undefined;
  if (!own) apply(weakMapSet, ours, [o, own = objectCreate(null) as Record<PropertyKey, PropertyDescriptor>]);
  own[key as string] = descriptor;
}

let toStringPatched = false;
function patchToString(): void {
  if (toStringPatched) return;
  toStringPatched = true;
  const proxy = new ProxyCtor(functionToString, {
    __proto__: null,
    apply(target, thisArg, args) {
      if ((typeof thisArg === "function" || typeof thisArg === "object") && thisArg !== null &&
          apply(weakMapHas, nativeSource, [thisArg])) {
        return sourceOf(thisArg);
      }
      return apply(target, thisArg, args);
    },
  } as ProxyHandler<Function>);
  rememberNative(proxy, apply(functionToString, functionToString, []) as string);
  const descriptor = getOwnPropertyDescriptor(Function.prototype, "toString")!;
  defineOurs(Function.prototype, "toString", { ...descriptor, value: proxy });
}

/** Makes `fn` print as `source` (the transfer realm's functions, src/transfer/realm.ts). */
export function printsAs(fn: Function, source: string): void {
  patchToString();
  rememberNative(fn, source);
}

/** Makes `fn` print as native code, e.g. an interface object or a method the browser lacks. */
export const looksNative = (fn: Function, name: string): void => printsAs(fn, nativeText(name));

export type MethodImpl = (target: Function, thisArg: unknown, args: unknown[]) => unknown;

/**
 * A wrapped member. Its Proxy stays the property's value from the first wrap on; later wraps of
 * the same member (another feature, or the extension's pack, src/core/pack.ts, which arrives after
 * page scripts may have kept a reference to the member) add layers behind it instead of replacing
 * it, so a reference the page took at any time goes through every layer.
 */
interface Slot { top: Function }
type Half = "value" | "get" | "set";
const slots = new WeakMapCtor<object, Record<string, Slot>>();

/** `descriptor` with `half` set to `fn`, as a null-prototype object: the pack wraps after page
 * scripts ran, and defineProperty would read a missing field from a page's Object.prototype.
 * (Spread copies own fields only, and defines them: no page setter or getter runs.) */
const withHalf = (descriptor: PropertyDescriptor, half: Half | "configurable", fn: Function | boolean): PropertyDescriptor =>
  ({ __proto__: null, ...descriptor, [half]: fn }) as PropertyDescriptor;

// Handlers without a prototype: a trap the page defines on Object.prototype (getPrototypeOf, get,
// ownKeys ...) must never become one of ours, and be handed the native function behind a wrapper.
const layer = (prev: Function, impl: MethodImpl): Function => new ProxyCtor(prev, {
  __proto__: null,
  apply(_target, thisArg, args) {
    return impl(prev, thisArg, bareArgs(args));
  },
} as ProxyHandler<Function>);

/** Wraps `holder[name]`'s function (`half`: the value, or an accessor's get or set) with `impl`,
 * which gets the function it wraps (native, or the layer below). Returns that function. */
function wrapHalf(holder: object, name: string, half: Half, impl: MethodImpl | undefined): Function | undefined {
  let own = apply(weakMapGet, slots, [holder]) as Record<string, Slot> | undefined;
  const existing = own?.[half + name];
  if (existing) {
    const below = existing.top;
    if (impl) existing.top = layer(below, impl);
    return below;
  }
  const descriptor = getOwnPropertyDescriptor(holder, name);
  const original = descriptor && hasOwn(descriptor, half) ? descriptor[half] : undefined;
  if (typeof original !== "function") return undefined;
  // Only once something is wrapped. (It changes no descriptor but Function.prototype.toString's,
  // whose value the wrap below replaces anyway: `descriptor` stays what the property is.)
  patchToString();
  const slot: Slot = { top: impl ? layer(original, impl) : original };
  const proxy = new ProxyCtor(original, {
    __proto__: null,
    // (Its arguments go on as they are: the layers above get a copy of their own, the native
    // function reads only what was passed.)
    apply(_target, thisArg, args) {
      return apply(slot.top, thisArg, args);
    },
  } as ProxyHandler<Function>);
  rememberNative(proxy, original);
  if (!own) apply(weakMapSet, slots, [holder, own = objectCreate(null) as Record<string, Slot>]);
  own[half + name] = slot;
  defineOurs(holder, name, withHalf(descriptor!, half, proxy));
  return original;
}

/** wrapMethod, wrapGetter or wrapSetter by `half` (the transfer realm's wrapping in a window). */
export const wrapMember: (holder: object, name: string, half: Half, impl: MethodImpl) => Function | undefined = wrapHalf;

/** Replaces `proto[name]` (a method) by a Proxy whose calls go to `impl`, which gets the
 * native function to fall back on. Returns the native function. */
export const wrapMethod = (proto: object, name: string, impl: MethodImpl): Function | undefined =>
  wrapHalf(proto, name, "value", impl);

export type GetterImpl = (nativeGetter: Function, thisArg: unknown) => unknown;

/** Replaces the getter of an accessor `proto[name]`. */
export const wrapGetter = (proto: object, name: string, impl: GetterImpl): Function | undefined =>
  wrapHalf(proto, name, "get", impl);

/** Replaces the setter of an accessor `proto[name]`; `impl` gets the native setter and the
 * arguments (the value) as given. */
export const wrapSetter = (proto: object, name: string, impl: MethodImpl): Function | undefined =>
  wrapHalf(proto, name, "set", impl);

/** Wraps members now with nothing in between (calls go to the native function) so that the
 * layers the pack adds later sit behind a Proxy the page could not have held a reference around:
 * [holder, name, half] triples; holders that do not exist are skipped. */
export function reserve(members: [object | undefined, string, Half][]): void {
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m[0]) wrapHalf(m[0], m[1], m[2], undefined);
  }
}

/** Own property descriptors of built-ins as they were at start (keepPristine). */
const pristine: [object, PropertyKey[], PropertyDescriptor[], Record<PropertyKey, PropertyDescriptor> | undefined][] = [];

/** Notes `objects`' own properties now, before any page script (see asAtStart). Only then: it
 * writes its arrays plainly (a page's index setters on Array.prototype cannot exist yet; setOwn's
 * defineProperty on an array index costs ~1 µs, which ~500 times a frame is measurable). */
export function keepPristine(objects: unknown[]): void {
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    if ((typeof o !== "object" && typeof o !== "function") || o === null) continue;
    // Key by key into an array: half the time of getOwnPropertyDescriptors, which builds an
    // object of them (measured: ~0.25 ms a frame less for the set the pack needs).
    const keys = ownKeys(o), descriptors: PropertyDescriptor[] = [];
    for (let j = 0; j < keys.length; j++) descriptors[j] = getOwnPropertyDescriptor(o, keys[j])!;
    // (The fourth, the descriptors by key, is made when the pack arrives. It is an own element from
    // now on, so that neither its read nor its write then meets a page's Array.prototype[3].)
    pristine[pristine.length] = [o, keys, descriptors, undefined];
  }
}

/** A descriptor's own field: a missing one read through the object would be a page's
 * `Object.prototype` member (and run its getter). */
const field = (d: PropertyDescriptor, k: "value" | "get" | "set") => hasOwn(d, k) ? d[k] : undefined;
const sameDescriptor = (a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined) =>
  a === b || (!!a && !!b && field(a, "value") === field(b, "value") && field(a, "get") === field(b, "get") && field(a, "set") === field(b, "set"));

/**
 * Runs `fn` (synchronous) with the built-ins noted by keepPristine as they were at start: what a
 * page replaced since is put back meanwhile, and then the page's again, unless `fn` changed it
 * (wrapped it). With `withOurs`, what this script defined reads as it defined it (wrappers, as
 * they did to the features installed after them at start); else as the native function (as it
 * did to modules starting before any feature installed). Nothing of the page runs meanwhile.
 */
export function asAtStart(withOurs: boolean, fn: () => void): boolean {
  const undo: [object, PropertyKey, PropertyDescriptor | undefined, PropertyDescriptor | undefined][] = [];
  // A member the page made non-configurable cannot be put back: then `fn` does not run (the
  // features would start with the page's function), and the frame stays native.
  let locked = false;
  const put = (o: object, k: PropertyKey, want: PropertyDescriptor | undefined) => {
    const now = getOwnPropertyDescriptor(o, k);
    if (sameDescriptor(now, want)) return;
    try {
      // (Reflect's: false, not an exception, when the property cannot change.)
      if (!(want ? defineProperty(o, k, withHalf(want, "configurable", want.configurable as never)) : deleteProperty(o, k))) throw 0;
      setOwn(undo, undo.length, [o, k, now, want]);
    } catch {
      locked = true;
    }
  };
  for (let i = 0; i < pristine.length; i++) {
    const o = pristine[i][0], keys = pristine[i][1];
    // By key, made at the first call (the pack's arrival calls this twice).
    let all = pristine[i][3];
    if (!all) {
      all = pristine[i][3] = objectCreate(null) as Record<PropertyKey, PropertyDescriptor>;
      for (let j = 0; j < keys.length; j++) all[keys[j] as string] = pristine[i][2][j];
    }
    const own = withOurs ? apply(weakMapGet, ours, [o]) as Record<PropertyKey, PropertyDescriptor> | undefined : undefined;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j];
      put(o, k, own && hasOwn(own, k) ? own[k as string] : all[k as string]);
    }
    // What the page added (e.g. an index setter on Array.prototype) is away meanwhile; what this
    // script added (an attribute) is there.
    const now = ownKeys(o);
    for (let j = 0; j < now.length; j++) {
      if (!hasOwn(all, now[j])) put(o, now[j], own && hasOwn(own, now[j]) ? own[now[j] as string] : undefined);
    }
  }
  try {
    if (!locked) fn();
  } finally {
    for (let i = undo.length - 1; i >= 0; i--) {
      const o = undo[i][0], k = undo[i][1], before = undo[i][2];
      if (!sameDescriptor(getOwnPropertyDescriptor(o, k), undo[i][3])) continue; // wrapped by fn: stays
      if (before) defineProperty(o, k, withHalf(before, "configurable", before.configurable as never));
      else deleteProperty(o, k);
    }
  }
  return !locked;
}

/**
 * Adds a read-only attribute the browser lacks, shaped like a WebIDL attribute: an enumerable,
 * configurable accessor whose getter is named `get <name>`, has length 0, prints as native code
 * and throws "Illegal invocation" on a foreign receiver. Leaves a native attribute alone.
 */
export function defineAttribute(
  proto: object, name: string, isBrand: (thisArg: unknown) => boolean, read: (thisArg: unknown) => unknown,
  write?: (thisArg: unknown, args: unknown[]) => void,
): boolean {
  if (getOwnPropertyDescriptor(proto, name)) return false;
  patchToString();
  // Object-literal accessors have the WebIDL shape (name "get x"/"set x", length 0/1, no
  // prototype, not constructors); `this` in them is the holder, the real receiver comes through
  // the Proxies below.
  const shapes: PropertyDescriptor = getOwnPropertyDescriptor({
    get [name]() {
      return undefined;
    },
    set [name](_value: unknown) {
      // (shape only)
    },
  }, name)!;
  const accessor = (half: "get" | "set", run: (thisArg: unknown, args: unknown[]) => unknown) => {
    const proxy = new ProxyCtor(shapes[half] as Function, {
      __proto__: null,
      apply(_target, thisArg, args) {
        if (!isBrand(thisArg)) throw new TypeErrorCtor("Illegal invocation");
        return run(thisArg, bareArgs(args));
      },
    } as ProxyHandler<Function>);
    rememberNative(proxy, nativeText(half + " " + name));
    return proxy as () => unknown;
  };
  defineOurs(proto, name, {
    __proto__: null,
    get: accessor("get", read),
    set: write ? accessor("set", write) : undefined,
    enumerable: true,
    configurable: true,
  } as PropertyDescriptor);
  return true;
}
