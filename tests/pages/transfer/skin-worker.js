// For tests/e2e/face-framing.spec.ts: a worker that holds a transferred video track, tells its
// settings and label, and on request measures where the skin-coloured pixels of its next frame are.
let track, reader;
self.onmessage = async ({ data }) => {
  if (data.track) {
    track = data.track;
    reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    const s = track.getSettings();
    self.postMessage({ label: track.label, faceFraming: s.faceFraming, width: s.width });
  } else if (data.measure) {
    const { value: frame } = await reader.read();
    const w = 160, h = 120, ctx = new OffscreenCanvas(w, h).getContext("2d");
    ctx.drawImage(frame, 0, 0, w, h);
    frame.close();
    const d = ctx.getImageData(0, 0, w, h).data;
    let n = 0, sx = 0;
    for (let i = 0; i < w * h; i++) {
      const r = d[i * 4], g = d[i * 4 + 1], b = d[i * 4 + 2];
      if (r > 150 && r - b > 50 && r - g > 25) { n++; sx += i % w; }
    }
    self.postMessage({ x: n ? sx / n / w : 0, area: n / (w * h) });
  } else if (data.stop) {
    track.stop();
    self.postMessage({ stopped: track.readyState });
  }
};
