/**
 * Messages to the service worker, as typed unions, with runtime guards. The service worker never
 * takes the site from a message: it uses the `sender` that Chrome attaches.
 */
import { isPushTopic, type PushTopic, type SiteConfig } from "../../src/bridge/protocol";
import type { CaptureKind, PermissionSetting, PickerChoice } from "./picker";
import type { SiteSettingsPatch, StoredSettings, StorageProblem } from "../background/settings-schema";

/** From the isolated-world content script (on behalf of the page). */
export type ContentMessage = { type: "site.config" };

/** From the extension's own pages (popup, options). */
export type UiMessage =
  | { type: "ui.getState"; origin?: string }
  | { type: "ui.setSiteSettings"; origin: string; patch: SiteSettingsPatch }
  | { type: "ui.setDefaults"; patch: SiteSettingsPatch }
  | { type: "ui.resetSite"; origin: string }
  | { type: "ui.problems.dismiss"; backupKey: string }
  | { type: "ui.problems.backup"; backupKey: string }
  /** The device picker page (extension/picker/). */
  | { type: "ui.picker.get"; promptId: string }
  /** Made every second while the picker shows: false once its request no longer waits. */
  | { type: "ui.picker.check"; promptId: string }
  | { type: "ui.picker.answer"; promptId: string; choice: PickerChoice | null; remember: boolean;
      /** Set (with choice null) when no device satisfies the page's constraints. */
      overconstrained?: string;
      /** The answer to the PTZ question, when the picker asked it (PromptView.ptz). */
      ptz?: boolean }
  /** Browser camera/microphone permission of a site (chrome.contentSettings), and remembered devices. */
  | { type: "ui.getPermissions"; origin: string }
  | { type: "ui.setPermission"; origin: string; kind: CaptureKind; setting: PermissionSetting }
  | { type: "ui.forgetDevice"; origin: string; kind?: CaptureKind }
  /** Every site's remembered devices (options page): RememberedDevices from background/remembered.ts. */
  | { type: "ui.listRemembered" }
  /** What uses the camera and microphone now (LiveGroup rows, background/tracking.ts), Stop, Go to tab. */
  | { type: "ui.tracking.live" }
  | { type: "ui.tracking.stop"; tabId: number; origin: string; kind: CaptureKind; label: string }
  | { type: "ui.tracking.goToTab"; tabId: number }
  /** Capture history (StoredHistory, background/tracking-history.ts); clear one site or all. */
  | { type: "ui.history.get" }
  | { type: "ui.history.clear"; origin?: string }
  | { type: "ui.history.setRetention"; days: number }
  /** All settings as a file (SettingsDocument, background/settings-document.ts), and back: `text` is
   * the file as the user picked it; checkImport answers what it holds (ImportSummary) without
   * storing anything, import replaces the settings with it. Both refuse a bad file with its reason. */
  | { type: "ui.settings.export" }
  | { type: "ui.settings.checkImport"; text: string }
  | { type: "ui.settings.import"; text: string };

/** Answer to ui.getPermissions. */
export interface SitePermissions {
  video: PermissionSetting;
  audio: PermissionSetting;
  remembered: { video?: string; audio?: string };
  /** Kinds allowed only until the site is closed (the picker's Allow without "Remember"). */
  temporary?: { video?: true; audio?: true };
}

export interface UiState {
  settings: StoredSettings;
  problems: StorageProblem[];
  origin: string | null;
  effective: SiteConfig | null;
}

/** From the service worker to content scripts, after the user changed settings: each asks for
 * its own site's configuration (`site.config`, keyed on the sender Chrome names). Nothing about
 * any site goes to every renderer. */
export type ToContentMessage = { type: "site.configChanged" };

/** A content call's answer that stands for an error (see messenger.ts). */
export interface ContentError { $error: { name: string; message: string } }
/** A content call's answer that says the result will come later as an `rpc.result` push. */
export interface ContentDeferred { $deferred: string }

/** From the service worker to one frame: the late answer to a deferred call. */
export type RpcResultMessage =
  | { type: "rpc.result"; deferredId: string; ok: true; value: unknown }
  | { type: "rpc.result"; deferredId: string; ok: false; error: { name: string; message: string } };

const isErrorShape = (v: unknown): v is { name: string; message: string } =>
  typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string" &&
  typeof (v as { message?: unknown }).message === "string";

export function isContentError(v: unknown): v is ContentError {
  return typeof v === "object" && v !== null && isErrorShape((v as { $error?: unknown }).$error);
}

export function isContentDeferred(v: unknown): v is ContentDeferred {
  return typeof v === "object" && v !== null && typeof (v as { $deferred?: unknown }).$deferred === "string";
}

export function isRpcResultMessage(v: unknown): v is RpcResultMessage {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  if (m.type !== "rpc.result" || typeof m.deferredId !== "string") return false;
  return m.ok === true ? "value" in m : m.ok === false && isErrorShape(m.error);
}

/** From the service worker to one frame: pass `data` on to the page's main world under `topic`. */
export interface PagePushMessage {
  type: "page.push";
  topic: PushTopic;
  data: unknown;
}

export function isPagePushMessage(v: unknown): v is PagePushMessage {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  return m.type === "page.push" && isPushTopic(m.topic) && "data" in m;
}

export function isToContentMessage(v: unknown): v is ToContentMessage {
  return typeof v === "object" && v !== null && !Array.isArray(v) && (v as { type?: unknown }).type === "site.configChanged";
}
