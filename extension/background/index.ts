/**
 * The service worker: decides everything. It keeps no state in memory that matters across its
 * restarts; settings live in chrome.storage.local (settings-store.ts).
 */
import browser from "webextension-polyfill";
import { siteConfigOf, checkPatch, effectiveSettings, normalizeOrigin, type StoredSettings } from "./settings-schema";
import {
  clearSiteSettings, getProblems, getSettings, setDefaults, setSiteSettings, SETTINGS_KEY,
} from "./settings-store";
import { applyFlagScripts } from "./site-flag-scripts";
import { MessageError, startMessenger } from "./messenger";
import { dismissProblem, readBackup } from "./checked-storage";
import { injectBridge, reconnectOpenPages } from "./bridge-inject";
import { answerPrompt, checkPrompt, openPicker, promptView, startPromptListeners } from "./prompts";
import { permissionUiHandlers, startPermissionListeners } from "./permissions";
import { ptzContentHandlers, ptzUiHandlers, startPtz } from "./ptz";
import { registerWarmSites, startTracking, trackingContentHandlers, trackingUiHandlers } from "./tracking";
import { effectsContentHandlers } from "./effects";
import { startNavigationWatch } from "./navigation-watch";
import { packContentHandlers } from "./pack";
import { settingsTransferUiHandlers } from "./settings-transfer";
import type { ToContentMessage, UiState } from "../lib/messages";

function requireBackupKey(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("backup:") || value.length > 200) {
    throw new MessageError("TypeError", "backupKey must name a backup");
  }
  return value;
}

function requireOrigin(value: unknown): string {
  const origin = normalizeOrigin(value);
  if (!origin) throw new MessageError("TypeError", "not an http(s) origin");
  return origin;
}

function requirePatch(value: unknown) {
  const error = checkPatch(value);
  if (error) throw new MessageError("TypeError", error);
  return value as Record<string, never>;
}

startMessenger(
  {
    "site.config": async (_params, sender) => siteConfigOf(effectiveSettings(await getSettings(), sender.origin)),
    "picker.open": async (params, sender) => openPicker(params, sender),
    "bridge.inject": async (params, sender) => injectBridge(params, sender),
    ...ptzContentHandlers,
    ...trackingContentHandlers,
    ...effectsContentHandlers,
    ...packContentHandlers,
  },
  {
    "ui.getState": async (message): Promise<UiState> => {
      const settings = await getSettings();
      const origin = normalizeOrigin(message.origin);
      return {
        settings,
        problems: await getProblems(),
        origin,
        effective: origin ? siteConfigOf(effectiveSettings(settings, origin)) : null,
      };
    },
    "ui.setSiteSettings": async (message) =>
      setSiteSettings(requireOrigin(message.origin), requirePatch(message.patch)),
    "ui.setDefaults": async (message) => setDefaults(requirePatch(message.patch)),
    "ui.resetSite": async (message) => clearSiteSettings(requireOrigin(message.origin)),
    "ui.problems.dismiss": async (message) => dismissProblem(requireBackupKey(message.backupKey)),
    "ui.problems.backup": async (message) => readBackup(requireBackupKey(message.backupKey)),
    "ui.picker.get": async (message) => promptView(message.promptId),
    "ui.picker.answer": async (message) => answerPrompt(message.promptId, message.choice, message.remember, message.overconstrained, message.ptz),
    "ui.picker.check": async (message) => checkPrompt(message.promptId),
    ...permissionUiHandlers,
    ...ptzUiHandlers,
    ...trackingUiHandlers,
    ...settingsTransferUiHandlers,
  },
);
startPromptListeners();
startPermissionListeners();
startPtz();
startTracking();
// Navigation and tab-update events, heard while one of the above holds something in a tab.
startNavigationWatch();

/** Tells open pages about new settings, and re-registers the site-flag scripts for new pages. */
async function settingsChanged(settings: StoredSettings): Promise<void> {
  await applyFlagScripts(settings);
  // Only that something changed: each frame's half asks for its own site's settings.
  const message: ToContentMessage = { type: "site.configChanged" };
  const tabs = await browser.tabs.query({});
  await Promise.all(tabs.map((tab) => tab.id === undefined ? undefined
    : browser.tabs.sendMessage(tab.id, message).catch(() => undefined)));
}

browser.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && SETTINGS_KEY in changes) void getSettings().then(settingsChanged);
});

// On install, update and browser start, check storage and bring the registrations in line.
browser.runtime.onInstalled.addListener((details) => {
  void getSettings().then(applyFlagScripts);
  void registerWarmSites();
  // A first install (not an update or a browser update) opens the welcome page.
  if (details.reason === "install") void browser.tabs.create({ url: browser.runtime.getURL("welcome/index.html") }).catch(() => undefined);
  if (details.reason === "update") void reconnectOpenPages();
});
browser.runtime.onStartup.addListener(() => {
  void getSettings().then(applyFlagScripts);
  void registerWarmSites();
});
