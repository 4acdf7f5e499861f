/**
 * Transferable MediaStreamTrack and MediaStream in workers, window side: see realm.ts. A track that
 * arrives from another same-origin window (a clone living in that window's context) is tracked here
 * as a capture of this frame.
 *
 * The realm is installed lazily: its start-up reads some twenty interfaces (a realm creates each
 * on first read) and costs ~0.4 ms per frame, paid by every frame of every page. At document start
 * only thin wrappers go in, which install it at the first moment it can matter:
 * - the page gets a track from getUserMedia (before the page's own code sees the stream);
 * - `new Worker` (a worker must start with the realm to ever receive a track);
 * - window/MessagePort postMessage or structuredClone called with a transfer list or options
 *   object (a track may be in it; nothing is read from the page's arguments to find out);
 * - a MessageEvent whose data is a track envelope (a track sent to this frame over a port).
 * Once installed, the thin wrappers pass straight to the native functions, and the realm's own
 * wrappers sit on top of them, as if installed at start.
 */
import { announce, onResolved } from "../core/media-methods";
import {
  apply, construct, defineProperty, getOwnPropertyDescriptor, getPrototypeOf, hasOwn, MapCtor, mapDelete, mapGet, mapSet,
  ProxyCtor,
} from "../lib/natives";
import { looksNative, wrapGetter, wrapMethod } from "../lib/wrap";
import { mediaRealm } from "./realm";

/** Set by the pack (src/pack.ts): face detection follows a transferred track's source. */
export const transferHooks: { moved?: (from: object, to: object) => void } = {};

/** The envelope key of realm.ts (an own property of a message that carries tracks). */
const KEY = "\u2060mst";

export function installTransfer(): void {
  const g = globalThis as Record<string, unknown>;
  // Secure contexts only (WebCodecs, Web Locks, randomUUID), and what the frame pipeline needs.
  // (`in` checks: reading an interface object would create it, which is what this file avoids.)
  if (!g.isSecureContext || !("MediaStreamTrackGenerator" in g) || !("MediaStreamTrackProcessor" in g) ||
      !("VideoFrame" in g) || !("AudioData" in g) || !("Worker" in g)) return;
  const pre = captured();
  let installed = false;
  const install = (): void => {
    if (installed) return;
    installed = true;
    installRealm(pre);
  };
  onResolved("getUserMedia", install);

  const isObject = (v: unknown) => (typeof v === "object" && v !== null) || typeof v === "function";
  /** A thin method wrapper: `engage(args)` says whether this call may carry a track. */
  const thin = (holder: object, name: string, engage: (args: unknown[]) => boolean) =>
    wrapMethod(holder, name, (native, thisArg, args) => {
      if (installed || !engage(args)) return apply(native, thisArg, args);
      install();
      // The realm's wrapper now holds the property and comes back here for the native call.
      const current = getOwnPropertyDescriptor(holder, name)?.value as Function;
      return apply(current, thisArg, args);
    });
  thin(g, "postMessage", (a) => isObject(a[1]) || isObject(a[2]));
  const scHolder = hasOwn(g, "structuredClone") ? g : Object.getPrototypeOf(g);
  thin(scHolder, "structuredClone", (a) => isObject(a[1]));
  thin(MessagePort.prototype, "postMessage", (a) => isObject(a[1]));
  wrapGetter(MessageEvent.prototype, "data", (native, event) => {
    const data = apply(native, event, []);
    if (installed || !isObject(data) || !hasOwn(data as object, KEY)) return data;
    install();
    return apply(getOwnPropertyDescriptor(MessageEvent.prototype, "data")!.get!, event, []);
  });

  // Blob URLs made before the realm starts: a worker may be made from one after it is revoked
  // (bundlers' inline workers), and the realm needs the blob itself then.
  const blobs = new MapCtor<string, Blob>();
  pre.blobs = {
    get: (url: string) => apply(mapGet, blobs, [url]),
    set: (url: string, blob: Blob) => apply(mapSet, blobs, [url, blob]),
    delete: (url: string) => apply(mapDelete, blobs, [url]),
  };
  let blobProto: object | undefined;
  wrapMethod(URL, "createObjectURL", (native, self, args) => {
    const url = apply(native, self, args);
    if (!installed) {
      blobProto ??= Blob.prototype;
      for (let p = isObject(args[0]) ? getPrototypeOf(args[0]) : null; p; p = getPrototypeOf(p)) {
        if (p === blobProto) {
          pre.blobs.set(url, args[0]);
          break;
        }
      }
    }
    return url;
  });
  wrapMethod(URL, "revokeObjectURL", (native, self, args) => {
    if (!installed) pre.blobs.delete(args[0]);
    return apply(native, self, args);
  });

  // Worker: a Proxy of the constructor like the realm's own (same name, length, prototype).
  const descriptor = getOwnPropertyDescriptor(g, "Worker");
  const NativeWorker = descriptor?.value as Function | undefined;
  if (!descriptor || typeof NativeWorker !== "function") return;
  const proxy: Function = new ProxyCtor(NativeWorker, {
    __proto__: null,
    construct(target: Function, args: unknown[], newTarget: Function) {
      if (installed) return construct(target, args, newTarget);
      install();
      const current = g.Worker as Function;
      return construct(current, args, newTarget === proxy ? current : newTarget);
    },
  } as ProxyHandler<Function>);
  looksNative(proxy, "Worker");
  defineProperty(g, "Worker", { ...descriptor, value: proxy });
  const prototype = (NativeWorker as { prototype: object }).prototype;
  defineProperty(prototype, "constructor", { ...getOwnPropertyDescriptor(prototype, "constructor")!, value: proxy });
}

type A = any;

/** Members of a collection prototype that the realm uses: [keys, descriptors] (the realm makes
 * its private copy of the class from them). Not all of them: each first read of a built-in makes
 * the engine create it, which is what this script avoids at document start. */
function members(C: A, keys: PropertyKey[]): [PropertyKey[], PropertyDescriptor[]] {
  const p = C.prototype, descriptors: PropertyDescriptor[] = [];
  for (let i = 0; i < keys.length; i++) descriptors[i] = Reflect.getOwnPropertyDescriptor(p, keys[i])!;
  return [keys, descriptors];
}

/** What the realm (realm.ts) calls, read now, before any page script: the realm itself starts
 * later, when a page may have replaced any of these. JavaScript's own built-ins, events and
 * MessagePort; not the frame pipeline's interfaces (VideoFrame, AudioData, streams): each read
 * creates an interface object (~0.01-0.02 ms, in every frame), and a page that breaks those
 * before it captures breaks only its own frames. */
function captured(): A {
  const R = Reflect, AP = Array.prototype, SP = String.prototype, ET = EventTarget.prototype, EP = Event.prototype;
  const MPP = MessagePort.prototype;
  return {
    R: {
      apply: R.apply, construct: R.construct, defineProperty: R.defineProperty, getOwnPropertyDescriptor: R.getOwnPropertyDescriptor,
      getPrototypeOf: R.getPrototypeOf, setPrototypeOf: R.setPrototypeOf, ownKeys: R.ownKeys,
    },
    isArray: Array.isArray, Proxy, TypeError, Promise, then: Promise.prototype.then,
    colls: [
      members(WeakMap, ["get", "set", "has", "delete"]),
      members(Map, ["get", "set", "has", "delete", "clear", "forEach", "size", "keys", "values", Symbol.iterator]),
      members(Set, ["add", "has", "delete", "clear", "forEach", "size", "values", Symbol.iterator]),
    ],
    hasOwn: Object.prototype.hasOwnProperty, tag: Object.prototype.toString,
    indexOf: SP.indexOf, slice: SP.slice, push: AP.push, shift: AP.shift, J: JSON.stringify,
    fts: Function.prototype.toString,
    Event, addL: ET.addEventListener, remL: ET.removeEventListener, dispatch: ET.dispatchEvent,
    stopNow: EP.stopImmediatePropagation, prevent: EP.preventDefault,
    portPost: MPP.postMessage, portClose: MPP.close, setOnMessage: R.getOwnPropertyDescriptor(MPP, "onmessage")!.set,
    SC: structuredClone, setT: setTimeout, clearT: clearTimeout,
  };
}

function installRealm(pre: A): void {
  const Stream = MediaStream;
  const { apply: reflectApply, ownKeys } = Reflect;
  try {
    mediaRealm({
      adopt: (track: MediaStreamTrack) => announce("getUserMedia", new Stream([track])),
      // The clone that carries a transferred track's source on (face detection follows it).
      moved: (from: object, to: object) => transferHooks.moved?.(from, to),
      // What this realm's metadata() says of a frame sent to a worker (the extension's own additions,
      // e.g. face segments), when it says anything.
      meta(frame: VideoFrame | AudioData) {
        try {
          const metadata = (frame as VideoFrame).metadata;
          if (typeof metadata !== "function") return undefined;
          const m = reflectApply(metadata, frame, []) as object;
          return m && ownKeys(m).length ? m : undefined;
        } catch {
          return undefined;
        }
      },
    }, undefined, pre);
  } catch {
    // An environment this was not built for: the page keeps the native behaviour.
  }
}
