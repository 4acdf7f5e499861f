/**
 * Transferable MediaStreamTrack and MediaStream in dedicated workers (issue 6), for one realm: the
 * page's window (called by the main-world script) or a dedicated worker the page creates (this
 * function's own source text runs there first, before the worker's script; see "The main-world
 * script" in docs/ARCHITECTURE.md). It must therefore stay self-contained: no imports, no
 * references outside its body.
 *
 * Sending. A postMessage/structuredClone whose transfer list (an array) holds no track goes to the
 * native function untouched. Otherwise the message is sent as an envelope {KEY: [message with each
 * track replaced by an empty ArrayBuffer, those buffers, one descriptor per track]}, the buffers
 * standing in for the tracks in the transfer list (so the native checks and their index numbers stay
 * the native ones), and the original track is detached: readyState "ended", no `ended` event.
 * - To this very window (window.postMessage, structuredClone): the descriptor is a key to a
 *   native clone of the track kept here; the clone reports the original's id.
 * - Anywhere else (workers, MessagePorts): the descriptor carries the transfer steps' data holder
 *   (id, kind, label, enabled, muted, readyState, contentHint, constraints, settings, capabilities)
 *   and a MessagePort to the source. The source context keeps a hidden clone of the track, reads it
 *   with MediaStreamTrackProcessor and posts the frames on demand; the receiver gets a worker
 *   track (worker) or a MediaStreamTrackGenerator track overlaid with the source's id, label,
 *   settings, capabilities and constraints (window). applyConstraints, stop, enabled go back over
 *   the port; mute/unmute/ended and configurationchange (with the new settings, constraints and
 *   capabilities) come forward. The source context holds a Web Lock; receivers wait
 *   on it, so their tracks end when the source context goes away.
 * Receiving: MessageEvent's `data` getter decodes an envelope once (cached per envelope) and
 * `ports` leaves out the extension's ports.
 *
 * Workers: the Worker constructor runs a blob whose script is this function, then the worker's own
 * script (importScripts, or import() for module workers). The worker reports ready with a first
 * message only the extension sees; until then messages posted to it wait here. If the blob cannot
 * start (a CSP without blob: in worker-src fails it asynchronously, with an `error` event), a native
 * worker is made from the original URL and stands behind the object the page holds; it gets none of
 * this.
 */
type A = any;

export function mediaRealm(host: A, base?: string, pre?: A): void {
  // pre: built-ins the window's main-world script captured at document start, when this realm is
  // installed later (see install.ts); a worker runs this first thing and reads its own.
  const P: A = pre || {};
  const g: A = globalThis, R: A = P.R || Reflect, apply = R.apply, construct = R.construct, defProp = R.defineProperty,
    gopd = R.getOwnPropertyDescriptor, getProto = R.getPrototypeOf, setProto = R.setPrototypeOf, ownKeys = R.ownKeys,
    isArray = P.isArray || Array.isArray, Prx = P.Proxy || Proxy, TE = P.TypeError || TypeError, DE = DOMException,
    Prom = P.Promise || Promise, U = URL, OP = Object.prototype,
    KEY = "\u2060mst", VIDEO = "video", LIVE = "live", ENDED = "ended";
  // Private copies of the collections: later changes to their prototypes do not reach them.
  // (With `pre`, the prototypes' members as they were at document start: pre.colls[i] = [keys, descriptors].)
  const safe = (C: A, i: number): A => {
    const S = class extends C {}, p = C.prototype, k = P.colls ? P.colls[i][0] : ownKeys(p);
    for (let j = 0; j < k.length; j++) if (k[j] !== "constructor") defProp(S.prototype, k[j], P.colls ? P.colls[i][1][j] : gopd(p, k[j])!);
    return S;
  };
  const WM = safe(WeakMap, 0), Mp = safe(Map, 1), St = safe(Set, 2);
  const noop = () => {}, pThen = P.then || Prom.prototype.then, hasOwnP = P.hasOwn || OP.hasOwnProperty, tagOf = P.tag || OP.toString;
  /** p.then(f, r) with the captured `then`; without `r` a rejection passes on. */
  const then = (p: A, f: A, r?: A) => apply(pThen, p, r ? [f, r] : [f]);
  const hasOwn = (o: A, k: A) => apply(hasOwnP, o, [k]);
  const dv = (value: A): A => ({ __proto__: null, value, writable: true, enumerable: false, configurable: true });
  const setv = (o: A, k: A, v: A) => defProp(o, k, { __proto__: null, ...dv(v), enumerable: true });
  const getter = (p: A, k: string) => gopd(p, k)!.get!;
  const call = (f: A, t: A, ...a: A[]): A => apply(f, t, a);
  const isA = (x: A, p: A) => { for (let q = x; (q = getProto(q)); ) if (q === p) return 1; };
  const includes = (list: A[], x: A) => { for (let i = 0; i < list.length; i++) if (list[i] === x) return 1; };
  const SP = String.prototype, sIndexOf = P.indexOf || SP.indexOf, sSlice = P.slice || SP.slice, aPush = P.push || Array.prototype.push;
  const push = (a: A[], v: A) => call(aPush, a, v);
  const J = P.J || JSON.stringify, ArrayBuf = ArrayBuffer, Arr = Array, freeze = Object.freeze, aShift = P.shift || Array.prototype.shift,
    TAG = Symbol.toStringTag, ITERATOR = Symbol.iterator;
  const resolved = () => new Prom((ok: A) => ok());

  // Function.prototype.toString prints native code for the functions made here.
  const FP = Function.prototype, fts = P.fts || FP.toString, texts = new WM();
  // In a window, the main-world script's own wrapping (P.wrap, P.text: src/lib/wrap.ts) is used:
  // its wrappers stay in place, and this realm's go behind them (a page that replaced a member
  // keeps its replacement, which calls them).
  const nativeText = (f: A, name?: string) => {
    const text = name ? `function ${name}() { [native code] }` : call(fts, f);
    P.text ? P.text(f, text) : texts.set(f, text);
  };
  if (!P.wrap) {
    // (Wraps what Function.prototype.toString is now: a page's own replacement stays in charge.)
    const ts = new Prx(FP.toString, { __proto__: null, apply: (t: A, s: A, a: A) => texts.has(s) ? texts.get(s) : apply(t, s, a) } as A);
    texts.set(ts, call(fts, fts));
    defProp(FP, "toString", { ...gopd(FP, "toString"), value: ts });
  }
  /** Replaces o[k] (or its getter) by a Proxy of it whose calls go to impl(native, this, args); returns the native. */
  const wrap = (o: A, k: string, impl: A, half = "value"): A => {
    if (P.wrap) return o && P.wrap(o, k, half, impl);
    const d: A = o && gopd(o, k), f = d && d[half];
    if (typeof f !== "function") return;
    const p = new Prx(f, { __proto__: null, apply: impl } as A);
    texts.set(p, call(fts, f));
    d[half] = p;
    defProp(o, k, d);
    return f;
  };
  const holder = (o: A, k: string): A => { for (; o; o = getProto(o)) if (gopd(o, k)) return o; };

  // Events and messaging built-ins.
  const Ev = P.Event || Event, EvP = Ev.prototype, ET = EventTarget.prototype, addL = P.addL || ET.addEventListener,
    remL = P.remL || ET.removeEventListener, dispatch = P.dispatch || ET.dispatchEvent, stopNow = P.stopNow || EvP.stopImmediatePropagation,
    prevent = P.prevent || EvP.preventDefault;
  const on = (t: A, type: string, f: A) => call(addL, t, type, f);
  const fire = (t: A, type: string) => call(dispatch, t, new Ev(type));
  /** A receiver's state `d` takes the source's new configuration ({c: [settings, constraints,
   * capabilities]}, sent when the source heard `configurationchange`); true if it did. */
  const CHANGE = "configurationchange", changed = (d: A, x: A) => isArray(x) && x.length === 3 && (d.s = x[0], d.c = x[1], d.p = x[2], 1);
  const ME = MessageEvent, MEP = ME.prototype, EE = ErrorEvent, MC = MessageChannel, MPP = MessagePort.prototype;
  const portPost = P.portPost || MPP.postMessage, portClose = P.portClose || MPP.close,
    setOnMessage = P.setOnMessage || gopd(MPP, "onmessage")!.set!;
  const nativeData = getter(MEP, "data"), eventOrigin = getter(MEP, "origin");
  const scHolder = holder(g, "structuredClone"), SC = P.SC || g.structuredClone;
  const clone = (v: A, o?: A) => call(SC, g, v, o);
  const post = (o: A, v: A, t?: A) => call(portPost, o, v, t || []);
  const listen = (o: A, f: A) => call(setOnMessage, o, (e: A) => f(call(nativeData, e)));
  const channel = () => new MC();
  const VFP = VideoFrame.prototype, ADP = AudioData.prototype, CLOSE = 0, CLONE = 1;
  const frameOps = P.frameOps || [[VFP.close, VFP.clone], [ADP.close, ADP.clone]];
  const isFrame = (v: A) => typeof v === "object" && v !== null && (getProto(v) === VFP || getProto(v) === ADP);
  const frameOp = (f: A, k: number) => call(frameOps[getProto(f) === VFP ? 0 : 1][k], f);
  const crypt = g.crypto, randomUUID = Crypto.prototype.randomUUID, uuid = () => call(randomUUID, crypt) as string;
  const locks = g.navigator.locks, lockRequest = g.LockManager && LockManager.prototype.request;
  const setT = P.setT || setTimeout, clearT = P.clearT || clearTimeout, AbortCtl = AbortController, abort = AbortCtl.prototype.abort, abortSignal = getter(AbortCtl.prototype, "signal");
  const ORIGIN = base ? new U(base).origin : g.location.origin;

  // ---- Web Locks: a receiver's track ends when its source context goes away. ----
  let lockName: string, lockHeld = 0;
  const lockWaiting = new St();
  const lockOut = (o: A) => {
    if (!locks) return;
    if (!lockName) {
      lockName = uuid();
      then(call(lockRequest, locks, lockName, () => {
        lockHeld = 1;
        lockWaiting.forEach((p: A) => post(p, { L: lockName }));
        lockWaiting.clear();
        return new Prom(noop);
      }), noop, noop);
    }
    lockHeld ? post(o, { L: lockName }) : lockWaiting.add(o);
  };
  /** Runs `end` once the lock `name` is free (its holder went away); returns what cancels that. */
  const lockWatch = (name: A, end: A) => {
    const c = new AbortCtl();
    if (locks && typeof name === "string") {
      then(call(lockRequest, locks, name, { __proto__: null, signal: call(abortSignal, c) }, () => { end(); }), noop, noop);
    }
    return () => call(abort, c);
  };
  /**
   * Both ends of a port say which lock they hold ({L}); the source (`o` given) answers with its own.
   * A receiver's port may move to another context ({L: 0} first, then the new holder's lock), and
   * the old holder's lock may free before that message arrives: so the source asks ({q}) and ends
   * only if no one answers within a second.
   */
  const watcher = (end: A, o?: A) => {
    let cancel: A, timer: A;
    return (name: A) => {
      cancel && cancel();
      timer && call(clearT, g, timer);
      timer = 0;
      cancel = lockWatch(name, o ? () => {
        post(o, { q: 1 });
        timer = call(setT, g, end, 1000);
      } : end);
      o && lockOut(o);
    };
  };

  // ---- Realm-specific track operations, filled in below. ----
  let isTrack: (x: A) => A;
  /** The data holder of a track about to be transferred elsewhere, what to do once it is sent, and
   * what undoes it if sending fails. */
  let describe: (t: A, out: A[]) => [A, () => void, () => void];
  /** Transfer-receiving steps for a descriptor. */
  let receive: (d: A) => A;
  /** Same-window transfer (window only): a key for the clone made at commit. */
  let keep: ((t: A, ok: boolean) => [string, () => void]) | undefined;
  const detached = new WM();

  // ---- Sending ----
  /** A copy of the message's arrays and plain objects with the tracks replaced (everything else is shared). */
  const copyOut = (v: A, swap: A, memo: A): A => {
    if (typeof v !== "object" || v === null) return v;
    if (swap.has(v)) return swap.get(v);
    if (memo.has(v)) return memo.get(v);
    const list = isArray(v);
    if (!list && call(tagOf, v) !== "[object Object]") return v;
    const c = list ? new Arr(v.length) : {}, keys = ownKeys(v);
    memo.set(v, c);
    for (let i = 0; i < keys.length; i++) {
      const d = typeof keys[i] === "string" && gopd(v, keys[i]);
      if (d && d.enumerable) setv(c, keys[i], copyOut(v[keys[i]], swap, memo));
    }
    return c;
  };
  const cloneError = (native: A, self: A, text: string) => {
    let prefix = "";
    try {
      apply(native, self, [0, { transfer: [{}] }]);
    } catch (e: A) {
      prefix = e.message;
      prefix = call(sSlice, prefix, 0, call(sIndexOf, prefix, "Value"));
    }
    return new DE(prefix + text, "DataCloneError");
  };
  /**
   * postMessage/structuredClone with tracks. `at` is where a transfer sequence may be (1, 2 for
   * Window.postMessage, 0 for structuredClone). Mode bits: 1 the receiver is this window (clones are
   * kept here), 2 the result is decoded at once (structuredClone).
   */
  const send = (native: A, self: A, a: A, at: number, mode: number): A => {
    let list: A, opts: A;
    if (at === 2 ? a.length > 2 : at && isArray(a[1])) list = a[at];
    else if (typeof (opts = a[1]) === "object" && opts !== null) list = gopd(opts, "transfer")?.value;
    let i = 0;
    if (isArray(list)) while (i < list.length && !isTrack(list[i])) i++;
    if (!isArray(list) || i >= list.length) return apply(native, self, a);
    const swap = new Mp(), out: A[] = [], holders: A[] = [], descs: A[] = [], commits: A[] = [], undo: A[] = [];
    for (i = 0; i < list.length; i++) {
      const x = list[i];
      if (isTrack(x)) {
        if (detached.has(x)) throw cloneError(native, self, `MediaStreamTrack at index ${i} is already detached.`);
        if (swap.has(x)) throw cloneError(native, self, `MediaStreamTrack at index ${i} is a duplicate of an earlier MediaStreamTrack.`);
        swap.set(x, new ArrayBuf(0));
      }
      setv(out, i, swap.has(x) ? swap.get(x) : x);
    }
    let deliver = true;
    if (mode === 1) {
      const to = at === 2 && a.length > 2 || typeof a[1] === "string" ? a[1] : opts ? opts.targetOrigin : "/";
      try {
        deliver = to === "*" || to === "/" || new U(to).origin === ORIGIN;
      } catch {}
    }
    swap.forEach((b: A, t: A) => {
      const x = mode & 1 ? keep!(t, deliver) : describe(t, out);
      push(holders, b);
      push(descs, x[0]);
      push(commits, x[1]);
      push(undo, x[2] || noop);
    });
    const env = {};
    setv(env, KEY, [copyOut(a[0], swap, new Mp()), holders, descs]);
    const args = [env];
    for (let j = 1; j < a.length; j++) setv(args, j, a[j]);
    if (opts && !(at === 2 && a.length > 2)) args[1] = { ...opts, transfer: out };
    else setv(args, at, out);
    let result;
    try {
      result = apply(native, self, args);
    } catch (e) {
      for (let j = 0; j < undo.length; j++) undo[j]();
      throw e;
    }
    for (let j = 0; j < commits.length; j++) commits[j]();
    return mode & 2 ? decode(result) : result;
  };

  // ---- Receiving ----
  const isEnvelope = (d: A) => typeof d === "object" && d !== null && hasOwn(d, KEY);
  const fill = (v: A, map: A, seen: A) => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if (!isArray(v) && call(tagOf, v) !== "[object Object]") return;
    const keys = ownKeys(v);
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]];
      if (map.has(x)) setv(v, keys[i], map.get(x));
      else fill(x, map, seen);
    }
  };
  function decode(d: A) {
    const e = d[KEY], m = e[0], holders = e[1], descs = e[2], map = new Mp();
    for (let i = 0; i < holders.length; i++) map.set(holders[i], receive(descs[i]));
    if (map.has(m)) return map.get(m);
    fill(m, map, new St());
    return m;
  }
  const decoded = new WM();
  const dataGet = wrap(MEP, "data", (t: A, ev: A, a: A) => {
    const d = apply(t, ev, a);
    if (!isEnvelope(d)) return d;
    let c = decoded.get(d);
    if (!c) {
      decoded.set(d, c = [d]);
      const origin = call(eventOrigin, ev);
      try {
        if (origin === "" || origin === ORIGIN) c[0] = decode(d);
      } catch {}
    }
    return c[0];
  }, "get");
  wrap(MEP, "ports", (t: A, ev: A, a: A) => {
    const p = apply(t, ev, a), d = call(dataGet, ev);
    if (!isEnvelope(d) || !p.length) return p;
    let c = decoded.get(d);
    if (!c) decoded.set(d, c = [d]);
    if (!c[1]) {
      const ours = new St(), descs = d[KEY][2], kept: A[] = [];
      for (let i = 0; i < descs.length; i++) ours.add(descs[i]?.o);
      for (let i = 0; i < p.length; i++) if (!ours.has(p[i])) push(kept, p[i]);
      c[1] = freeze(kept);
    }
    return c[1];
  }, "get");

  // ---- Wrapped senders ----
  const hook = (o: A, k: string, at: number, mode: number) =>
    wrap(o, k, (t: A, s: A, a: A) => send(t, s, a, at, mode));
  hook(MPP, "postMessage", 1, 0);
  hook(scHolder, "structuredClone", 0, base ? 2 : 3);
  if (base) hook(g, "postMessage", 1, 0);
  else wrap(g, "postMessage", (t: A, s: A, a: A) => send(t, s, a, 2, s === g ? 1 : 0));

  // ---- Source side: one feeder per port, which posts frames while the receiver wants them. ----
  /** Answers applyConstraints from a receiver: [id, error or 0, settings, constraints, capabilities]. */
  const answer = (o: A, id: A, p: A, state: () => A[]) =>
    then(p, () => {
      const x = state();
      post(o, { r: [id, 0, x[0], x[1], x[2]] });
    },
      (e: A) => post(o, { r: [id, [e?.name, e?.message, e?.constraint]] }));
  const OCE = g.OverconstrainedError;
  const failure = (x: A) => {
    const over = x[0] === "OverconstrainedError";
    if (over && OCE) return new OCE(x[2], x[1]);
    const e = x[0] === "TypeError" ? new TE(x[1]) : new DE(x[1], x[0]);
    // (No OverconstrainedError interface in workers: a DOMException of that name, with `constraint`.)
    if (over) defProp(e, "constraint", dv(x[2]));
    return e;
  };
  /** applyConstraints sent to the source, answered with [id, error, settings, constraints, capabilities]. */
  const ask = (o: A, replies: A, c: A) => new Prom((ok: A, fail: A) => {
    const id = uuid();
    replies.set(id, (x: A) => {
      if (x[1]) return fail(failure(x[1]));
      ok(x);
    });
    try {
      post(o, { a: [id, c === undefined ? {} : c] });
    } catch (e) {
      replies.delete(id);
      fail(e);
    }
  });
  const replied = (replies: A, x: A) => {
    const f = replies.get(x[0]);
    if (f) {
      replies.delete(x[0]);
      f(x);
    }
  };

  // ---- Workers created here start with this function (both realms). ----
  const NW = g.Worker;
  const workers = new WM();
  // Workers the window's main-world script started before this realm came (src/transfer/install.ts).
  // (`drop`: it failed to start after all, CSP.)
  if (pre) P.adopt = (w: A, drop?: number) => drop ? workers.delete(w) : workers.set(w, { q: null, f: 0 });
  const blobs = P.blobs || new Mp();
  let workerText: string;
  if (NW) {
    const WP = NW.prototype, wPost = WP.postMessage, Bl = Blob, curl = U.createObjectURL, rurl = U.revokeObjectURL;
    wrap(U, "createObjectURL", (t: A, s: A, a: A) => {
      const u = apply(t, s, a);
      if (isA(a[0], Bl.prototype)) blobs.set(u, a[0]);
      return u;
    });
    wrap(U, "revokeObjectURL", (t: A, s: A, a: A) => {
      blobs.delete(a[0]);
      return apply(t, s, a);
    });
    const baseURI = base ? () => base : (d => () => call(d, document))(getter(Node.prototype, "baseURI"));
    const relay = (from: A, to: A, type: string) => on(from, type, (e: A) => {
      const C = getProto(e) === MEP ? ME : getProto(e) === EE.prototype ? EE : Ev, c = new C(type, e);
      call(dispatch, to, c);
      if (c.defaultPrevented) call(prevent, e);
    });
    // Whether blob workers (classic, module) start in this document: 0 not known yet, 1 yes, 2 no
    // (CSP); with 2 the page's workers are made natively at once (no further CSP violation).
    const known = [0, 0];
    let preludeModule: string;
    const Wp = new Prx(NW, {
      __proto__: null,
      construct(t: A, a: A, nt: A) {
        let href: string, opts = a[1], module = 0, blob, made: A;
        try {
          if (!a.length) throw 0;
          const u = new U(a[0], baseURI());
          href = u.href;
          module = +(opts?.type === "module");
          blob = blobs.get(href);
          if (known[module] > 1 || u.origin !== ORIGIN || u.protocol === "blob:" && !blob) throw 0;
        } catch {
          return construct(t, a, nt);
        }
        workerText ??= call(fts, mediaRealm);
        const type = { type: "text/javascript" };
        // A module worker imports this function's module, then its own (a blob's copy): static
        // imports, so that its messages wait for its whole module graph, as natively.
        if (module) preludeModule ??= call(curl, U, new Bl([`(${workerText})(null,decodeURIComponent(import.meta.url.split("#")[1]))`], type));
        const url = call(curl, U, new Bl(module ? [`import ${J(preludeModule + "#" + encodeURIComponent(href!))};import ${J(blob ? call(curl, U, blob) : href!)};`]
          : [`(${workerText})(null,${J(href!)});\n`, blob || `importScripts(${J(href!)})`], type));
        try {
          made = construct(t, a.length > 1 ? [url, opts] : [url], nt);
        } catch {
          return construct(t, a, nt);
        } finally {
          call(rurl, U, url);
        }
        // q: messages kept until the worker says it started, while it is not known whether blob
        // workers start here; f: the blob may still fail to start (no word from it yet).
        const st: A = { q: known[module] ? null : [], f: 1 };
        workers.set(made, st);
        on(made, "message", (e: A) => {
          const v = call(nativeData, e);
          if (st.f && isEnvelope(v) && v[KEY] === 0) {
            call(stopNow, e);
            st.f = 0;
            known[module] = 1;
            flush(st, wPost, made);
          }
        });
        on(made, "error", (e: A) => {
          if (!st.f) return;
          // The blob did not start (CSP): the page's own worker, natively, behind the same object.
          call(stopNow, e);
          call(prevent, e);
          known[module] = 2;
          const q = st.q || [];
          st.q = null;
          st.f = 0;
          try {
            const x = st.x = construct(NW, a);
            relay(x, made, "message");
            relay(x, made, "messageerror");
            relay(x, made, "error");
            for (let i = 0; i < q.length; i++) {
              const m = q[i][0];
              if (isEnvelope(m)) {
                const descs = m[KEY][2];
                for (let j = 0; j < descs.length; j++) descs[j]?.o && post(descs[j].o, { s: 1 });
              } else apply(wPost, x, q[i]);
            }
          } catch {}
        });
        return made;
      },
    } as A);
    nativeText(Wp, "Worker");
    defProp(g, "Worker", { ...gopd(g, "Worker"), value: Wp });
    defProp(WP, "constructor", { ...gopd(WP, "constructor"), value: Wp });
    const flush = (st: A, post: A, to: A) => {
      const q = st.q;
      st.q = null;
      for (let i = 0; q && i < q.length; i++) apply(post, to, q[i]);
    };
    const plain = [ArrayBuf.prototype, MPP];
    /**
     * Until the worker's script has run (first worker of a document), messages are serialized now and
     * posted then, so that a native worker can have them if the blob fails. Only with nothing but
     * ArrayBuffers and MessagePorts to transfer: others (streams, frames ...) would not be the same
     * once re-serialized, so such a message and all kept ones go to the worker now.
     */
    const later = (st: A, native: A, self: A) => function (...a: A[]) {
      const x = a[1], head = "Failed to execute 'postMessage' on 'Worker': ", dict = "Failed to read the 'transfer' property from 'StructuredSerializeOptions': ";
      // Worker.postMessage's overloads, then structuredClone's errors worded as postMessage's.
      const seq = typeof x === "object" && x !== null && ITERATOR in x;
      if (!seq && x != null && typeof x !== "object" && typeof x !== "function") throw new TE(head + "Overload resolution failed.");
      const o = seq ? { transfer: x } : x ?? {}, list = seq ? x : typeof o === "object" && gopd(o, "transfer")?.value;
      let i = 0;
      if (isArray(list)) while (i < list.length && typeof list[i] === "object" && list[i] && includes(plain, getProto(list[i]))) i++;
      if (list && (!isArray(list) || i < list.length)) {
        flush(st, native, self);
        return apply(native, self, a);
      }
      try {
        const c = clone([a[0], o.transfer], o);
        st.q && push(st.q, c);
      } catch (e: A) {
        let text = e?.message;
        const i = typeof text === "string" ? call(sIndexOf, text, "': ") : -1;
        if (i < 0) throw e;
        text = call(sSlice, text, i + 3);
        if (seq && call(sIndexOf, text, dict) === 0) text = call(sSlice, text, dict.length);
        throw e.name === "TypeError" ? new TE(head + text) : new DE(head + text, e.name);
      }
    };
    wrap(WP, "postMessage", (t: A, s: A, a: A) => {
      const st = workers.get(s);
      if (!st) return apply(t, s, a);
      if (st.x) return apply(t, st.x, a);
      return send(st.q ? later(st, t, s) : t, s, a, 1, 0);
    });
    wrap(WP, "terminate", (t: A, s: A, a: A) => {
      const st = workers.get(s);
      if (st) {
        st.q = null;
        st.f = 0;
        st.x && apply(t, st.x, a);
      }
      return apply(t, s, a);
    });
  }

  if (!base) {
    // ================= Window =================
    const TP: A = MediaStreamTrack.prototype, trackReadyState = getter(TP, "readyState");
    const idOf = new WM(), overlay = new WM(), family = new WM(), kept = new Mp();
    isTrack = (x: A) => {
      if (typeof x !== "object" || x === null) return;
      for (let p = getProto(x); p; p = getProto(p)) {
        if (p === TP || gopd(p, TAG)?.value === "MediaStreamTrack") {
          try {
            call(trackReadyState, x);
            return 1;
          } catch {
            return;
          }
        }
      }
    };
    // Received tracks read as the source's track.
    wrap(TP, "id", (t: A, s: A, a: A) => idOf.has(s) ? idOf.get(s) : apply(t, s, a), "get");
    const over = (k: string, read: (o: A) => A, half = "value") =>
      wrap(TP, k, (t: A, s: A, a: A) => {
        const o = overlay.get(s);
        return o ? read(o) : apply(t, s, a);
      }, half);
    over("label", (o) => o.d.l, "get");
    over("muted", (o) => o.m, "get");
    over("getSettings", (o) => clone(o.d.s));
    over("getCapabilities", (o) => clone(o.d.p));
    over("getConstraints", (o) => clone(o.d.c));
    wrap(TP, "applyConstraints", (t: A, s: A, a: A) => {
      const o = overlay.get(s);
      if (!o || call(trackReadyState, s) !== LIVE) return apply(t, s, a);
      return then(ask(o.o, o.q, a[0]), (x: A) => {
        o.d.s = x[2];
        o.d.c = x[3];
        o.d.p = x[4];
      });
    });
    wrap(TP, "stop", (t: A, s: A, a: A) => {
      const r = apply(t, s, a), o = overlay.get(s);
      if (o && o.ts.delete(s) && !o.ts.size) {
        post(o.o, { s: 1 });
        call(portClose, o.o);
      }
      return r;
    });
    wrap(TP, "clone", (t: A, s: A, a: A) => {
      const c = apply(t, s, a), o = overlay.get(s), f = family.get(s);
      if (o && call(trackReadyState, c) === LIVE) {
        overlay.set(c, o);
        o.ts.add(c);
      }
      if (f) {
        setProto(c, getProto(s));
        family.set(c, f);
        f.add(c);
      }
      return c;
    });
    // Read through the wrappers installed so far (labels may be hidden, clones are tracked).
    const M: A = {}, G: A = {};
    for (const k of ["clone", "stop", "getSettings", "getCapabilities", "getConstraints", "applyConstraints"]) M[k] = TP[k];
    for (const k of ["id", "kind", "label", "enabled", "muted", "readyState", "contentHint"]) G[k] = getter(TP, k);
    const read = (t: A, k: string) => call(G[k], t);
    const setEnabled = gopd(TP, "enabled")!.set!, setHint = gopd(TP, "contentHint")!.set!;
    const ours = (t: A) => isA(t, TP);
    /** The same-origin window (in this tab's frame tree) whose realm has the prototype `p`. */
    const windowOf = (p: A, w: A = g.top): A => {
      try {
        if (isA(p, w.MediaStreamTrack.prototype) || p === w.MediaStreamTrack.prototype) return w;
      } catch {}
      for (let i = 0; i < w.length; i++) {
        const found = windowOf(p, w[i]);
        if (found) return found;
      }
    };
    /** The track's own realm does the clone and stop (its tracking and context). */
    /** `f` runs when the page of the window whose realm made `t` goes away (not this one). */
    const gone = (t: A, f: A) => {
      const w = ours(t) || windowOf(getProto(t));
      w && w !== 1 && on(w, "pagehide", f);
    };
    const op = (t: A, k: string, ...a: A[]) => apply(ours(t) ? M[k] : t[k], t, a);
    const detach = (t: A) => {
      detached.set(t, 1);
      op(t, "stop");
    };

    keep = (t, ok) => {
      const key = uuid();
      return [key, () => {
        // This realm's clone: a foreign track's clone is made in its own context, untracked there.
        const c = call(M.clone, t);
        idOf.set(c, read(t, "id"));
        host?.moved(t, c);
        if (!ours(t)) {
          // Made in the track's own context (another window's): it ends, without an event, when that
          // context goes away; its page's pagehide ends it here with one.
          setProto(c, TP);
          const f = new St();
          f.add(c);
          family.set(c, f);
          host?.adopt(c);
          gone(t, () => f.forEach((x: A) => {
            if (call(trackReadyState, x) === LIVE) {
              op(x, "stop");
              fire(x, ENDED);
            }
          }));
          // ... and it must not outlive this page either.
          on(g, "pagehide", () => f.forEach((x: A) => op(x, "stop")));
        }
        detach(t);
        ok ? kept.set(key, c) : op(c, "stop");
      }];
    };

    const MSTP = g.MediaStreamTrackProcessor, MSTG = g.MediaStreamTrackGenerator;
    const readable = getter(MSTP.prototype, "readable"), writable = getter(MSTG.prototype, "writable");
    const streamOps = P.streamOps || [ReadableStream.prototype.getReader, ReadableStreamDefaultReader.prototype.read,
      ReadableStreamDefaultReader.prototype.cancel, WritableStream.prototype.getWriter, WritableStreamDefaultWriter.prototype.write];
    const getReader = streamOps[0], read1 = streamOps[1], cancel = streamOps[2], getWriter = streamOps[3], write = streamOps[4];
    const stateOf = (t: A) => [op(t, "getSettings"), op(t, "getConstraints"), op(t, "getCapabilities")];

    /** Frames of `t` (a hidden clone of it) to port `o`, while the receiver asks for them. */
    const feed = (t: A, o: A) => {
      const h = op(t, "clone");
      let reader: A, want = 0, busy = 0, done = 0;
      const pump = () => {
        if (done || !want || busy) return;
        reader ??= call(getReader, call(readable, construct(MSTP, [{ __proto__: null, track: h }])));
        busy = 1;
        then(call(read1, reader), (r: A) => {
          busy = 0;
          if (r.done) return end();
          if (done || !want) return frameOp(r.value, CLOSE);
          // The frame's metadata here (e.g. face segments) travels with it.
          const x = host.meta(r.value);
          post(o, x ? { f: r.value, x } : r.value, [r.value]);
          pump();
        }, noop);
      };
      const end = () => {
        if (done) return;
        done = 1;
        reader && then(call(cancel, reader), noop, noop);
        op(h, "stop");
        post(o, { e: 1 });
        call(portClose, o);
      }, sink = watcher(end, o);
      on(h, "mute", () => post(o, { m: 1 }));
      on(h, "unmute", () => post(o, { m: 0 }));
      on(h, ENDED, end);
      // The hidden clone is one of this window's tracks on the camera: it hears configurationchange
      // as the page's own would (src/track/configuration-change.ts), and the receiver with it.
      on(h, CHANGE, () => {
        try {
          done || post(o, { c: stateOf(h) });
        } catch {}
      });
      // The hidden clone lives in the track's own context: end it with the track's page or this one.
      gone(t, end);
      on(g, "pagehide", end);
      listen(o, (v: A) => {
        if (done || typeof v !== "object" || v === null) return;
        if (hasOwn(v, "d")) {
          want = v.d;
          pump();
        } else if (v.s) end();
        else if (v.L) sink(v.L); else if (hasOwn(v, "n")) call(setEnabled, h, !!v.n);
        else if (v.a) answer(o, v.a[0], op(h, "applyConstraints", v.a[1]), () => stateOf(h));
        else if (v.t) feed(h, v.t);
      });
      return h;
    };

    describe = (t, out) => {
      const r = read(t, "readyState"), x = stateOf(t);
      const d: A = { i: read(t, "id"), k: read(t, "kind"), l: read(t, "label"), e: read(t, "enabled"), m: read(t, "muted"),
        r, h: read(t, "contentHint"), s: x[0], c: x[1], p: x[2] };
      let port: A;
      if (r === LIVE) {
        const ch = channel();
        d.o = ch.port2;
        port = ch.port1;
        push(out, d.o);
      }
      return [d, () => {
        if (port) host.moved(t, feed(t, port));
        detach(t);
      }, () => port && call(portClose, port)];
    };

    receive = (d) => {
      if (typeof d === "string") {
        const c = kept.get(d);
        kept.delete(d);
        return c;
      }
      const t = construct(MSTG, [{ __proto__: null, kind: d.k }]);
      idOf.set(t, d.i);
      call(setEnabled, t, d.e);
      call(setHint, t, d.h);
      if (d.r !== LIVE || !d.o) {
        op(t, "stop");
        return t;
      }
      const o: A = { d, o: d.o, m: d.m, ts: new St(), q: new Mp() }, w = call(getWriter, call(writable, t));
      o.ts.add(t);
      overlay.set(t, o);
      const end = () => {
        o.ts.forEach((x: A) => {
          op(x, "stop");
          fire(x, ENDED);
        });
      };
      listen(d.o, (v: A) => {
        const f = isFrame(v) ? v : isFrame(v?.f) && v.f;
        if (f) then(call(write, w, f), noop, () => frameOp(f, CLOSE));
        else if (typeof v !== "object" || v === null) return;
        else if (hasOwn(v, "m")) {
          o.m = !!v.m;
          o.ts.forEach((x: A) => fire(x, v.m ? "mute" : "unmute"));
        } else if (v.e) end();
        else if (v.r) replied(o.q, v.r);
        else if (changed(o.d, v.c)) o.ts.forEach((x: A) => fire(x, CHANGE));
        else if (v.L) source(v.L);
        else if (v.q) lockOut(d.o);
      });
      const source = watcher(end);
      post(d.o, { d: 1 });
      lockOut(d.o);
      return t;
    };
  } else {
    // ================= Dedicated worker =================
    const TS = new WM(), streams = new WM(), secret = {};
    const state = (t: A) => {
      const s = TS.get(t);
      if (!s) throw new TE("Illegal invocation");
      return s;
    };
    const RS = ReadableStream, WS = WritableStream, RSC = ReadableStreamDefaultController.prototype;
    const enqueue = RSC.enqueue, closeRS = RSC.close;
    isTrack = (x: A) => TS.has(x);

    /** Frames reach a track's consumers (its processors); with none they are closed. */
    const deliver = (s: A, f: A) => {
      let n = s.r === LIVE ? s.cs.size : 0;
      if (!n) return frameOp(f, CLOSE);
      s.cs.forEach((c: A) => {
        const copy = --n ? frameOp(f, CLONE) : f;
        meta.has(f) && meta.set(copy, meta.get(f));
        c.f(copy);
      });
    };
    // metadata() of frames that came from another context: the sender's metadata (but its
    // captureTime, on another timeline) and captureTime estimated here as in src/track/capture-time.ts:
    // timestamp - the largest (timestamp - arrival) seen.
    const meta = new WM(), timestamp = getter(VFP, "timestamp"), perf = performance, now = perf.now;
    let offset = -Infinity;
    const arrived = (f: A, x: A) => {
      if (getProto(f) !== VFP) return f;
      const ms = call(timestamp, f) / 1000, gap = ms - call(now, perf);
      if (gap > offset) offset = gap;
      meta.set(f, [x, ms]);
      return f;
    };
    wrap(VFP, "metadata", (t: A, f: A, a: A) => {
      const m = apply(t, f, a), v = meta.get(f), x = v?.[0], keys = x ? ownKeys(x) : [];
      for (let i = 0; i < keys.length; i++) if (keys[i] !== "captureTime" && !hasOwn(m, keys[i])) setv(m, keys[i], clone(x[keys[i]]));
      if (v && m.captureTime === undefined) setv(m, "captureTime", v[1] - offset);
      return m;
    });
    const demand = (s: A) => s.o && post(s.o, { d: s.cs.size ? 1 : 0 });
    const setMuted = (s: A, m: A) => {
      if (s.m === !!m) return;
      s.m = !!m;
      fire(s.t, m ? "mute" : "unmute");
    };
    /** Ends a worker track: `stopped` by stop() (tells the source), else by the source (fires `ended`). */
    const end = (s: A, stopped?: A) => {
      if (s.r !== LIVE) return;
      s.r = ENDED;
      s.cs.forEach((c: A) => c.x());
      s.cs.clear();
      if (s.o) {
        stopped && post(s.o, { s: 1 });
        call(portClose, s.o);
        s.o = null;
      }
      s.g?.ts.delete(s);
      stopped || fire(s.t, ENDED);
    };
    const link = (s: A) => {
      listen(s.o, (v: A) => {
        if (isFrame(v)) deliver(s, arrived(v, 0));
        else if (v?.f && isFrame(v.f)) deliver(s, arrived(v.f, v.x));
        else if (typeof v !== "object" || v === null) return;
        else if (hasOwn(v, "m")) setMuted(s, v.m);
        else if (v.e) end(s);
        else if (v.r) replied(s.q, v.r);
        else if (changed(s, v.c)) fire(s.t, CHANGE);
        else if (v.L) source(v.L);
        else if (v.q) lockOut(s.o);
      });
      const source = watcher(() => end(s));
      lockOut(s.o);
    };
    const track = (s: A) => {
      s.cs = new St();
      s.q = new Mp();
      s.t = construct(Track, [secret]);
      TS.set(s.t, s);
      if (s.o) link(s);
      return s.t;
    };
    const fields = (s: A): A => ({ k: s.k, i: s.i, l: s.l, e: s.e, m: s.m, r: s.r, h: s.h, s: s.s, c: s.c, p: s.p });

    /** A VideoTrackGenerator's source: its local tracks and the ports of tracks transferred away. */
    const genOut = (gs: A, o: A) => {
      gs.os.set(o, 0);
      const drop = () => {
        gs.os.delete(o);
        call(portClose, o);
      }, sink = watcher(drop, o);
      listen(o, (v: A) => {
        if (typeof v !== "object" || v === null) return;
        if (hasOwn(v, "d")) gs.os.has(o) && gs.os.set(o, v.d);
        else if (v.s) drop();
        else if (v.L) sink(v.L);
        else if (v.t) genOut(gs, v.t);
        else if (v.a) answer(o, v.a[0], resolved(), () => [{}, {}, {}]);
      });
      if (gs.m) post(o, { m: 1 });
    };

    class Track extends EventTarget {
      constructor(key: A) {
        if (key !== secret) throw new TE("Illegal constructor");
        super();
      }
      get kind() { return state(this).k; }
      get id() { return state(this).i; }
      get label() { return state(this).l; }
      get enabled() { return state(this).e; }
      set enabled(v: A) {
        const s = state(this);
        s.e = !!v;
        s.o && post(s.o, { n: s.e });
      }
      get muted() { return state(this).m; }
      get readyState() { return state(this).r; }
      get contentHint() { return state(this).h; }
      set contentHint(v: A) {
        const s = state(this);
        v = `${v}`;
        if (v === "" || call(sIndexOf, s.k === VIDEO ? " motion detail text " : " speech speech-recognition music ", ` ${v} `) >= 0) s.h = v;
      }
      clone() {
        const s = state(this), c: A = fields(s);
        c.i = uuid();
        if (s.r === LIVE) {
          if (s.o) {
            const ch = channel();
            post(s.o, { t: ch.port2 }, [ch.port2]);
            c.o = ch.port1;
          }
          if (s.g) (c.g = s.g).ts.add(c);
        }
        return track(c);
      }
      stop() { end(state(this), 1); }
      getCapabilities() { return clone(state(this).p); }
      getConstraints() { return clone(state(this).c); }
      getSettings() { return clone(state(this).s); }
      applyConstraints(c?: A) {
        const s = state(this);
        if (s.r !== LIVE || !s.o) return resolved();
        return then(ask(s.o, s.q, c), (x: A) => {
          s.s = x[2];
          s.c = x[3];
          s.p = x[4];
        });
      }
    }

    const trackClone = Track.prototype.clone;
    class MediaStream extends EventTarget {
      constructor(x?: A) {
        super();
        const list = new St(), from = streams.get(x);
        if (from) from.t.forEach((t: A) => list.add(t));
        else if (x !== undefined) {
          for (const t of x) {
            state(t);
            list.add(t);
          }
        }
        streams.set(this, { i: uuid(), t: list });
      }
      get id() { return stream(this).i; }
      get active() {
        let live = false;
        stream(this).t.forEach((t: A) => { live ||= TS.get(t).r === LIVE; });
        return live;
      }
      getTracks() { return tracks(this, ""); }
      getAudioTracks() { return tracks(this, "audio"); }
      getVideoTracks() { return tracks(this, VIDEO); }
      getTrackById(id: A) {
        let found: A = null;
        id = `${id}`;
        stream(this).t.forEach((t: A) => { if (!found && TS.get(t).i === id) found = t; });
        return found;
      }
      addTrack(t: A) {
        state(t);
        stream(this).t.add(t);
      }
      removeTrack(t: A) {
        state(t);
        stream(this).t.delete(t);
      }
      clone() {
        const c: A[] = [];
        stream(this).t.forEach((t: A) => push(c, call(trackClone, t)));
        return new MediaStream(c);
      }
    }
    const stream = (m: A) => {
      const s = streams.get(m);
      if (!s) throw new TE("Illegal invocation");
      return s;
    };
    const tracks = (m: A, kind: string) => {
      const out: A[] = [];
      stream(m).t.forEach((t: A) => { if (!kind || TS.get(t).k === kind) push(out, t); });
      return out;
    };

    const events = new WM(), handlers = new WM();
    class MediaStreamTrackEvent extends Event {
      constructor(type: A, init: A) {
        super(type, init);
        const t = init?.track;
        if (!TS.has(t)) throw new TE("Failed to construct 'MediaStreamTrackEvent': required member track is undefined.");
        events.set(this, t);
      }
      get track() { return events.get(this); }
    }

    const processors = new WM();
    class MediaStreamTrackProcessor {
      constructor(init: A) {
        const t = init?.track, s = TS.get(t);
        if (!s) throw new TE("Failed to construct 'MediaStreamTrackProcessor': required member track is undefined.");
        const max = init.maxBufferSize > 0 ? +init.maxBufferSize : s.k === VIDEO ? 1 : 10, buf: A[] = [];
        let ctl: A, waiting = 0;
        const consumer = {
          f(frame: A) {
            if (waiting) {
              waiting = 0;
              call(enqueue, ctl, frame);
            } else {
              push(buf, frame);
              if (buf.length > max) frameOp(call(aShift, buf), CLOSE);
            }
          },
          x() {
            for (let i = 0; i < buf.length; i++) frameOp(buf[i], CLOSE);
            buf.length = 0;
            try {
              call(closeRS, ctl);
            } catch {}
          },
        };
        processors.set(this, new RS({
          start(c: A) { ctl = c; },
          pull() {
            if (buf.length) call(enqueue, ctl, call(aShift, buf));
            else waiting = 1;
          },
          cancel() {
            consumer.x();
            if (s.cs.delete(consumer)) demand(s);
          },
        }, { highWaterMark: 0 }));
        if (s.r === LIVE) {
          s.cs.add(consumer);
          if (s.cs.size === 1) demand(s);
        } else consumer.x();
      }
      get readable() { return processors.get(this); }
    }

    const generators = new WM();
    class VideoTrackGenerator {
      constructor() {
        const gs: A = { ts: new St(), os: new Mp(), m: false };
        const s: A = { k: VIDEO, i: uuid(), l: "", e: true, m: false, r: LIVE, h: "", s: {}, c: {}, p: {}, g: gs };
        gs.ts.add(s);
        const finish = () => {
          gs.ts.forEach((x: A) => end(x));
          gs.os.forEach((_: A, o: A) => post(o, { e: 1 }));
        };
        const w = new WS({
          write(f: A) {
            if (getProto(f) !== VFP) throw new TE("Failed to execute 'write': the chunk is not a VideoFrame.");
            gs.ts.forEach((x: A) => x.e && deliver(x, frameOp(f, CLONE)));
            gs.os.forEach((want: A, o: A) => {
              if (!want) return;
              const c = frameOp(f, CLONE);
              post(o, c, [c]);
            });
            frameOp(f, CLOSE);
          },
          close: finish,
          abort: finish,
        });
        generators.set(this, [w, track(s), gs]);
      }
      get writable() { return gen(this)[0]; }
      get track() { return gen(this)[1]; }
      get muted() { return gen(this)[2].m; }
      set muted(v: A) {
        const gs = gen(this)[2];
        gs.m = !!v;
        gs.ts.forEach((x: A) => setMuted(x, v));
        gs.os.forEach((_: A, o: A) => post(o, { m: gs.m }));
      }
    }
    const gen = (x: A) => {
      const v = generators.get(x);
      if (!v) throw new TE("Illegal invocation");
      return v;
    };

    // Shaped like WebIDL interfaces: enumerable members printing as native code, named globals.
    const expose = (C: A, name: string, types: string[] = []) => {
      const p = C.prototype;
      for (const h of types) {
        const k = "on" + h, box = {
          get [k](): A { return handlers.get(this)?.[h] ?? null; },
          set [k](v: A) {
            const all = handlers.get(this) || (handlers.set(this, {}), handlers.get(this)), old = all["_" + h];
            old && call(remL, this, h, old);
            all[h] = typeof v === "function" ? v : null;
            if (all[h]) call(addL, this, h, all["_" + h] = (e: A) => apply(v, this, [e]));
          },
        };
        defProp(p, k, gopd(box, k)!);
      }
      const keys = ownKeys(p);
      for (let i = 0; i < keys.length; i++) {
        const d: A = gopd(p, keys[i]);
        if (keys[i] === "constructor") continue;
        d.enumerable = true;
        for (const h of ["value", "get", "set"]) {
          if (typeof d[h] === "function") nativeText(d[h], (h === "value" ? "" : h + " ") + String(keys[i]));
        }
        defProp(p, keys[i], d);
      }
      defProp(p, TAG, { value: name, configurable: true });
      defProp(C, "name", { value: name, configurable: true });
      nativeText(C, name);
      defProp(g, name, dv(C));
    };
    expose(Track, "MediaStreamTrack", ["mute", "unmute", ENDED, CHANGE]);
    expose(MediaStream, "MediaStream", ["addtrack", "removetrack"]);
    expose(MediaStreamTrackEvent, "MediaStreamTrackEvent");
    expose(MediaStreamTrackProcessor, "MediaStreamTrackProcessor");
    expose(VideoTrackGenerator, "VideoTrackGenerator");

    describe = (t, out) => {
      const s = state(t), d: A = fields(s);
      let port: A;
      if (s.r === LIVE) {
        // A port that moves on: the source stops watching this context's lock (this worker may go
        // away at once) until the new holder announces its own.
        if (s.o) post(d.o = s.o, { L: 0 });
        else {
          const ch = channel();
          d.o = ch.port2;
          port = ch.port1;
        }
        push(out, d.o);
      }
      return [d, () => {
        detached.set(t, 1);
        if (port) genOut(s.g, port);
        s.o = null;
        s.r = ENDED;
        s.cs.forEach((c: A) => c.x());
        s.cs.clear();
        s.g?.ts.delete(s);
      }, () => port ? call(portClose, port) : s.o && lockOut(s.o)];
    };
    receive = (d) => {
      const s = fields(d);
      if (d.r === LIVE) s.o = d.o;
      else s.r = ENDED;
      return track(s);
    };

    // Relative URLs resolve against the worker's own URL, which self.location reports.
    const resolve = (u: A) => {
      try {
        return new U(u, base).href;
      } catch {
        return u;
      }
    };
    const WGS = g.WorkerGlobalScope.prototype, where = new U(base);
    wrap(WGS, "importScripts", (t: A, s: A, a: A) => {
      for (let i = 0; i < a.length; i++) a[i] = resolve(a[i]);
      return apply(t, s, a);
    });
    /** A first argument that is a URL resolved: a URL object, or any primitive but a symbol (the
     * browser reads it as a string, 5 as "5"); a Request or another object goes on as it is. */
    const resolveFirst = (a: A) => {
      const v = a[0], t = typeof v;
      if (a.length && (v === null || (t !== "object" && t !== "function" && t !== "symbol") || (t === "object" && isA(v, U.prototype)))) {
        a[0] = resolve(v);
      }
    };
    wrap(WGS, "fetch", (t: A, s: A, a: A) => {
      resolveFirst(a);
      return apply(t, s, a);
    });
    wrap(XMLHttpRequest.prototype, "open", (t: A, s: A, a: A) => {
      if (a.length > 1) a[1] = resolve(a[1]);
      return apply(t, s, a);
    });
    // And the constructors that take one (the realm runs before the worker's own script: these
    // built-ins are still the worker's own).
    for (const k of ["Request", "EventSource", "WebSocket"]) {
      const C = g[k];
      if (typeof C !== "function") continue;
      const p: A = new Prx(C, {
        __proto__: null,
        construct: (t: A, a: A, nt: A) => {
          resolveFirst(a);
          return construct(t, a, nt === p ? t : nt);
        },
      } as A);
      texts.set(p, call(fts, C));
      defProp(g, k, { ...gopd(g, k), value: p });
      defProp(C.prototype, "constructor", { ...gopd(C.prototype, "constructor"), value: p });
    }
    for (const k of ["href", "origin", "protocol", "host", "hostname", "port", "pathname", "search", "hash", "toString"]) {
      const f = k === "toString" ? getter(U.prototype, "href") : getter(U.prototype, k);
      wrap(g.WorkerLocation.prototype, k, (t: A, s: A, a: A) => (apply(t, s, a), call(f, where)), k === "toString" ? "value" : "get");
    }
    // (No `parent` global: the spec's worker example calls `parent.postMessage`, which no worker
    // has; a worker that never uses media must not see globals it would not have natively.)
    call(g.postMessage, g, { [KEY]: 0 });
  }
}
