import { helper } from "./helper-module.js";
self.onmessage = async (e) => {
  const reply = { helper, metaUrl: import.meta.url, href: location.href, types: typeof MediaStreamTrackProcessor };
  if (e.data && e.data.track) {
    reply.track = { id: e.data.track.id, kind: e.data.track.kind, readyState: e.data.track.readyState };
    e.data.track.stop();
  }
  postMessage(reply);
};
