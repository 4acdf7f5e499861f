// A worker driven by commands from tests/e2e/transfer.spec.ts. Relative URLs on purpose.
importScripts("helper.js");
const held = {};
let generator = null;
let drawing = null;

function describe(t) {
  return { id: t.id, kind: t.kind, label: t.label, enabled: t.enabled, muted: t.muted, readyState: t.readyState,
    contentHint: t.contentHint, constraints: t.getConstraints(), settings: t.getSettings(),
    isTrack: t instanceof MediaStreamTrack };
}
function watch(t) {
  const seen = [];
  for (const type of ["ended", "mute", "unmute"]) t.addEventListener(type, () => seen.push(type));
  return seen;
}
async function count(track, ms) {
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  const stamps = [];
  const stop = Date.now() + ms;
  while (Date.now() < stop) {
    const { value, done } = await Promise.race([reader.read(), new Promise((r) => setTimeout(() => r({ timeout: true }), ms))]);
    if (done || !value) break;
    stamps.push(value.timestamp);
    value.close();
  }
  reader.cancel();
  return stamps;
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    switch (m.cmd) {
      case "info": {
        const xhr = new XMLHttpRequest();
        xhr.open("GET", "data.json", false);
        xhr.send();
        postMessage({
          types: Object.fromEntries(["MediaStream", "MediaStreamTrack", "MediaStreamTrackEvent", "MediaStreamTrackProcessor",
            "VideoTrackGenerator"].map((n) => [n, typeof self[n]])),
          href: location.href, pathname: location.pathname, locationString: String(location), helper: self.helperLoaded,
          fetched: (await (await fetch("data.json")).json()).fetched, xhr: JSON.parse(xhr.responseText).fetched,
          request: (await (await fetch(new Request("data.json"))).json()).fetched, requestUrl: new Request("data.json").url,
          requestIsRequest: new Request("data.json") instanceof Request && Request.prototype.constructor === Request,
          requestFromNumber: new Request(5).url,
          parent: typeof parent,
        });
        break;
      }
      case "hold": {
        held[m.name] = m.track;
        held[m.name + ":events"] = watch(m.track);
        postMessage(describe(m.track));
        break;
      }
      case "describe":
        postMessage({ track: describe(held[m.name]), events: held[m.name + ":events"] });
        break;
      case "count":
        postMessage({ stamps: await count(held[m.name], m.ms) });
        break;
      case "metadata": {
        const reader = new MediaStreamTrackProcessor({ track: held[m.name] }).readable.getReader();
        const out = [];
        for (let i = 0; i < m.frames; i++) {
          const { value } = await reader.read();
          const metadata = value.metadata();
          out.push({ captureTime: metadata.captureTime, now: performance.now(), keys: Object.keys(metadata) });
          value.close();
        }
        reader.cancel();
        postMessage({ frames: out });
        break;
      }
      case "apply": {
        const outcome = await held[m.name].applyConstraints(m.constraints).then(() => "ok", (err) => err.name + ": " + err.constraint);
        postMessage({ ...describe(held[m.name]), outcome });
        break;
      }
      case "clone-after-stop": {
        const copy = held[m.name].clone();
        held[m.name].stop();
        postMessage({ stamps: await count(copy, m.ms), copy: describe(copy), original: describe(held[m.name]) });
        copy.stop();
        break;
      }
      case "config-watch": {
        // configurationchange on a held track: the attribute's shape, then what a listener and the
        // handler attribute hear (tests/e2e/track-extensions.spec.ts).
        const t = held[m.name];
        const d = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, "onconfigurationchange");
        const log = (held[m.name + ":config"] = []);
        const entry = (via) => (e) => log.push({ via, type: e.type, cancelable: e.cancelable, bubbles: e.bubbles,
          target: e.target === t, isEvent: e instanceof Event, pan: t.getSettings().pan, capabilities: !!t.getCapabilities().pan,
          constraints: t.getConstraints() });
        const initial = t.onconfigurationchange;
        t.onconfigurationchange = 5;
        const nonCallable = t.onconfigurationchange;
        t.addEventListener("configurationchange", entry("listener"));
        t.onconfigurationchange = entry("handler");
        postMessage({
          has: "onconfigurationchange" in t, own: Object.prototype.hasOwnProperty.call(t, "onconfigurationchange"),
          shape: d && { enumerable: d.enumerable, configurable: d.configurable, get: d.get?.name, set: d.set?.name,
            text: Function.prototype.toString.call(d.get) },
          initial, nonCallable, pan: t.getSettings().pan,
        });
        break;
      }
      case "config-heard":
        postMessage({ heard: held[m.name + ":config"], pan: held[m.name].getSettings().pan });
        break;
      case "give-back":
        postMessage({ track: held[m.name] }, [held[m.name]]);
        break;
      case "stop":
        held[m.name].stop();
        postMessage({ stopped: true });
        break;
      case "generate": {
        generator = new VideoTrackGenerator();
        const writer = generator.writable.getWriter();
        const canvas = new OffscreenCanvas(320, 240);
        const context = canvas.getContext("2d");
        let n = 0;
        drawing = setInterval(() => {
          context.fillStyle = n++ % 2 ? "red" : "blue";
          context.fillRect(0, 0, 320, 240);
          writer.write(new VideoFrame(canvas, { timestamp: n * 33333 })).catch(() => {});
        }, 33);
        generator.close = () => {
          clearInterval(drawing);
          return writer.close();
        };
        postMessage({ track: generator.track, first: describe(generator.track) }, [generator.track]);
        break;
      }
      case "mute":
        generator.muted = m.muted;
        postMessage({ muted: generator.muted });
        break;
      case "end-generator":
        await generator.close();
        postMessage({ closed: true });
        break;
      case "port": {
        // Tracks arriving on a MessagePort are held under their message's name.
        const port = m.port;
        port.onmessage = (pe) => {
          held[pe.data.name] = pe.data.track;
          held[pe.data.name + ":events"] = watch(pe.data.track);
          port.postMessage(describe(pe.data.track));
        };
        postMessage({ ready: true });
        break;
      }
      case "stream": {
        const t = held[m.name];
        const s = new MediaStream([t]);
        const ev = new MediaStreamTrackEvent("addtrack", { track: t });
        const copy = s.clone();
        postMessage({
          id: typeof s.id, active: s.active, tracks: s.getTracks().length, video: s.getVideoTracks().length,
          audio: s.getAudioTracks().length, byId: s.getTrackById(t.id) === t, eventTrack: ev.track === t,
          cloneTracks: copy.getTracks().length, cloneIdDiffers: copy.getTracks()[0].id !== t.id,
          tag: Object.prototype.toString.call(t), newTrack: (() => { try { new MediaStreamTrack(); return "no error"; } catch (err) { return err.name; } })(),
          toStringNative: Function.prototype.toString.call(MediaStreamTrack.prototype.clone),
          getterName: Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, "id").get.name,
        });
        copy.getTracks().forEach((c) => c.stop());
        break;
      }
    }
  } catch (err) {
    postMessage({ error: `${err.name}: ${err.message}` });
  }
};

// Commands for hops between workers and for nested workers.
self.addEventListener("message", async (e) => {
  const m = e.data;
  try {
    switch (m.cmd) {
      case "send-on-port":
        m.port.postMessage({ name: m.name, track: held[m.name] }, [held[m.name]]);
        postMessage({ sent: held[m.name].readyState });
        break;
      case "clone-in-worker": {
        const copy = structuredClone({ t: held[m.name] }, { transfer: [held[m.name]] }).t;
        held[m.as] = copy;
        postMessage({ original: held[m.name].readyState, copy: describe(copy), stamps: (await count(copy, m.ms)).length });
        break;
      }
      case "nested": {
        const inner = new Worker("nested-worker.js");
        const reply = await new Promise((r) => { inner.onmessage = (ev) => r(ev.data); });
        inner.postMessage({ track: held[m.name] }, [held[m.name]]);
        const second = await new Promise((r) => { inner.onmessage = (ev) => r(ev.data); });
        postMessage({ reply, second });
        break;
      }
    }
  } catch (err) {
    postMessage({ error: `${err.name}: ${err.message}` });
  }
});
