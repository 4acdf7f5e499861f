/**
 * The PTZ feature's entry points for the service worker: content calls (from pages, keyed on
 * Chrome's sender) and UI calls (the PTZ prompt and the popup).
 */
import type { ContentHandlers, UiHandlers } from "./messenger";
import { cameraMoved, controlView, moveCamera, startPtzControlListeners, startSession } from "./ptz-control";
import { answerPtzPrompt, ptzPromptView, requestPtz, startPtzPromptListeners } from "./ptz-prompts";

export const ptzContentHandlers: ContentHandlers = {
  "ptz.request": requestPtz,
  "ptz.session": startSession,
  "ptz.moved": cameraMoved,
};

export const ptzUiHandlers: UiHandlers = {
  "ui.ptzPrompt.get": async (message) => ptzPromptView(message.promptId),
  "ui.ptzPrompt.answer": async (message) => answerPtzPrompt(message.promptId, message.allow),
  "ui.ptz.get": async (message) => controlView(message.tabId),
  "ui.ptz.move": async (message) => moveCamera(message.tabId, message.values),
};

export function startPtz(): void {
  startPtzPromptListeners();
  startPtzControlListeners();
}
