/**
 * Transferable MediaStreamTrack and MediaStream in workers, window side: see realm.ts, which is in
 * the pack (src/core/pack.ts). A track that arrives from another same-origin window (a clone living
 * in that window's context) is tracked here as a capture of this frame.
 *
 * The realm is installed lazily: its start-up reads some twenty interfaces (a realm creates each
 * on first read), and it comes with the pack. At document start only thin wrappers go in, which
 * install it at the first moment it can matter, if the pack is in (else they bring the pack and
 * the call is native):
 * - the page gets a track from getUserMedia (before the page's own code sees the stream; the pack
 *   is always in by then);
 * - `new Worker` (a worker must start with the realm to ever receive a track): before the pack is
 *   in, the worker starts from a small script of ours that waits for the realm (see bootstrap());
 * - window/MessagePort postMessage or structuredClone called with a transfer list or options
 *   object (a track may be in it; nothing is read from the page's arguments to find out);
 * - a MessageEvent whose data is a track envelope (a track sent to this frame over a port).
 * Once installed, the thin wrappers pass straight to the native functions, and the realm's own
 * wrappers sit on top of them, as if installed at start.
 */
import { announce, onResolved } from "../core/media-methods";
import { packIn, packPending, whenPack } from "../core/pack";
import {
  addEventListener, apply, bareArgs, isObject, construct, dispatchEvent, getOwnPropertyDescriptor,
  getPrototypeOf, hasOwn, MapCtor, preventDefault, mapDelete, mapGet, mapSet, ProxyCtor, randomId, setOwn, stopImmediatePropagation,
  WeakMapCtor, weakMapGet, weakMapSet,
} from "../lib/natives";
import { toJson } from "../lib/json";
import { asAtStart, defineOurs, looksNative, printsAs, wrapGetter, wrapMember, wrapMethod } from "../lib/wrap";

type A = any;

/** Set by the pack (src/pack.ts): the realm (realm.ts), and face detection following a transferred
 * track's source. */
export const transferHooks: {
  realm?: (host: A, base?: string, pre?: A) => void; realmText?: () => string; moved?: (from: object, to: object) => void;
} = {};

/** The envelope key of realm.ts (an own property of a message that carries tracks). */
const KEY = "\u2060mst";

export function installTransfer(): void {
  const g = globalThis as Record<string, unknown>;
  // Secure contexts only (WebCodecs, Web Locks, randomUUID), and what the frame pipeline needs.
  // (`in` checks: reading an interface object would create it, which is what this file avoids.)
  if (!g.isSecureContext || !("MediaStreamTrackGenerator" in g) || !("MediaStreamTrackProcessor" in g) ||
      !("VideoFrame" in g) || !("AudioData" in g) || !("Worker" in g)) return;
  // What the realm must not take from the page: structuredClone (it clones tracks' data with it)
  // and the blobs of object URLs (below).
  const pre: A = { SC: structuredClone, wrap: wrapMember, text: printsAs };
  let installed = false, asked = false;
  let boots: ReturnType<typeof bootstrap> | undefined;
  /** Once the pack came (or could not): the workers started meanwhile get the realm (or none). */
  const booted = () => boots?.release(install() ? transferHooks.realmText!() : "");
  /** Installs the realm if the pack is in (else brings it, and says false). */
  const install = (): boolean => {
    if (installed) return true;
    if (!packIn() || !transferHooks.realm) {
      if (packPending() && !asked) {
        asked = true;
        whenPack(booted);
      }
      return false;
    }
    installed = true;
    // With the built-ins as they were at start: the realm captures what it calls now.
    asAtStart(true, () => installRealm(transferHooks.realm!, pre));
    return true;
  };
  onResolved("getUserMedia", install);

  /** A thin method wrapper: `engage(args)` says whether this call may carry a track. */
  const thin = (holder: object, name: string, engage: (args: unknown[]) => boolean) =>
    wrapMethod(holder, name, (native, thisArg, args) => {
      if (installed || !engage(args) || !install()) return apply(native, thisArg, args);
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
    if (installed || !isObject(data) || !hasOwn(data as object, KEY) || !install()) return data;
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
  const made = boots = bootstrap(NativeWorker, pre);
  const proxy: Function = new ProxyCtor(NativeWorker, {
    __proto__: null,
    construct(target: Function, args: unknown[], newTarget: Function) {
      bareArgs(args);
      // (Installed: the realm's Worker, which holds the global now, comes back here for the native one.)
      if (installed) return construct(target, args, newTarget);
      if (install()) {
        const current = g.Worker as Function;
        return construct(current, args, newTarget === proxy ? current : newTarget);
      }
      return packPending() ? made.make(args, newTarget) : construct(target, args, newTarget);
    },
  } as ProxyHandler<Function>);
  looksNative(proxy, "Worker");
  defineOurs(g, "Worker", { ...descriptor, value: proxy });
  const prototype = (NativeWorker as { prototype: object }).prototype;
  defineOurs(prototype, "constructor", { ...getOwnPropertyDescriptor(prototype, "constructor")!, value: proxy });

}

function installRealm(mediaRealm: (host: A, base?: string, pre?: A) => void, pre: A): void {
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

/**
 * Workers made before the pack is in. A worker must start with the realm (it captures the worker's
 * built-ins before the page's script runs), but the realm is in the pack, which may take a few
 * milliseconds. Such a worker starts from a small script of ours that waits, before the page's
 * script, for one message: the realm's source (with a token of this worker's, so that nothing the
 * page posts is taken for it), or nothing if the pack cannot come. It then runs the realm, then the
 * page's script, and then hands the page's script the messages the page posted meanwhile (events
 * made again by us: `isTrusted` is false on those).
 *
 * Where the page's CSP forbids blob: workers, the worker fails to start (an `error` event, which the
 * page does not see): a native worker of the page's script then stands behind the object the page
 * holds, and gets again the messages without a transfer list that were posted before the failure
 * (those with one cannot be sent twice); later workers of that kind are native at once.
 */
function bootstrap(NativeWorker: Function, pre: A) {
  const WP = NativeWorker.prototype as A;
  const nativePost = WP.postMessage as Function;
  const nativeData = getOwnPropertyDescriptor(MessageEvent.prototype, "data")!.get!;
  interface Boot { w: object; token: string; href: string; args: unknown[]; q: unknown[] | null; up: boolean; x?: object }
  const byWorker = new WeakMapCtor<object, Boot>();
  let waiting: Boot[] = [];
  let released: string | undefined;
  const blocked = [false, false];
  // (Captured now: `make` runs when the page calls it. Blob is read then, as the realm would: a
  // page that replaced it meanwhile fools only itself.)
  const URLCtor = URL, createUrl = URL.createObjectURL, revokeUrl = URL.revokeObjectURL;
  const on = (target: object, type: string, f: (e: Event) => void) => apply(addEventListener, target, [type, f]);
  const isUp = (d: A) => isObject(d) && hasOwn(d, KEY) && (d as A)[KEY] === 0;
  /** The realm to a worker (the realm in the window may then send it tracks: while it starts, they
   * wait in its queue of messages; if it fails to start, it is given up again above). */
  const give = (b: Boot) => {
    apply(nativePost, b.w, [[b.token, released ? `(${released})(null,${toJson(b.href)});` : ""]]);
    if (released && !b.x) pre.adopt?.(b.w);
  };
  const boot = (token: string, src: string, module: boolean) => {
    const load = (url: string) => module ? `await import(${url});` : `importScripts(${url});`;
    return `(function(){var T=${toJson(token)},q=[],s=self,M="message",P=Event.prototype.stopImmediatePropagation,` +
      `D=Object.getOwnPropertyDescriptor(MessageEvent.prototype,"data").get;` +
      `function on(e){var d=D.call(e);P.call(e);if(Array.isArray(d)&&d[0]===T&&d.length===2){s.removeEventListener(M,on);go(d[1])}else q[q.length]=e}` +
      `${module ? "async " : ""}function go(t){if(t)try{${load(`URL.createObjectURL(new Blob([t],{type:"text/javascript"}))`)}}catch(x){}` +
      `${load(toJson(src))}for(var i=0;i<q.length;i++)s.dispatchEvent(new MessageEvent(M,{data:D.call(q[i]),ports:q[i].ports}))}` +
      `s.addEventListener(M,on);s.postMessage({${toJson(KEY)}:0})})()`;
  };

  wrapMethod(WP, "postMessage", (native, self, args) => {
    const b = apply(weakMapGet, byWorker, [self]) as Boot | undefined;
    if (b?.x) return apply(native, b.x, args);
    const result = apply(native, self, args);
    // A copy for a native worker, should this one fail to start (see above).
    if (b && b.q && (args.length < 2 || args[1] === undefined)) {
      try {
        setOwn(b.q, b.q.length, apply(pre.SC, globalThis, [args[0]]));
      } catch {
        // (Posted already: it threw there first if it could not be cloned.)
      }
    }
    return result;
  });
  wrapMethod(WP, "terminate", (native, self, args) => {
    const b = apply(weakMapGet, byWorker, [self]) as Boot | undefined;
    if (b) {
      b.q = null;
      if (b.x) apply(native, b.x, []);
    }
    return apply(native, self, args);
  });

  return {
    make(args: unknown[], newTarget: Function): object {
      const opts = args[1] as { type?: unknown } | undefined;
      let href: string, src: string, module = false, url: string;
      const token = randomId();
      try {
        if (!args.length) throw 0;
        module = isObject(opts) && (opts as A).type === "module";
        if (blocked[+module]) throw 0;
        const u = new URLCtor(args[0] as string, document.baseURI);
        if (u.origin !== location.origin) throw 0;
        href = u.href;
        src = href;
        if (u.protocol === "blob:") {
          const blob = pre.blobs.get(href);
          if (!blob) throw 0;
          src = apply(createUrl, URLCtor, [blob]) as string;
        }
        url = apply(createUrl, URLCtor, [new Blob([boot(token, src, module)], { type: "text/javascript" })]) as string;
      } catch {
        return construct(NativeWorker, args, newTarget) as object;
      }
      let w: object;
      try {
        w = construct(NativeWorker, args.length > 1 ? [url, args[1]] : [url], newTarget) as object;
      } catch {
        return construct(NativeWorker, args, newTarget) as object;
      } finally {
        apply(revokeUrl, URLCtor, [url]);
      }
      const b: Boot = { w, token, href, args, q: [], up: false };
      apply(weakMapSet, byWorker, [w, b]);
      on(w, "message", (e) => {
        if (!isUp(apply(nativeData, e, []))) return;
        apply(stopImmediatePropagation, e, []);
        b.up = true;
        b.q = null;
      });
      on(w, "error", (e) => {
        if (b.up || b.x) return;
        apply(stopImmediatePropagation, e, []);
        apply(preventDefault, e, []);
        blocked[+module] = true;
        pre.adopt?.(w, 1);
        try {
          const x = b.x = construct(NativeWorker, args) as object;
          const relay = (type: string, C: A) => on(x, type, (f) => apply(dispatchEvent, w, [new C(type, f)]));
          relay("message", MessageEvent);
          relay("messageerror", MessageEvent);
          relay("error", ErrorEvent);
          const q = b.q || [];
          for (let i = 0; i < q.length; i++) apply(nativePost, x, [q[i]]);
        } catch {
          // (No worker at all, as natively when the script cannot load.)
        }
        b.q = null;
      });
      if (released === undefined) setOwn(waiting, waiting.length, b);
      else give(b);
      return w;
    },
    /** The pack came (`text`, the realm's source) or cannot come (""). */
    release(text: string): void {
      if (released !== undefined) return;
      released = text;
      const list = waiting;
      waiting = [];
      for (let i = 0; i < list.length; i++) give(list[i]);
    },
  };
}
