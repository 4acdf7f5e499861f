/** All UI text comes from _locales through chrome.i18n. */
import browser from "webextension-polyfill";
import type messages from "../public/_locales/en/messages.json";

export type MessageKey = keyof typeof messages;

export function t(key: MessageKey, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

// The pages are written in the language of the messages Chrome picked, so that screen readers
// pronounce them right (the HTML files say "en" until this runs).
if (typeof document !== "undefined") document.documentElement.lang = t("htmlLang");
