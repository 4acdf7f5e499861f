postMessage({ href: location.href, types: typeof MediaStreamTrackProcessor });
onmessage = async (e) => {
  const reader = new MediaStreamTrackProcessor({ track: e.data.track }).readable.getReader();
  let n = 0;
  const stop = Date.now() + 600;
  while (Date.now() < stop) {
    const { value, done } = await reader.read();
    if (done) break;
    value.close();
    n++;
  }
  e.data.track.stop();
  postMessage({ frames: n, kind: e.data.track.kind });
};
