// For tests/e2e/face-framing.spec.ts and background-blur.spec.ts: a worker that holds a transferred
// video track, tells its settings and label, and on request measures where the skin-coloured pixels
// of its next frame are, or (`box`: x0, y0, x1, y1 of the frame scaled to 640x480) the mean squared
// luma gradient there.
let track, reader;
self.onmessage = async ({ data }) => {
  if (data.track) {
    track = data.track;
    reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
    const s = track.getSettings();
    self.postMessage({ label: track.label, faceFraming: s.faceFraming, backgroundBlur: s.backgroundBlur, width: s.width });
  } else if (data.measure && data.box) {
    const { value: frame } = await reader.read();
    const ctx = new OffscreenCanvas(640, 480).getContext("2d");
    ctx.drawImage(frame, 0, 0, 640, 480);
    frame.close();
    const d = ctx.getImageData(0, 0, 640, 480).data, luma = (i) => 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
    const [x0, y0, x1, y1] = data.box;
    let sum = 0, n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
      const i = (y * 640 + x) * 4, here = luma(i);
      sum += (luma(i + 4) - here) ** 2 + (luma(i + 640 * 4) - here) ** 2;
      n++;
    }
    self.postMessage({ edges: sum / n });
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
