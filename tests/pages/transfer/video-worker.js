// The worker of the Media Capture Extensions example ("human face metadata"), with one line
// changed: the example posts with `parent.postMessage`, which no dedicated worker has (the
// extension does not invent that global); a worker posts to its page with `self.postMessage`.
self.onmessage = async ({data: {track}}) => {
  const generator = new VideoTrackGenerator();
  self.postMessage({videoTrack: generator.track}, [generator.track]);
  const {readable} = new MediaStreamTrackProcessor({track});
  const transformer = new TransformStream({
    async transform(frame, controller) {
      for (const segment of frame.metadata().segments || []) {
        if (segment.type === 'human-face') {
          // the metadata is coming directly from the video track with
          // bounding-box face detection enabled
          console.log(
            `Face @ (${segment.boundingBox.x}, ${segment.boundingBox.y}), size ` +
            `${segment.boundingBox.width}x${segment.boundingBox.height}`);
        }
      }
      controller.enqueue(frame);
    }
  });
  await readable.pipeThrough(transformer).pipeTo(generator.writable);
};
