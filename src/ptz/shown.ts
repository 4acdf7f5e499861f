/**
 * Whether the page may see a track's pan/tilt/zoom: the PTZ gate (ptz.ts) is open for it; always
 * while the gate is not installed. In-use tracking reports a capture's PTZ only then, since a
 * `<camera>` element's track has the browser's PTZ whenever the browser granted it, asked or not
 * (src/tracking/capture-elements.ts). A module of its own, so tracking need not import the gate.
 */
let shown: (track: unknown) => boolean = () => true;

export const ptzShown = (track: unknown): boolean => shown(track);

export function setPtzShown(test: (track: unknown) => boolean): void {
  shown = test;
}
