/**
 * The capture elements' part of the main world's start (their tracking is in the pack,
 * ./capture-elements.ts): at a frame's first click (an element starts a capture only on one) the
 * pack is asked for, and until it is in, the targets of the elements' `stream` and `track` events
 * are noted for it (those events reach a capturing listener on the window before any page
 * listener, for elements in the document).
 */
import { whenPack, packPending } from "../core/pack";
import { addEventListener, appendOwn, apply, eventTarget, removeEventListener } from "../lib/natives";

/** Elements whose `stream`/`track` event came before the pack: [target, whether it was `stream`]. */
export const early: [object, boolean][] = [];

export function installCaptureTrigger(): void {
  // (`in` checks: reading the three interface objects costs a frame ~0.07-0.26 ms, measured over
  // 200 frames; ./capture-elements.ts lists them with their tags.)
  const g = globalThis as object;
  if (!("HTMLUserMediaElement" in g || "HTMLCameraElement" in g || "HTMLMicrophoneElement" in g)) return;
  const note = (isStream: boolean) => (event: Event) => {
    if (!packPending()) return;
    try {
      appendOwn(early, [apply(eventTarget, event, []) as object, isStream]);
    } catch {
      // (Not an event of ours to note.)
    }
  };
  const first = (event: Event) => {
    // A person's click (an element captures on nothing else; `isTrusted` is the event's own,
    // unforgeable): a page's el.click() brings nothing.
    if (!event.isTrusted) return;
    apply(removeEventListener, window, ["click", first, true]);
    apply(addEventListener, window, ["stream", note(true), true]);
    apply(addEventListener, window, ["track", note(false), true]);
    whenPack();
  };
  apply(addEventListener, window, ["click", first, true]);
}
