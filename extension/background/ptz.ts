/**
 * The PTZ feature's entry points for the service worker: content calls (from pages, keyed on
 * Chrome's sender) and UI calls (the PTZ prompt and the popup).
 */
import type { ContentHandlers, UiHandlers } from "./messenger";
import { cameraMoved, controlView, moveCamera, ptzCommand, startPtzControlListeners, startSession } from "./ptz-control";
import { answerPtzPrompt, checkPtzPrompt, ptzPromptView, requestPtz, startPtzPromptListeners } from "./ptz-prompts";

export const ptzContentHandlers: ContentHandlers = {
  "ptz.request": requestPtz,
  "ptz.session": startSession,
  "ptz.moved": cameraMoved,
};

export const ptzUiHandlers: UiHandlers = {
  "ui.ptzPrompt.get": async (message) => ptzPromptView(message.promptId),
  "ui.ptzPrompt.answer": async (message) => answerPtzPrompt(message.promptId, message.allow),
  "ui.ptzPrompt.check": async (message) => checkPtzPrompt(message.promptId),
  "ui.ptz.get": async (message) => controlView(message.tabId),
  "ui.ptz.move": async (message) => moveCamera(message.tabId, message.values),
};

/**
 * The `chrome.commands.onCommand` listener: a PTZ shortcut moves the live PTZ capture of the tab
 * it was pressed in (Chrome passes that tab; without one, the active tab of the focused window).
 */
export async function onPtzCommand(command: string, tab?: chrome.tabs.Tab): Promise<void> {
  const tabId = tab?.id ?? (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id;
  await ptzCommand(command, tabId);
}

/** Registers the PTZ listeners; called at the worker's top level, so a command wakes it. */
export function startPtz(): void {
  startPtzPromptListeners();
  startPtzControlListeners();
  chrome.commands?.onCommand.addListener((command, tab) => void onPtzCommand(command, tab).catch(() => undefined));
}
