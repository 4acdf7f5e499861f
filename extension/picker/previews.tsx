/**
 * Live previews of the selected devices: the camera's picture and the microphone's level. They
 * help the user tell devices apart and never block choosing: any failure shows "Preview
 * unavailable". Streams are opened with the extension's own device ids and its own grant, and
 * all of them are stopped before the picker answers or goes away.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../ui/i18n";
import { stopStream } from "./devices";

const live = new Set<MediaStream>();
let closed = false;

async function openPreview(constraints: MediaStreamConstraints): Promise<MediaStream> {
  if (closed) throw new Error("closed");
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  if (closed) {
    stopStream(stream);
    throw new Error("closed");
  }
  live.add(stream);
  return stream;
}

function release(stream: MediaStream | null): void {
  if (!stream) return;
  live.delete(stream);
  stopStream(stream);
}

/** Stops every preview for good: before answering, and when the page goes away. */
export function stopAllPreviews(): void {
  closed = true;
  for (const stream of live) stopStream(stream);
  live.clear();
}

type PreviewState = "starting" | "live" | "failed";

function Unavailable() {
  return <span class="preview-unavailable">{t("pickerPreviewUnavailable")}</span>;
}

export function CameraPreview({ deviceId }: { deviceId: string | null }) {
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<PreviewState>("starting");

  useEffect(() => {
    if (!deviceId) {
      setState("failed");
      return;
    }
    let current = true;
    let stream: MediaStream | null = null;
    setState("starting");
    openPreview({ video: { deviceId: { exact: deviceId }, width: { ideal: 320 }, height: { ideal: 240 } } }).then(
      (opened) => {
        if (!current) return release(opened);
        stream = opened;
        const [track] = opened.getVideoTracks();
        track?.addEventListener("ended", () => current && setState("failed"));
        if (video.current) video.current.srcObject = opened;
        setState("live");
      },
      () => current && setState("failed"),
    );
    return () => {
      current = false;
      if (video.current) video.current.srcObject = null;
      release(stream);
    };
  }, [deviceId]);

  return (
    <div class="camera-preview" data-state={state}>
      <video ref={video} muted autoplay playsInline aria-label={t("pickerPreviewLabel")} />
      {state === "failed" ? <Unavailable /> : null}
    </div>
  );
}

/** Maps an RMS amplitude to 0..1 over the top 60 dB, which is what a speaking voice moves. */
function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

export function MicLevel({ deviceId }: { deviceId: string | null }) {
  const [state, setState] = useState<PreviewState>("starting");
  const [level, setLevel] = useState(0);

  useEffect(() => {
    if (!deviceId) {
      setState("failed");
      return;
    }
    let current = true;
    let stream: MediaStream | null = null;
    let context: AudioContext | null = null;
    let frame = 0;
    const resume = () => void context?.resume().catch(() => undefined);
    setState("starting");
    setLevel(0);
    openPreview({
      // The raw signal: processing would flatten the level the user is trying to see.
      audio: { deviceId: { exact: deviceId }, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    }).then(
      (opened) => {
        if (!current) return release(opened);
        stream = opened;
        try {
          context = new AudioContext();
          const analyser = context.createAnalyser();
          analyser.fftSize = 1024;
          context.createMediaStreamSource(opened).connect(analyser);
          // Chrome may start the context suspended until the user interacts with the page.
          resume();
          const samples = new Float32Array(analyser.fftSize);
          let shown = 0;
          const tick = () => {
            analyser.getFloatTimeDomainData(samples);
            // Fast attack, slow release, and no re-render for changes nobody can see.
            const next = Math.max(levelOf(samples), shown * 0.85);
            if (Math.abs(next - shown) > 0.01) setLevel((shown = next));
            frame = requestAnimationFrame(tick);
          };
          frame = requestAnimationFrame(tick);
          setState("live");
        } catch {
          setState("failed");
        }
      },
      () => current && setState("failed"),
    );
    document.addEventListener("pointerdown", resume);
    document.addEventListener("keydown", resume);
    return () => {
      current = false;
      cancelAnimationFrame(frame);
      document.removeEventListener("pointerdown", resume);
      document.removeEventListener("keydown", resume);
      void context?.close().catch(() => undefined);
      release(stream);
    };
  }, [deviceId]);

  return (
    <div class="mic-level" data-state={state}>
      {state === "failed" ? (
        <Unavailable />
      ) : (
        <meter min={0} max={1} low={0.6} high={0.9} optimum={0.5} value={level} aria-label={t("pickerLevelLabel")} />
      )}
    </div>
  );
}
