// Test helpers for pages that call getUserMedia (gum.html, tracking-frames.html): tests call
// ask(key, constraints) and read the outcome later with outcome(key).
window.outcomes = {};
window.ask = (key, constraints) => {
  window.outcomes[key] = { state: "pending" };
  navigator.mediaDevices.getUserMedia(constraints).then(
    (stream) => {
      window.streams = window.streams || {};
      window.streams[key] = stream;
      window.outcomes[key] = {
        state: "ok",
        tracks: stream.getTracks().map((t) => ({ kind: t.kind, label: t.label, deviceId: t.getSettings().deviceId })),
      };
    },
    (e) => { window.outcomes[key] = { state: "error", name: e.name, message: e.message, constraint: e.constraint }; },
  );
};
window.outcome = (key) => window.outcomes[key];
