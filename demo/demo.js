// Capture Control demo: plain JS, no build step. Works with or without the extension loaded.
// Every output element gets a data-state (idle, busy, done, error, unsupported) for automation.
"use strict";

const $ = (id) => document.getElementById(id);
const md = typeof navigator !== "undefined" ? navigator.mediaDevices : undefined;

/** `${name}: ${message}` for anything thrown or rejected. */
function errText(e) {
  if (e && typeof e === "object" && "name" in e) return `${e.name}: ${e.message ?? ""}`;
  return `Error: ${String(e)}`;
}

function json(value) {
  return JSON.stringify(value, null, 2);
}

/** A plain copy of a WebIDL object (attributes live on the prototype, so JSON.stringify alone may see nothing). */
function plain(obj) {
  if (obj == null || typeof obj !== "object") return obj;
  if (typeof obj.toJSON === "function") return obj.toJSON();
  const out = {};
  for (const key in obj) {
    const v = obj[key];
    if (typeof v !== "function") out[key] = v;
  }
  return out;
}

function show(el, text, state = "done") {
  el.textContent = text;
  el.dataset.state = state;
}

function stopStream(stream) {
  if (stream) for (const t of stream.getTracks()) t.stop();
}

/** Runs `fn` with the button disabled and the output marked busy. */
async function run(btn, out, busyText, fn) {
  btn.disabled = true;
  show(out, busyText, "busy");
  try {
    await fn();
  } catch (e) {
    show(out, errText(e), "error");
  } finally {
    btn.disabled = false;
  }
}

function needMediaDevices(out) {
  if (md) return true;
  show(out, "Not available: navigator.mediaDevices is undefined (this page is not a secure context, " +
    "or the browser has no media capture).", "unsupported");
  return false;
}

function trackSummary(track, { capabilities = true } = {}) {
  const lines = [`label: ${track.label || "(empty)"}`, `kind: ${track.kind}`, `readyState: ${track.readyState}`];
  lines.push("", "getSettings():", json(track.getSettings()));
  if (capabilities) {
    lines.push("", "getCapabilities():");
    lines.push(typeof track.getCapabilities === "function" ? json(track.getCapabilities()) : "not available");
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Environment
{
  const env = $("env");
  const has = md && "defaultSemantics" in md;
  if (!md) {
    env.textContent = "navigator.mediaDevices is not available here (not a secure context?). Most sections will say so.";
    env.dataset.state = "unsupported";
  } else if (has) {
    env.textContent = "Extension APIs detected: navigator.mediaDevices.defaultSemantics exists.";
    env.dataset.state = "extension";
  } else {
    env.textContent = "No extension APIs detected: this is the browser's own behaviour.";
    env.dataset.state = "native";
  }
}

for (const out of document.querySelectorAll(".out")) out.dataset.state = "idle";

// ---------------------------------------------------------------------------------------------
// Default semantics
$("semantics-btn").addEventListener("click", () => {
  const out = $("semantics-out");
  if (!needMediaDevices(out)) return;
  if (!("defaultSemantics" in md)) {
    show(out, "not supported (navigator.mediaDevices.defaultSemantics is undefined: the extension " +
      "is not loaded, or this browser does not implement it)", "unsupported");
    return;
  }
  try {
    show(out, `navigator.mediaDevices.defaultSemantics = ${JSON.stringify(md.defaultSemantics)}`);
  } catch (e) {
    show(out, errText(e), "error");
  }
});

// ---------------------------------------------------------------------------------------------
// Devices
let devicesShown = false;

function shortId(id) {
  if (!id) return "(empty)";
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

async function listDevices() {
  const out = $("devices-out");
  const devices = await md.enumerateDevices();
  const table = document.createElement("table");
  const caption = table.createCaption();
  caption.textContent = `${devices.length} device${devices.length === 1 ? "" : "s"} at ${new Date().toLocaleTimeString()}`;
  const head = table.createTHead().insertRow();
  for (const h of ["Kind", "Label", "Device ID"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = h;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const d of devices) {
    const row = body.insertRow();
    row.insertCell().textContent = d.kind;
    const label = row.insertCell();
    label.textContent = d.label || "(hidden)";
    if (!d.label) label.className = "muted";
    const id = row.insertCell();
    id.textContent = shortId(d.deviceId);
    id.title = d.deviceId;
    id.className = "mono";
  }
  out.replaceChildren(table);
  if (devices.length === 0) out.append("No devices.");
  out.dataset.state = "done";
  devicesShown = true;
}

$("devices-btn").addEventListener("click", () => {
  const out = $("devices-out");
  if (!needMediaDevices(out)) return;
  run($("devices-btn"), out, "Listing…", listDevices);
});

if (md && typeof md.addEventListener === "function") {
  md.addEventListener("devicechange", () => {
    if (devicesShown) listDevices().catch((e) => show($("devices-out"), errText(e), "error"));
  });
}

// ---------------------------------------------------------------------------------------------
// Camera
let cameraStream = null;

function stopCamera(message = "Camera stopped.") {
  stopStream(cameraStream);
  cameraStream = null;
  $("camera-video").srcObject = null;
  $("camera-stop").disabled = true;
  show($("camera-out"), message, "idle");
}

$("camera-btn").addEventListener("click", () => {
  const out = $("camera-out");
  if (!needMediaDevices(out)) return;
  run($("camera-btn"), out, "Asking for the camera…", async () => {
    if (cameraStream) stopCamera();
    const stream = await md.getUserMedia({ video: true });
    cameraStream = stream;
    const track = stream.getVideoTracks()[0];
    $("camera-video").srcObject = stream;
    $("camera-stop").disabled = false;
    track.addEventListener("ended", () => {
      if (cameraStream === stream) stopCamera("The camera track ended.");
    });
    show(out, trackSummary(track));
  });
});

$("camera-stop").addEventListener("click", () => stopCamera());

// ---------------------------------------------------------------------------------------------
// Choose camera
$("choose-btn").addEventListener("click", () => {
  const out = $("choose-out");
  if (!needMediaDevices(out)) return;
  run($("choose-btn"), out, "Asking for a camera (user-chooses)…", async () => {
    const stream = await md.getUserMedia({ video: true, semantics: "user-chooses" });
    try {
      const track = stream.getVideoTracks()[0];
      const settings = track.getSettings();
      show(out, [
        "Got a camera.",
        `label: ${track.label || "(empty)"}`,
        `deviceId: ${shortId(settings.deviceId)}`,
        `size: ${settings.width ?? "?"}×${settings.height ?? "?"}`,
        "(stream stopped again)",
      ].join("\n"));
    } finally {
      stopStream(stream);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Microphone
let micStream = null;

function stopMic(message = "Microphone stopped.") {
  stopStream(micStream);
  micStream = null;
  $("mic-stop").disabled = true;
  show($("mic-out"), message, "idle");
}

$("mic-btn").addEventListener("click", () => {
  const out = $("mic-out");
  if (!needMediaDevices(out)) return;
  run($("mic-btn"), out, "Asking for the microphone…", async () => {
    if (micStream) stopMic();
    const stream = await md.getUserMedia({ audio: true });
    micStream = stream;
    const track = stream.getAudioTracks()[0];
    $("mic-stop").disabled = false;
    track.addEventListener("ended", () => {
      if (micStream === stream) stopMic("The microphone track ended.");
    });
    show(out, trackSummary(track, { capabilities: false }));
  });
});

$("mic-stop").addEventListener("click", () => stopMic());

// ---------------------------------------------------------------------------------------------
// Pan/tilt/zoom
const PTZ = ["pan", "tilt", "zoom"];
let ptzStream = null;

function ptzReport(track, last) {
  const caps = typeof track.getCapabilities === "function" ? track.getCapabilities() : {};
  const settings = track.getSettings();
  const lines = [`label: ${track.label || "(empty)"}`];
  for (const k of PTZ) {
    const c = caps[k];
    if (c && typeof c === "object") {
      lines.push(`${k}: ${c.min} … ${c.max}, step ${c.step ?? "?"}, now ${settings[k] ?? "?"}`);
    } else {
      lines.push(`${k}: not supported by this camera`);
    }
  }
  if (last) lines.push("", last);
  return lines.join("\n");
}

function stopPtz(message = "Stopped.") {
  stopStream(ptzStream);
  ptzStream = null;
  $("ptz-video").srcObject = null;
  $("ptz-stop").disabled = true;
  const controls = $("ptz-controls");
  controls.hidden = true;
  for (const el of controls.querySelectorAll(".ptz-row")) el.remove();
  show($("ptz-out"), message, "idle");
}

function buildPtzControls(track) {
  const controls = $("ptz-controls");
  for (const el of controls.querySelectorAll(".ptz-row")) el.remove();
  const caps = typeof track.getCapabilities === "function" ? track.getCapabilities() : {};
  const settings = track.getSettings();
  let any = false;
  for (const k of PTZ) {
    const c = caps[k];
    if (!c || typeof c !== "object" || typeof c.min !== "number" || typeof c.max !== "number") continue;
    any = true;
    const row = document.createElement("div");
    row.className = "ptz-row";
    const label = document.createElement("label");
    label.htmlFor = `ptz-${k}`;
    label.textContent = k;
    const input = document.createElement("input");
    input.type = "range";
    input.id = `ptz-${k}`;
    input.min = String(c.min);
    input.max = String(c.max);
    input.step = String(c.step > 0 ? c.step : (c.max - c.min) / 100 || 1);
    input.value = String(settings[k] ?? c.min);
    const value = document.createElement("output");
    value.htmlFor = input.id;
    value.id = `ptz-${k}-value`;
    value.textContent = input.value;
    row.append(label, input, value);
    controls.appendChild(row);

    // Coalesce slider moves: one applyConstraints at a time, the latest value wins.
    let pending = null;
    let busy = false;
    const apply = async () => {
      if (busy) return;
      busy = true;
      while (pending !== null) {
        const v = pending;
        pending = null;
        try {
          await track.applyConstraints({ advanced: [{ [k]: v }] });
          show($("ptz-out"), ptzReport(track, `applyConstraints({ advanced: [{ ${k}: ${v} }] }) → ok`));
        } catch (e) {
          show($("ptz-out"), ptzReport(track, errText(e)), "error");
        }
      }
      busy = false;
    };
    input.addEventListener("input", () => {
      value.textContent = input.value;
      pending = Number(input.value);
      apply();
    });
  }
  controls.hidden = !any;
}

$("ptz-btn").addEventListener("click", () => {
  const out = $("ptz-out");
  if (!needMediaDevices(out)) return;
  run($("ptz-btn"), out, "Asking for a pan/tilt/zoom camera…", async () => {
    if (ptzStream) stopPtz();
    const stream = await md.getUserMedia({ video: { pan: true, tilt: true, zoom: true } });
    ptzStream = stream;
    const track = stream.getVideoTracks()[0];
    $("ptz-video").srcObject = stream;
    $("ptz-stop").disabled = false;
    track.addEventListener("ended", () => {
      if (ptzStream === stream) stopPtz("The track ended.");
    });
    buildPtzControls(track);
    show(out, ptzReport(track));
    // Moves made elsewhere (the extension's popup or keys, another track on this camera) arrive
    // as configurationchange; the sliders follow them.
    track.onconfigurationchange = () => {
      const settings = track.getSettings();
      for (const k of PTZ) {
        const input = $(`ptz-${k}`);
        if (input && typeof settings[k] === "number") {
          input.value = String(settings[k]);
          $(`ptz-${k}-value`).textContent = input.value;
        }
      }
      show($("ptz-out"), ptzReport(track, `configurationchange at ${new Date().toLocaleTimeString()}`));
    };
  });
});

$("ptz-stop").addEventListener("click", () => stopPtz());

// ---------------------------------------------------------------------------------------------
// Track stats
let statsTimer = null;

function statsSupported() {
  return typeof MediaStreamTrack !== "undefined" && "stats" in MediaStreamTrack.prototype;
}

function readStats() {
  const out = $("stats-out");
  const track = cameraStream?.getVideoTracks()[0];
  if (!track || track.readyState !== "live") {
    show(out, "Waiting for a camera track: start the camera in the Camera section.", "busy");
    return;
  }
  if (track.stats == null) {
    show(out, "not supported: this camera track has no stats.", "unsupported");
    return;
  }
  show(out, `${new Date().toLocaleTimeString()}  ${track.label || "(camera)"}\n${json(plain(track.stats))}`);
}

function setWatching(on) {
  const btn = $("stats-btn");
  btn.setAttribute("aria-pressed", String(on));
  btn.textContent = on ? "Stop watching" : "Watch stats";
  clearInterval(statsTimer);
  statsTimer = null;
  if (on) {
    readStats();
    statsTimer = setInterval(readStats, 1000);
  }
}

$("stats-btn").addEventListener("click", () => {
  const out = $("stats-out");
  if (!statsSupported()) {
    show(out, "not supported: MediaStreamTrack.prototype.stats does not exist in this browser.", "unsupported");
    return;
  }
  if (statsTimer) {
    setWatching(false);
    show(out, "Not watching.", "idle");
  } else {
    setWatching(true);
  }
});

window.addEventListener("pagehide", () => {
  stopStream(cameraStream);
  stopStream(micStream);
  stopStream(ptzStream);
});

// ---------------------------------------------------------------------------------------------
// Frame timing: VideoFrame.metadata().captureTime of frames read with MediaStreamTrackProcessor
$("frames-btn").addEventListener("click", () => {
  const out = $("frames-out");
  if (typeof MediaStreamTrackProcessor === "undefined") {
    show(out, "not supported: MediaStreamTrackProcessor does not exist in this browser.", "unsupported");
    return;
  }
  const track = cameraStream?.getVideoTracks()[0];
  if (!track || track.readyState !== "live") {
    show(out, "Start the camera first (Camera section).", "error");
    return;
  }
  run($("frames-btn"), out, "Reading 30 frames…", async () => {
    const reader = new MediaStreamTrackProcessor({ track: track.clone() }).readable.getReader();
    const ages = [];
    let missing = 0;
    for (let i = 0; i < 30; i++) {
      const { value } = await reader.read();
      const { captureTime } = value.metadata();
      if (typeof captureTime === "number") ages.push(performance.now() - captureTime);
      else missing++;
      value.close();
    }
    await reader.cancel();
    if (!ages.length) {
      show(out, "not supported: frames carry no captureTime in this browser.", "unsupported");
      return;
    }
    ages.sort((a, b) => a - b);
    show(out, `30 frames read; captureTime on ${ages.length} of them${missing ? ` (${missing} without)` : ""}\n` +
      `time from capture to read: median ${ages[ages.length >> 1].toFixed(1)} ms, max ${ages[ages.length - 1].toFixed(1)} ms` +
      "\n(where Capture Control fills captureTime in, the fastest frame's own delay is not included)");
  });
});
