/**
 * Runs the pack (dist/pack.js, src/core/pack.ts) in the main world of the frame that asked for it,
 * and only that frame's current document ("pack.load"), and tells it the source text of the pack's
 * function ("pack.text", asked at the same time): the frame's main-world script runs the function
 * it was given whose text is this one (a page's own functions, offered in its place, have other
 * texts). Asked for once per document, at its first use of a feature.
 */
import { PACK_FILE } from "../../src/core/pack-contract";
import { packFunctionText } from "../../src/core/pack-file";
import { MessageError, type ContentHandlers } from "./messenger";

let text: Promise<string> | undefined;
/** Read once per service-worker run: the extension's own file. */
const packText = (): Promise<string> => text ??= fetch(chrome.runtime.getURL(PACK_FILE))
  .then((response) => response.text())
  .then((file) => {
    const fn = packFunctionText(file);
    if (fn === undefined) throw new Error(`${PACK_FILE} is not a pack`);
    return fn;
  })
  .catch((error: unknown) => {
    text = undefined;
    throw error;
  });

export const packContentHandlers: ContentHandlers = {
  "pack.load": async (_params, sender) => {
    const target = sender.documentId
      ? { tabId: sender.tabId, documentIds: [sender.documentId] }
      : { tabId: sender.tabId, frameIds: [sender.frameId] };
    try {
      await chrome.scripting.executeScript({ target, world: "MAIN", files: [PACK_FILE], injectImmediately: true });
    } catch {
      // The document went away, or the page may not be scripted (e.g. a frame the browser protects).
      throw new MessageError("NotSupportedError", "Capture Control is not available in this frame.");
    }
    return null;
  },
  "pack.text": () => packText(),
};
