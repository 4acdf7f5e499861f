/**
 * The pack: most of the main world's code (the features' implementations, src/pack.ts) is not in
 * the script that runs in every frame at document start, but in dist/pack.js, which the service
 * worker runs in a frame's main world (chrome.scripting.executeScript) the first time that frame
 * needs it (its first getUserMedia, for one). What runs at start (this script) wraps every member
 * the features will use, so that the page never holds a reference around them, and holds the
 * calls that must wait (src/core/media-methods.ts).
 *
 * The page is hostile and runs before the pack arrives, so the pack cannot trust any global it
 * finds then. It gets everything from this script instead: the file is one function expression
 * that the build made with no free variables at all (every global it reads is a parameter's
 * member, given here: JavaScript's built-ins as they were at start, the rest as they are now), so
 * what it does depends only on its source text. It is handed over by assigning it to a property of
 * the window that exists only while the pack is on its way, whose setter is this script's (no
 * function the page could replace is called). The setter only keeps what it is given. With the
 * request to run the file, this script asks the service worker for the pack's source text (over
 * the bridge, which the page can neither read nor forge), and runs the plain function of this
 * realm it was given whose text is that text. A page may intercept the handover or hand over
 * functions of its own, but a function with the same text is the same code, and any other is
 * never called. What a page can do is keep the pack from arriving; then every feature stays
 * native, as in a frame the extension cannot reach. See docs/ARCHITECTURE.md, "The pack".
 */
import type { PageBridge } from "../bridge/page-bridge";
import {
  appendOwn, apply, defineProperty, deleteProperty, functionToString, getOwnPropertyDescriptor, getPrototypeOf, objectCreate,
  stringSlice, stringSplit,
} from "../lib/natives";
import { asAtStart, keepPristine } from "../lib/wrap";
import { EARLY_PLACEHOLDER, HEAD_PLACEHOLDER, LATE_PLACEHOLDER, PACK_PROPERTY } from "./pack-contract";

// Filled in by the build (vite.config.ts). HEAD: the start of the pack's text, naming its build;
// the pack of another build (the service worker was updated since this page loaded) may not fit
// this script's kit, and is refused.
// (Through these names: were the placeholders used where they are, the minifier would fold what
// is computed from them, such as HEAD.length, before the build fills them in.)
const HEAD: string = HEAD_PLACEHOLDER;
const EARLY: string = EARLY_PLACEHOLDER;
const LATE: string = LATE_PLACEHOLDER;

const G = globalThis as unknown as Record<string, unknown>;
const FunctionProto = Function.prototype;

// The lists, read now (before any page script, so String.prototype.split is still the
// browser's): "a,b|c" → ["a", "b"], ["c"].
const split = (list: string, by: string) => apply(stringSplit, list, [by]) as string[];
const parts = split(EARLY, "|");
const snapped = split(parts[0], ","), unsnapped = split(parts[1] || "", ","), late = split(LATE, ",");

// JavaScript's own built-ins that the pack reads, as they are now, before any page script.
const early = objectCreate(null) as Record<string, unknown>;
{
  const objects: unknown[] = [];
  for (let i = 0; i < unsnapped.length; i++) early[unsnapped[i]] = G[unsnapped[i]];
  // And, for those the build put first, their members, which the pack's modules read when they
  // start (scripts/build-pack.mjs, SNAPSHOT): their own (statics) and their prototypes', and after
  // an empty name only their prototypes' (interface objects with nothing else, STATICS).
  let statics = 1;
  for (let i = 0; i < snapped.length; i++) {
    const name = snapped[i];
    if (!name) {
      statics = 0;
      continue;
    }
    const v = early[name] = G[name];
    if (v === null || (typeof v !== "object" && typeof v !== "function")) continue;
    // (Plain writes: no page script ran yet, so Array.prototype has no index setters of a page's.)
    if (statics) objects[objects.length] = v;
    if (typeof v === "function") objects[objects.length] = (v as { prototype?: unknown }).prototype;
  }
  // And the arrays' iterator, which `for ... of` and spreading call (without a global of its own).
  objects[objects.length] = getPrototypeOf([][Symbol.iterator]());
  keepPristine(objects);
}

type State = "idle" | "loading" | "in" | "failed";
let state: State = "idle";
let tries = 0;
let waiting: (() => void)[] = [];
let bridgeOf: PageBridge | undefined;
let modules: Record<string, unknown> | undefined;

const settle = (to: State) => {
  letGo();
  state = to;
  const run = waiting;
  waiting = [];
  for (let i = 0; i < run.length; i++) {
    try {
      run[i]();
    } catch {
      // One waiting call's failure is its own.
    }
  }
};

/** What the window's PACK_PROPERTY was given while the pack is on its way (its setter): plain
 * functions of this realm, at most a few (a page that offers more only keeps its frame native). */
let offered: Function[] = [];
/** The pack's source text, as the service worker answered it ("pack.text"). */
let expected: string | undefined;
/** Whether the service worker said the file ran ("pack.load"). */
let ran = false;

/** Runs the function offered whose text is the pack's, once that text is known; fails once the
 * file ran and none was. Called as either arrives: the text usually comes first, so the pack then
 * runs inside the file's own assignment. */
function take(): void {
  if (state !== "loading" || expected === undefined) return;
  for (let i = 0; i < offered.length; i++) {
    let mine = false;
    try {
      mine = apply(functionToString, offered[i], []) === expected;
    } catch {
      // Not a function whose text can be read: not the pack.
    }
    if (!mine) continue;
    let ok: boolean | undefined;
    try {
      ok = run(offered[i]);
    } catch {
      // As if it had not come.
    }
    offered = [];
    return settle(ok ? "in" : "failed");
  }
  offered = [];
  if (ran) settle("failed");
}

/** The window's property for the handover exists only while the pack is on its way. */
const letGo = () => {
  const d = getOwnPropertyDescriptor(window, PACK_PROPERTY);
  if (d && d.set === setter) deleteProperty(window, PACK_PROPERTY);
};
let setter: Function | undefined;

function run(fn: Function): boolean {
  const globals = objectCreate(early) as Record<string, unknown>;
  for (let i = 0; i < late.length; i++) globals[late[i]] = G[late[i]];
  const kit = objectCreate(null) as Record<string, unknown>;
  kit.g = globals;
  kit.m = modules;
  kit.bridge = bridgeOf;
  // The pack's modules start with the built-ins as they were at start, native functions in the
  // wrapped members' places (as at document start before the split); its features then install
  // through the wrappers (kit.start), each as it did then.
  if (!asAtStart(false, () => {
    apply(fn, undefined, [kit]);
  })) return false;
  const start = kit.start;
  return typeof start === "function" && asAtStart(true, () => {
    apply(start, undefined, []);
  });
}

/**
 * Sets up the handover at start: `bridge` to ask for the pack, `shared` the main world's modules the
 * pack's code uses (by the names the build gave them, src/core/kit-modules.ts).
 */
export function installPackLoader(bridge: PageBridge, shared: Record<string, unknown>): void {
  bridgeOf = bridge;
  modules = shared;
  // A site the user captured on lately (extension/background/warm-sites.ts): its top frames load
  // the pack at start.
  bridge.onPush("warm", () => whenPack());
}

/** Whether the pack's features are in this frame now. */
export const packIn = (): boolean => state === "in";

/** Whether a call must wait for the pack (it is on its way, or may be asked for). */
export const packPending = (): boolean => state === "idle" || state === "loading";

/** Runs `then` once the pack is in or cannot come (at once when that is known); asks for it. */
export function whenPack(then?: () => void): void {
  if (!packPending()) {
    if (then) then();
    return;
  }
  if (then) appendOwn(waiting, then);
  if (state === "loading") return;
  // (A removed frame's realm, whose calls a page can still make, hears no answer: `closed`.)
  if (!bridgeOf || !bridgeOf.connected || window.closed) return settle("failed");
  state = "loading";
  try {
    // An accessor the pack's file assigns to (a setter of this script): the handover calls no
    // function the page could have replaced. Not enumerable; gone once the pack is in.
    const own = getOwnPropertyDescriptor({
      set [PACK_PROPERTY](fn: unknown) {
        if (state !== "loading" || typeof fn !== "function" || getPrototypeOf(fn) !== FunctionProto || offered.length > 3) return;
        appendOwn(offered, fn);
        take();
      },
    }, PACK_PROPERTY)!;
    setter = own.set;
    defineProperty(window, PACK_PROPERTY, { __proto__: null, set: setter, enumerable: false, configurable: true } as PropertyDescriptor);
  } catch {
    return settle("failed");
  }
  // A service worker stopped before it answered (AbortError) is asked again, both questions; a
  // frame it cannot script (NotSupportedError) is not. (An answer to an earlier round is ignored.)
  const round = tries;
  const failed = (error: { name: string }): void => {
    if (round !== tries || state !== "loading") return;
    if (error.name === "NotSupportedError" || ++tries > 2) return settle("failed");
    letGo();
    offered = [];
    ran = false;
    state = "idle";
    whenPack();
  };
  // Both at once: the text is answered at once, the file is run meanwhile.
  if (expected === undefined) {
    bridgeOf.call("pack.text", {}, (error, text) => {
      if (error) return failed(error);
      if (round !== tries || state !== "loading") return;
      if (typeof text !== "string" || apply(stringSlice, text, [0, HEAD.length]) !== HEAD) return settle("failed");
      expected = text;
      take();
    });
  }
  // Answered once the file ran (or could not run): by then its function was given to the setter,
  // or it never will be.
  bridgeOf.call("pack.load", {}, (error) => {
    if (error) return failed(error);
    if (round !== tries || state !== "loading") return;
    ran = true;
    take();
  });
}
