/**
 * Built-ins captured when the main-world script starts, before any page script can run.
 * Everything in src/ calls these instead of the live globals, so a page that later replaces
 * `Array.prototype.push`, `JSON.parse`, `Promise.prototype.then`, `EventTarget.prototype.*` ...
 * can neither redirect nor break the extension.
 */
const R = Reflect;
export const apply = R.apply;
export const construct = R.construct;
export const defineProperty = R.defineProperty;
export const getOwnPropertyDescriptor = R.getOwnPropertyDescriptor;
export const getOwnPropertyDescriptors = Object.getOwnPropertyDescriptors;
export const ownKeys = R.ownKeys;
export const getPrototypeOf = R.getPrototypeOf;
export const setPrototypeOf = R.setPrototypeOf;
/** The arguments a Proxy trap was given, without a prototype: a missing argument reads undefined,
 * never a page's getter on Array.prototype (`args[2]` of a call with two). Returns them. */
export const bareArgs = <T>(args: T[]): T[] => (setPrototypeOf(args, null), args);
export const deleteProperty = R.deleteProperty;
export const objectCreate = Object.create;
export const isArray = Array.isArray;
export const ProxyCtor = Proxy;
export const PromiseCtor = Promise;
export const promiseThen = Promise.prototype.then;
export const jsonParse = JSON.parse;
export const jsonStringify = JSON.stringify;
export const numberToString = Number.prototype.toString;
export const stringSlice = String.prototype.slice;
export const stringSplit = String.prototype.split;
export const TypeErrorCtor = TypeError;
export const WeakMapCtor = WeakMap;
export const weakMapGet = WeakMap.prototype.get;
export const weakMapSet = WeakMap.prototype.set;
export const weakMapHas = WeakMap.prototype.has;
export const MapCtor = Map;
export const mapGet = Map.prototype.get;
export const mapSet = Map.prototype.set;
export const mapDelete = Map.prototype.delete;
export const mapForEach = Map.prototype.forEach;
export const functionToString = Function.prototype.toString;
export const ObjectProto = Object.prototype;
const ObjectCtor = Object;
/** Whether `v` is an object (a function and document.all too: the bindings read each as a
 * dictionary), without running any code of the page's. */
export const isObject = (v: unknown): v is object => ObjectCtor(v) === v;
export const hasOwnProperty = ObjectProto.hasOwnProperty;

export const addEventListener = EventTarget.prototype.addEventListener;
export const removeEventListener = EventTarget.prototype.removeEventListener;
export const dispatchEvent = EventTarget.prototype.dispatchEvent;
export const stopImmediatePropagation = Event.prototype.stopImmediatePropagation;
export const preventDefault = Event.prototype.preventDefault;
export const CustomEventCtor = CustomEvent;
export const EventCtor = Event;
export const customEventDetail = getOwnPropertyDescriptor(CustomEvent.prototype, "detail")!.get!;
// Interface objects such as MouseEvent, OverconstrainedError and InputDeviceInfo are created in
// a realm when first read, which costs every frame time (measured ~0.02-0.04 ms each); those that
// only a feature in use needs are read then. A page that replaced one meanwhile fools only itself.
let mouseEvent: { ctor: typeof MouseEvent; relatedTarget: Function } | undefined;
/**
 * MouseEvent and its relatedTarget getter, for the bridge's handshake, read at the first one: taken
 * only if both are the browser's own (see nativeAttachShadow). A page's getter would be handed the
 * isolated half's node, a page's constructor could offer a host of its own.
 */
export function nativeMouseEvent(): typeof mouseEvent {
  if (mouseEvent) return mouseEvent;
  try {
    const ctor = getOwnPropertyDescriptor(globalThis, "MouseEvent")?.value;
    const get = browsers(ctor, "MouseEvent") && getOwnPropertyDescriptor(ctor.prototype, "relatedTarget")?.get;
    if (browsers(get, "get relatedTarget")) return mouseEvent = { ctor: ctor as typeof MouseEvent, relatedTarget: get };
  } catch {
    // The page made reading them throw: no handshake.
  }
  return undefined;
}
const mathRandom = Math.random;

/** `object[key] = value` as an own data property, never running a setter a page put on a
 * prototype (e.g. `Array.prototype[0]` or `Object.prototype.video`). The descriptor has no
 * prototype: defineProperty reads its missing fields (`get`, `set`) through it, and a page's
 * `Object.prototype.get` would see the value. */
export function setOwn(object: object, key: PropertyKey, value: unknown): void {
  defineProperty(object, key, { __proto__: null, value, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

/** `list.push(item)` without the page's `Array.prototype.push` or index setters. */
export function appendOwn<T>(list: T[], item: T): void {
  setOwn(list, list.length, item);
}

export function hasOwn(object: object, key: PropertyKey): boolean {
  return apply(hasOwnProperty, object, [key]) as boolean;
}

let idCount = 0;
/** A fresh id, unique in this realm (bridge requests, captures). Not a secret: the page never sees
 * the private channel, and what it could claim about its own frame it may claim anyway. Made from
 * a counter and Math.random, which is JavaScript's own; `crypto` would make the engine create the
 * Crypto interface in every frame at start (measured ~0.05-0.2 ms). */
export function randomId(): string {
  return (apply(numberToString, ++idCount, [36]) as string) + "." +
    (apply(numberToString, (apply(mathRandom, undefined, []) as number) * 2 ** 52, [36]) as string);
}

// Media built-ins, captured before the wrappers replace them (absent in insecure contexts). Those
// only the pack uses are in ./media-natives.ts.
export const getter = (proto: object | undefined, name: string): Function | undefined =>
  proto ? getOwnPropertyDescriptor(proto, name)?.get : undefined;
export const trackProto = typeof MediaStreamTrack === "undefined" ? undefined : MediaStreamTrack.prototype;
export const devicesProto = typeof MediaDevices === "undefined" ? undefined : MediaDevices.prototype;
export const trackGetSettings: Function | undefined = trackProto?.getSettings;
export const eventTarget = getOwnPropertyDescriptor(Event.prototype, "target")!.get!;
export const trackReadyState = getter(trackProto, "readyState");

// The bridge's handshake (src/bridge/page-bridge.ts): a closed shadow root only this script holds,
// and the message that asks the top frame to bring the extension's half into this frame.
export const createElement = typeof Document === "undefined" ? undefined : Document.prototype.createElement;
/**
 * Element's attachShadow for the bridge's trust anchor, read at the first handshake: reading
 * Element at start would create the interface in every frame (~0.1 ms), and most frames never
 * shake hands. A page may have replaced it by then, so what is there is taken only if it is the
 * browser's own attachShadow (this realm's or another frame's, which works alike): its text,
 * through the toString captured now, is exactly the native one. V8 prints a native function by its
 * internal name, not its `name` property; a page's function prints its source, and a Proxy or a
 * bound function prints without a name. Anything else: undefined, and the frame stays native.
 */
export function nativeAttachShadow(): Function | undefined {
  try {
    const fn = getOwnPropertyDescriptor(Element.prototype, "attachShadow")?.value;
    if (browsers(fn, "attachShadow")) return fn;
  } catch {
    // No Element here, or the page made reading it throw: no handshake.
  }
  return undefined;
}

/** Whether `fn` is the browser's own function of that name (see nativeAttachShadow). */
export const browsers = (fn: unknown, name: string): fn is Function =>
  typeof fn === "function" && apply(functionToString, fn, []) === nativeText(name);
/** A brand check: whether `fn` (a native getter or method without effects) takes `thisArg`, i.e.
 * whether a native member of the same interface would throw "Illegal invocation" on it. */
export const answers = (fn: Function | undefined) => (thisArg: unknown): boolean => {
  try {
    apply(fn!, thisArg, []);
    return true;
  } catch {
    return false;
  }
};
/** How the browser prints its function of that name ("get x" for a getter). */
export const nativeText = (name: string) => "function " + name + "() { [native code] }";
export const nodeFirstChild = typeof Node === "undefined" ? undefined : getOwnPropertyDescriptor(Node.prototype, "firstChild")!.get;
export const nodeRemoveChild = typeof Node === "undefined" ? undefined : Node.prototype.removeChild;
export const windowTop = typeof window === "undefined" ? undefined : getOwnPropertyDescriptor(window, "top")?.get;
export const windowPostMessage: Function | undefined = typeof window === "undefined" ? undefined : window.postMessage;
export const setTimeoutFn: typeof setTimeout = setTimeout;
