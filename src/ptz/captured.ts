/**
 * Built-ins the PTZ feature needs, captured when the main-world script starts (like lib/natives),
 * before the media-method wrappers replace them and before any page script runs.
 */
const getter = (proto: object | undefined, name: string): Function | undefined =>
  proto ? Object.getOwnPropertyDescriptor(proto, name)?.get : undefined;
const track = typeof MediaStreamTrack === "undefined" ? undefined : MediaStreamTrack.prototype;

export const trackApply = track?.applyConstraints as Function | undefined;
export const trackCapabilities = track?.getCapabilities as Function | undefined;
export const trackSettings = track?.getSettings as Function | undefined;
export const trackConstraints = track?.getConstraints as Function | undefined;
export const trackState = getter(track, "readyState");
export const trackClone = track?.clone as Function | undefined;
export const trackStop = track?.stop as Function | undefined;
export const streamVideoTracks = typeof MediaStream === "undefined" ? undefined
  : MediaStream.prototype.getVideoTracks as Function;
/** navigator.permissions, read when a PTZ request needs it: reading `navigator` early, or naming it
 * at all here (the pack's globals are read when it arrives), would make the engine create the
 * Navigator object in every frame at start (~0.04-0.05 ms). What a page put in its place only
 * changes the prompt's wording: the query called on it is the browser's own, noted at start. */
export const permissions = (): Permissions | undefined => (globalThis as { navigator?: Navigator }).navigator?.permissions;
export const permissionQuery = typeof Permissions === "undefined" ? undefined : Permissions.prototype.query as Function;
export const permissionState = typeof PermissionStatus === "undefined" ? undefined
  : getter(PermissionStatus.prototype, "state");
export const now = Date.now;
export const ownDocument = typeof document === "undefined" ? undefined : document;
export const documentVisibility = typeof Document === "undefined" ? undefined : getter(Document.prototype, "visibilityState");
