/**
 * backgroundBlur's mask handling (issue 7), in the effects worker: pure functions of the
 * segmenter's person masks and their timing, so they can be tested without a browser.
 * See docs/EFFECTS.md ("backgroundBlur").
 *
 * Masks come far less often than frames (an inference takes ~35-70 ms here), so each mask is used
 * for every frame until the next one. To keep the edge from flickering between masks, a new mask
 * is blended into the previous one with a weight that grows with the time between them; its
 * probabilities then go through a soft ramp to the alpha the compositor draws the person with
 * (the compositor also blurs that alpha a little as it scales it up: the feathered edge).
 */

/** Time constant (ms) of the blend: a mask 66 ms after the last counts ~73%, after 200 ms ~98%. */
export const MASK_TAU_MS = 50;
/** Person probabilities at or below LOW are background (alpha 0), at or above HIGH person (255). */
export const LOW = 0.3, HIGH = 0.7;
/** The shortest time (ms) between the starts of two inferences: at most ~15 masks a second. */
export const MASK_GAP_MS = 66;

/** Blends `next` (a new mask) into `previous` (updated in place and returned), `ms` after the
 * previous mask; the first mask, or one of another size, is taken as it is (a copy). */
export function smoothMask(previous: Float32Array | null, next: Float32Array, ms: number): Float32Array {
  if (!previous || previous.length !== next.length) return next.slice();
  const k = ms > 0 ? 1 - Math.exp(-ms / MASK_TAU_MS) : 0;
  for (let i = 0; i < next.length; i++) previous[i] += (next[i] - previous[i]) * k;
  return previous;
}

/** The alpha (0..255) for a person probability: a smoothstep between LOW and HIGH. */
export function alphaOf(p: number): number {
  const t = p <= LOW ? 0 : p >= HIGH ? 1 : (p - LOW) / (HIGH - LOW);
  return Math.round(t * t * (3 - 2 * t) * 255);
}

/** Writes `mask` as the alpha of `rgba` (ImageData bytes of the mask's size; colour left black). */
export function maskToAlpha(mask: Float32Array, rgba: Uint8ClampedArray): void {
  for (let i = 0, j = 3; i < mask.length; i++, j += 4) rgba[j] = alphaOf(mask[i]);
}

/** When (ms, the clock of `now`) the next inference may start, after one that took `took` ms and
 * ended at `now`: no sooner than MASK_GAP_MS after its start, and the segmenter rests at least half
 * its working time (so a slow or busy machine makes fewer masks, never a queue of them). */
export const nextMaskAt = (now: number, took: number): number => now + Math.max(MASK_GAP_MS - took, took / 2);
