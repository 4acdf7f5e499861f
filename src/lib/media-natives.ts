/**
 * Media built-ins only the pack (src/core/pack.ts) uses: its copy of this file starts when the pack
 * arrives, with the built-ins as they were at document start, before the wrappers.
 */
import { getter } from "./natives";

const deviceInfoProto = typeof MediaDeviceInfo === "undefined" ? undefined : MediaDeviceInfo.prototype;
const trackProto = typeof MediaStreamTrack === "undefined" ? undefined : MediaStreamTrack.prototype;
export const nativeEnumerateDevices: Function | undefined =
  typeof MediaDevices === "undefined" ? undefined : MediaDevices.prototype.enumerateDevices;
export const deviceInfoKind = getter(deviceInfoProto, "kind");
export const deviceInfoLabel = getter(deviceInfoProto, "label");
export const deviceInfoDeviceId = getter(deviceInfoProto, "deviceId");
export const deviceInfoGroupId = getter(deviceInfoProto, "groupId");
/** InputDeviceInfo's getCapabilities, read at first use. */
export const inputDeviceGetCapabilities = (): Function | undefined =>
  typeof InputDeviceInfo === "undefined" ? undefined : InputDeviceInfo.prototype.getCapabilities;
export const DOMExceptionCtor = DOMException;
/** The OverconstrainedError constructor, read at first use (absent in insecure contexts). */
export const overconstrainedErrorCtor = (): (new (constraint: string, message?: string) => Error) | undefined =>
  typeof OverconstrainedError === "undefined" ? undefined : OverconstrainedError;
// For in-use tracking (src/tracking/): read through the native getters, which hide-labels wraps.
const streamProto = typeof MediaStream === "undefined" ? undefined : MediaStream.prototype;
export const streamGetTracks: Function | undefined = streamProto?.getTracks;
// For the capture elements (src/tracking/capture-elements.ts): a `<camera>`'s track goes to the
// tracking hooks in a stream of its own, made without reading the page's Array iterator.
export const MediaStreamCtor: Function | undefined = typeof MediaStream === "undefined" ? undefined : MediaStream;
export const streamAddTrack: Function | undefined = streamProto?.addTrack;
export const ownDocument: Document | undefined = typeof document === "undefined" ? undefined : document;
export const trackKind = getter(trackProto, "kind");
export const trackLabel = getter(trackProto, "label");
export const trackMuted = getter(trackProto, "muted");
export const trackEnabled = getter(trackProto, "enabled");
export const has = Reflect.has;
export const promiseReject = Promise.reject;
