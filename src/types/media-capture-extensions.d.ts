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
