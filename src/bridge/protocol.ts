/**
 * The messages that cross the bridge between the main world (src/, untrusted: it runs inside the
 * page's realm) and the isolated-world content script (extension/content/). Both halves validate
 * every message they receive with the guards below; nothing here may call chrome.*.
 *
 * Transport: during the handshake the isolated script hands the main world a detached DOM node
 * (DOM nodes are shared between worlds, JS objects are not). All later traffic is CustomEvents
 * dispatched on that node with JSON string details. The page never gets a reference to the node,
 * so it can neither listen nor forge; the channel never uses `window.postMessage` (the only
 * postMessage is WAKE_MESSAGE, a constant sent to the top frame).
 */

/** The handshake. The isolated half dispatches ASK on the window, carrying its private node as
 * `relatedTarget`; the main world (whose window listener, added before any page script, runs
 * first and stops the event) answers with OFFER on that node, carrying a host element whose
 * closed shadow root only the main world holds; the isolated half, and nothing else, can open it
 * (chrome.dom.openOrClosedShadowRoot) and places its node there; the main world takes it and
 * confirms with ACK on the node. See docs/ARCHITECTURE.md. */
/** (One string in the start script for the names' common part: 49 bytes of its 20 KiB.) */
const PREFIX = "capture-control:";
export const ASK_EVENT = PREFIX + "ask";
export const OFFER_EVENT = PREFIX + "offer";
export const ACK_EVENT = PREFIX + "ack";
/** A frame without the isolated half posts this to the top frame, whose isolated half asks the
 * service worker to inject the half into frames of that origin. */
export const WAKE_MESSAGE = PREFIX + "wake";
/** Event types on the private node afterwards. */
export const TO_EXTENSION_EVENT = PREFIX + "up";
export const TO_PAGE_EVENT = PREFIX + "down";
/** In a top frame (which always has the isolated half, the manifest's), the half shakes hands only
 * when the main world first needs the channel: the main world dispatches NEED on the window, and
 * the half's window listener (added at document_start, before any page script, so it runs first
 * and stops the event) starts the handshake, synchronously. A page that forges NEED only has the
 * handshake happen earlier. */
export const NEED_EVENT = TO_EXTENSION_EVENT; // (on the window, not the node; one name fewer in the start script)

export type Semantics = "browser-chooses" | "user-chooses";
export const SEMANTICS_VALUES: readonly Semantics[] = ["browser-chooses", "user-chooses"];

/** The extension's own pan/tilt/zoom permission for a site (src/ptz/). */
export type PtzPolicy = "ask" | "allow" | "block";

/** What the main world needs synchronously about the current site. */
export interface SiteConfig {
  semantics: Semantics;
  hideLabels: boolean;
  /** The extension's PTZ permission; absent until the isolated world has heard from the service
   * worker (site flags do not carry it), which the main world reads as "ask". */
  ptz?: PtzPolicy;
  /** The user forces power-efficient camera configurations on this site (site flag). */
  powerSaving?: boolean;
  /** The user forces a blurred background on this site's new camera captures (site flag). */
  blurBackground?: boolean;
  /** The user forces face framing on this site's new camera captures (site flag). */
  frameFace?: boolean;
}

/** The on/off members of SiteConfig that may be absent (read as off). */
export const SITE_SWITCHES = ["powerSaving", "blurBackground", "frameFace"] as const;

export const DEFAULT_SITE_CONFIG: SiteConfig = { semantics: "browser-chooses", hideLabels: false };

/** `defaultSemantics` for a site: hiding device names leaves the picker as the way to choose. */
export function effectiveSemantics(config: SiteConfig): Semantics {
  return config.hideLabels ? "user-chooses" : config.semantics;
}

/** Calls the main world may make through the bridge; the service worker answers each. */
export interface RpcCalls {
  /** Re-reads the site's configuration (after a settings change the page was told about). */
  "site.config": { params: Record<string, never>; result: SiteConfig };
  /** Asks the service worker whether the user must choose (more than one device left for a kind);
   * answered `{native: true}` at once when not, else once the user has chosen in the extension's
   * picker (a `PickerChoice`) or refused (an error named NotAllowedError). */
  "picker.open": { params: PickerAsk; result: PickerChoice | { native: true } };
  /** The page's getUserMedia asks for pan/tilt/zoom: the service worker answers the site's PTZ
   * permission, asking the user first (extension/ptz-prompt/) when it is "ask". `browser` is what
   * the page's own permission query said, used only for the prompt's wording. */
  "ptz.request": { params: { browser: string }; result: { ptz: PtzPolicy } };
  /** A PTZ capture started with the permission granted: the camera's ranges and values, for the
   * popup's sliders; the service worker gives this site control of PTZ. */
  "ptz.session": { params: PtzSessionInfo; result: null };
  /** The page moved the camera: at once (at most once a second), for the badge naming the site;
   * and half a second later with where the camera is then (`values`, at most twice a second),
   * for the popup's sliders and the keyboard steps. */
  "ptz.moved": { params: { values?: Partial<Record<PtzAxis, number>> }; result: null };
  /** Capture tracks this frame's getUserMedia just got (src/tracking/); ids are the frame's own. */
  "tracking.started": { params: { captures: TrackReport[] }; result: null };
  /** Captures of this frame whose every track (clones included) has ended. */
  "tracking.ended": { params: { ended: TrackEnd[] }; result: null };
  /** Captures of this frame whose muted or paused state changed (sent after their start). */
  "tracking.state": { params: { states: TrackState[] }; result: null };
  /** A page asked for face detection, framing or blur (src/effects/face.ts): the effects worker's
   * code and a model (base64; the person segmenter's with `model: "segment"`), both shipped with the
   * extension. */
  "effects.face": { params: { model?: "segment" }; result: { code: string; model: string } };
  /** The frame needs the pack (src/core/pack.ts): the service worker runs dist/pack.js in this
   * frame's main world, then answers. */
  "pack.load": { params: Record<string, never>; result: null };
  /** The source text of the pack's function, which the frame's main world runs only if the
   * function it is given has exactly this text. */
  "pack.text": { params: Record<string, never>; result: string };
}

/** One capture source as the page reports it: its id in this frame, kind and device label, and
 * how long ago (ms) it started; an end likewise. Reports are batched (src/tracking/live-tracks.ts).
 * `resumed`: a capture reported again after the extension was reloaded (it may be older). */
export interface TrackReport { id: string; kind: "audio" | "video"; label: string; ago: number; ptz?: boolean; resumed?: boolean }
export interface TrackEnd { id: string; ago: number }
/** A capture's state now: `muted` when every live track of it is muted (the source gives no
 * frames), `paused` when the page disabled every one (`enabled = false`). `ptz` in a start: its
 * video track's settings have pan, tilt or zoom (it was granted PTZ). */
export interface TrackState { id: string; muted: boolean; paused: boolean }
export type PtzAxis = "pan" | "tilt" | "zoom";
export interface PtzSessionInfo {
  ranges: Partial<Record<PtzAxis, { min: number; max: number; step: number }>>;
  values: Partial<Record<PtzAxis, number>>;
}
export type RpcName = keyof RpcCalls;
export const RPC_NAMES: readonly RpcName[] = ["site.config", "picker.open", "tracking.started", "tracking.ended", "tracking.state", "ptz.request", "ptz.session", "ptz.moved", "effects.face", "pack.load", "pack.text"];

/** main world → isolated world */
export type PageToExtension =
  /** Answered synchronously, from data the isolated world already holds. */
  | { kind: "siteConfig" }
  | { kind: "rpc"; id: string; call: RpcName; params: unknown };

/** isolated world → main world */
export type ExtensionToPage =
  | { kind: "siteConfig"; config: SiteConfig }
  | { kind: "reply"; id: string; ok: true; value: unknown }
  | { kind: "reply"; id: string; ok: false; error: { name: string; message: string } }
  | { kind: "configChanged"; config: SiteConfig }
  /** Something the service worker tells this frame unasked (see PUSH_TOPICS). */
  | { kind: "push"; topic: PushTopic; data: unknown };

/** Topics the service worker may push to a frame; each feature validates its own `data`.
 * ptz.control `{active}`: this site lost or regained control of PTZ; ptz.move `{pan?, tilt?, zoom?}`:
 * the user moved the camera from the popup. (And one the isolated half sends itself: `warm`, the
 * site is one the user captured on lately, so the frame loads the pack now; src/core/pack.ts.) */
export const PUSH_TOPICS = ["test.echo", "tracking.stop", "ptz.control", "ptz.move"] as const;
export type PushTopic = (typeof PUSH_TOPICS)[number] | "warm";

export function isPushTopic(v: unknown): v is PushTopic {
  for (let i = 0; i < PUSH_TOPICS.length; i++) if (PUSH_TOPICS[i] === v) return true;
  return false;
}

import { isArray } from "../lib/natives";
import type { PickerChoice } from "../../extension/lib/picker";
import type { PickerAsk } from "../../extension/lib/picker-plan";

type Loose = Record<string, unknown>;
// Captured isArray: these guards also run in the main world, after page scripts.
const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !isArray(v);
const isId = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 64;

export function isSiteConfig(v: unknown): v is SiteConfig {
  if (!isObject(v) || (v.semantics !== "browser-chooses" && v.semantics !== "user-chooses") || typeof v.hideLabels !== "boolean" ||
      (v.ptz !== undefined && v.ptz !== "ask" && v.ptz !== "allow" && v.ptz !== "block")) return false;
  for (let i = 0; i < SITE_SWITCHES.length; i++) {
    const on = v[SITE_SWITCHES[i]];
    if (on !== undefined && typeof on !== "boolean") return false;
  }
  return true;
}

export function isPageToExtension(v: unknown): v is PageToExtension {
  if (!isObject(v)) return false;
  if (v.kind === "siteConfig") return true;
  if (v.kind === "rpc") {
    if (!isId(v.id)) return false;
    for (let i = 0; i < RPC_NAMES.length; i++) if (RPC_NAMES[i] === v.call) return true;
    return false;
  }
  return false;
}

export function isExtensionToPage(v: unknown): v is ExtensionToPage {
  if (!isObject(v)) return false;
  if (v.kind === "siteConfig" || v.kind === "configChanged") return isSiteConfig(v.config);
  // (The isolated half passes on only the topics it knows, extension/lib/messages.ts; a topic
  // without a listener here is ignored.)
  if (v.kind === "push") return typeof v.topic === "string" && "data" in v;
  if (v.kind === "reply") {
    if (!isId(v.id)) return false;
    if (v.ok === true) return "value" in v;
    return v.ok === false && isObject(v.error) && typeof v.error.name === "string" &&
      typeof v.error.message === "string";
  }
  return false;
}
