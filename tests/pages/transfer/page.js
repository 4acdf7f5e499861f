// Helpers for tests/e2e/transfer.spec.ts and the worker benchmark (scripts/bench.mjs).
(function () {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  function describe(t) {
    return { id: t.id, kind: t.kind, label: t.label, enabled: t.enabled, muted: t.muted, readyState: t.readyState,
      contentHint: t.contentHint, constraints: t.getConstraints(), settings: t.getSettings() };
  }
  /** Records the events a track fires. */
  function watch(t) {
    const seen = [];
    for (const type of ["ended", "mute", "unmute"]) t.addEventListener(type, () => seen.push(type));
    return seen;
  }
  /** The next message from `target` (a worker, port or window). */
  function next(target, filter = () => true) {
    return new Promise((resolve, reject) => {
      const done = (e) => {
        if (!filter(e)) return;
        target.removeEventListener("message", done);
        resolve(e.data);
      };
      target.addEventListener("message", done);
      if (target.addEventListener && "onerror" in target) target.addEventListener("error", (e) => reject(new Error("worker error: " + e.message)), { once: true });
    });
  }
  async function ask(worker, message, transfer = []) {
    const reply = next(worker);
    worker.postMessage(message, transfer);
    return reply;
  }
  /** Plays a track in a <video> and counts the frames presented during `ms`, with their timing. */
  async function play(track, ms) {
    const video = document.createElement("video");
    video.muted = true;
    video.srcObject = new MediaStream([track]);
    document.body.append(video);
    await video.play();
    const frames = [];
    const onFrame = (now, meta) => {
      frames.push({ now, mediaTime: meta.mediaTime, captureTime: meta.captureTime, expected: meta.expectedDisplayTime,
        presented: meta.presentedFrames });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    await sleep(ms);
    const size = [video.videoWidth, video.videoHeight];
    video.remove();
    return { frames, size };
  }
  async function camera(video = { width: 640, height: 480 }) {
    const stream = await navigator.mediaDevices.getUserMedia({ video });
    return stream.getVideoTracks()[0];
  }
  function error(run) {
    try {
      run();
      return null;
    } catch (e) {
      return `${e.name}: ${e.message}`;
    }
  }
  window.tx = { sleep, describe, watch, next, ask, play, camera, error };
})();
