// The same helpers as gum.html, for pages that embed frames.
window.outcomes = {};
window.ask = (key, constraints) => {
  window.outcomes[key] = { state: "pending" };
  navigator.mediaDevices.getUserMedia(constraints).then(
    (stream) => {
      window.streams = window.streams || {};
      window.streams[key] = stream;
      window.outcomes[key] = { state: "ok", tracks: stream.getTracks().map((t) => ({ kind: t.kind, label: t.label })) };
    },
    (e) => { window.outcomes[key] = { state: "error", name: e.name, message: e.message }; },
  );
};
window.outcome = (key) => window.outcomes[key];
