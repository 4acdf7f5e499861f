/**
 * The Media Capture and Streams Extensions IDL that this extension adds to pages, as TypeScript
 * (see ../shared/seeds, "MediaDevices Interface Extensions" and "MediaStreamConstraints dictionary
 * extensions").
 */
type GetUserMediaSemantics = "browser-chooses" | "user-chooses";

interface MediaDevices {
  readonly defaultSemantics: GetUserMediaSemantics;
}

interface MediaStreamConstraints {
  semantics?: GetUserMediaSemantics;
}

/** Chromium's breakout box (window-only in Chromium; typed here because lib.dom lacks it). */
declare class MediaStreamTrackProcessor<T = VideoFrame | AudioData> {
  constructor(init: { track: MediaStreamTrack; maxBufferSize?: number });
  readonly readable: ReadableStream<T>;
}
