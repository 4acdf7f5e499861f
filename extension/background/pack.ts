/**
 * Runs the pack (dist/pack.js, src/core/pack.ts) in the main world of the frame that asked for it,
 * and only that frame's current document: its main-world script checks and takes it (or, if it was
 * not this extension's pack, refuses it). Asked for once per document, at its first use of a feature.
 */
import { PACK_FILE } from "../../src/core/pack-contract";
import { MessageError, type ContentHandlers } from "./messenger";

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
};
