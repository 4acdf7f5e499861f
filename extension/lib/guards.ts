/** Runtime guards shared by the privileged side (service worker, extension pages). The main world
 * has its own, built on built-ins captured before any page script (src/bridge/protocol.ts). */
export type Loose = Record<string, unknown>;

/** A plain object (not null, not an array). */
export const isObject = (v: unknown): v is Loose => typeof v === "object" && v !== null && !Array.isArray(v);
