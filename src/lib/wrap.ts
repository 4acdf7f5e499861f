import {
  apply, defineProperty, functionToString, getOwnPropertyDescriptor, ProxyCtor, TypeErrorCtor,
  WeakMapCtor, weakMapGet, weakMapHas, weakMapSet,
} from "./natives";

/**
 * Wrapping helpers for prototypes. A wrapper is a Proxy of the native function, so `name`,
 * `length`, `prototype` and property attributes stay the native ones; `Function.prototype.toString`
 * is itself wrapped once so that wrappers and new getters print as native code.
 */
const nativeSource = new WeakMapCtor<object, string>();

function rememberNative(fn: object, source: string): void {
  apply(weakMapSet, nativeSource, [fn, source]);
}

/** The source text to show for `fn`: a wrapper's own, so that wrapping a wrapper (two features
 * on one method) still prints the native text. */
const sourceOf = (fn: object): string =>
  (apply(weakMapGet, nativeSource, [fn]) as string | undefined) ?? apply(functionToString, fn, []) as string;

let toStringPatched = false;
function patchToString(): void {
  if (toStringPatched) return;
  toStringPatched = true;
  const proxy = new ProxyCtor(functionToString, {
    apply(target, thisArg, args) {
      if ((typeof thisArg === "function" || typeof thisArg === "object") && thisArg !== null &&
          apply(weakMapHas, nativeSource, [thisArg])) {
        return apply(weakMapGet, nativeSource, [thisArg]);
      }
      return apply(target, thisArg, args);
    },
  });
  rememberNative(proxy, apply(functionToString, functionToString, []) as string);
  const descriptor = getOwnPropertyDescriptor(Function.prototype, "toString")!;
  defineProperty(Function.prototype, "toString", { ...descriptor, value: proxy });
}

/** Makes `fn` print as native code, e.g. an interface object or a method the browser lacks. */
export function looksNative(fn: Function, name: string): void {
  patchToString();
  rememberNative(fn, "function " + name + "() { [native code] }");
}

export type MethodImpl = (target: Function, thisArg: unknown, args: unknown[]) => unknown;

/** Replaces `proto[name]` (a method) by a Proxy whose calls go to `impl`, which gets the
 * native function to fall back on. Returns the native function. */
export function wrapMethod(proto: object, name: string, impl: MethodImpl): Function | undefined {
  const descriptor = getOwnPropertyDescriptor(proto, name);
  if (!descriptor || typeof descriptor.value !== "function") return undefined;
  patchToString();
  const original = descriptor.value as Function;
  const proxy = new ProxyCtor(original, {
    apply(target, thisArg, args) {
      return impl(target, thisArg, args);
    },
  });
  rememberNative(proxy, sourceOf(original));
  defineProperty(proto, name, { ...descriptor, value: proxy });
  return original;
}

export type GetterImpl = (nativeGetter: Function, thisArg: unknown) => unknown;

/** Replaces the getter or the setter of an accessor `proto[name]` (the other half stays). */
function wrapAccessor(proto: object, name: string, half: "get" | "set", impl: MethodImpl): Function | undefined {
  const descriptor = getOwnPropertyDescriptor(proto, name);
  const original = descriptor?.[half];
  if (typeof original !== "function") return undefined;
  patchToString();
  const proxy = new ProxyCtor(original, {
    apply(target, thisArg, args) {
      return impl(target, thisArg, args);
    },
  });
  rememberNative(proxy, sourceOf(original));
  defineProperty(proto, name, { ...descriptor, [half]: proxy });
  return original;
}

/** Replaces the getter of an accessor `proto[name]`. */
export const wrapGetter = (proto: object, name: string, impl: GetterImpl): Function | undefined =>
  wrapAccessor(proto, name, "get", impl);

/** Replaces the setter of an accessor `proto[name]`; `impl` gets the native setter and the
 * arguments (the value) as given. */
export const wrapSetter = (proto: object, name: string, impl: MethodImpl): Function | undefined =>
  wrapAccessor(proto, name, "set", impl);

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
      apply(_target, thisArg, args) {
        if (!isBrand(thisArg)) throw new TypeErrorCtor("Illegal invocation");
        return run(thisArg, args);
      },
    });
    rememberNative(proxy, "function " + half + " " + name + "() { [native code] }");
    return proxy as () => unknown;
  };
  defineProperty(proto, name, {
    get: accessor("get", read),
    set: write ? accessor("set", write) : undefined,
    enumerable: true,
    configurable: true,
  });
  return true;
}
