/**
 * Hostile pages (issue 9). Each attack is a test that asserts the attack fails and that the user's
 * state (chrome.storage.local: settings, history, remembered devices, one-time grants, backups; and
 * the sites' browser permissions) is unchanged. Attacks already covered elsewhere are not repeated
 * here: forged handshakes and forged messages on visible channels (bridge.spec.ts,
 * lazy-bridge.spec.ts), built-ins tampered in a top page without a feature engaged
 * (tamper.html), fresh realms without a setting engaged (injection.spec.ts), a flood of picker
 * requests from one frame (picker.spec.ts).
 *
 * The browser has the user's state seeded once: site A (the test server's localhost origin) lets
 * the user choose devices, site C (a second server) hides device names, A has history and a
 * remembered camera, and A, B and C already have the camera and microphone permission (so that the
 * user's own Allow in the picker changes nothing stored). B (127.0.0.1) is the attacker's site.
 * Every attack is recorded in test-results/tally.jsonl for `npm run soak`.
 */
import type { BrowserContext, Page } from "@playwright/test";
import type { Server } from "node:http";
import { resolve } from "node:path";
import { startServer } from "../../scripts/serve.mjs";
import { monitorServiceWorker, type ServiceWorkerMonitor } from "../support/sw-monitor.mjs";
import { expect, extensionWorker, launch, liveCaptureCount, test } from "./fixtures";
import { attack, expectStateUnchanged, readUserState, stateReader } from "./tally";

const isPicker = (p: Page) => p.url().includes("/extension/picker/index.html");
const isPtzPrompt = (p: Page) => p.url().includes("/extension/ptz-prompt/index.html");
const nextPicker = (context: BrowserContext) => context.waitForEvent("page", { predicate: isPicker, timeout: 10_000 });
/** The picker answers and closes itself; an action may still be finishing when it goes. */
const closing = (action: Promise<unknown>) => action.catch((e: Error) => expect(e.message).toMatch(/closed/));

/** The user picks `label`, once, without remembering it (so that nothing stored changes). */
async function choose(picker: Page, label: string) {
  await picker.getByRole("radio", { name: label }).check();
  await picker.getByRole("checkbox", { name: /Remember/ }).uncheck();
  await closing(picker.getByRole("button", { name: /^Allow/ }).click());
}

type Target = Page | import("@playwright/test").Frame;
const outcome = (target: Target, key: string) => target.evaluate((k) => (window as any).outcome(k), key);
async function settled(target: Target, key: string) {
  await expect.poll(async () => (await outcome(target, key))?.state, { timeout: 10_000 }).not.toBe("pending");
  return outcome(target, key);
}

interface Env {
  context: BrowserContext;
  close: () => Promise<void>;
  extensionId: string;
  /** Extension page that reads the user's state. */
  state: Page;
  monitor: ServiceWorkerMonitor;
  servers: Server[];
  A: string;
  B: string;
  C: string;
  /** More origins of the attacker (other ports), for floods. */
  more: string[];
}
let env: Env;

/** Every page the extension opened or an attack left open is closed, and the registry drained. */
async function tidy() {
  for (const p of env.context.pages()) if (p !== env.state && !p.isClosed()) await p.close().catch(() => undefined);
  await expect.poll(() => liveCaptureCount(env.state), { timeout: 10_000 }).toBe(0);
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ site }) => {
  const { context, close } = await launch({ extension: true });
  const extensionId = new URL((await extensionWorker(context)).url()).host;
  const servers: Server[] = [];
  const origins: string[] = [];
  for (let i = 0; i < 5; i++) {
    const server = await startServer({ "/": resolve("tests/pages") });
    servers.push(server);
    origins.push(`http://localhost:${(server.address() as { port: number }).port}`);
  }
  const state = await stateReader(context, extensionId);
  const [C, ...more] = origins;
  const A = site.origin;
  const B = site.otherOrigin;
  await expect.poll(() => state.evaluate(async () => !!(await chrome.storage.local.get("settings")).settings)).toBe(true);
  await state.evaluate(async ({ A, B, C }) => {
    const send = (message: object) => chrome.runtime.sendMessage(message);
    await send({ type: "ui.setSiteSettings", origin: A, patch: { semantics: "user-chooses" } });
    await send({ type: "ui.setSiteSettings", origin: C, patch: { hideLabels: true } });
    for (const origin of [A, B, C]) {
      for (const kind of ["video", "audio"]) await send({ type: "ui.setPermission", origin, kind, setting: "allow" });
    }
    const day = 86_400_000;
    const now = Date.now();
    await chrome.storage.local.set({
      captureHistory: {
        version: 1, retentionDays: 90, entries: [
          { origin: A, topOrigin: null, kind: "video", label: "fake_device_1", start: now - 2 * day, end: now - 2 * day + 60_000 },
          { origin: "https://victim.example", topOrigin: null, kind: "audio", label: "Fake Audio Input 1", start: now - day, end: now - day + 5_000 },
        ],
      },
      rememberedDevices: { [A]: { video: "fake_device_1" } },
    });
  }, { A, B, C });
  const monitor = await monitorServiceWorker(context, state);
  env = { context, close, extensionId, state, monitor, servers, A, B, C, more };
});

test.afterAll(async () => {
  await env.monitor.close();
  await env.close();
  for (const s of env.servers) s.close();
});

test.afterEach(async () => {
  await tidy();
  // Whatever the attack did, the service worker threw nothing.
  expect(env.monitor.errors).toEqual([]);
});

test("replaying what a page can observe of a real picker flow reaches nothing", async () => {
  await attack("replay of captured bridge traffic", async () => {
    const before = await readUserState(env.state, [env.A, env.B]);
    const page = await env.context.newPage();
    await page.goto(`${env.A}/gum-frame.html?src=${encodeURIComponent(`${env.B}/gum.html`)}`);
    await expect.poll(() => page.frames().length).toBe(2);
    const frame = page.frames()[1];
    await frame.waitForFunction(() => typeof (window as any).ask === "function");
    // The top page records every event and message it can observe, in both frames.
    const record = () => {
      const w = window as any;
      w.seen = [];
      const types = ["message", "capture-control:ask", "capture-control:offer", "capture-control:ack",
        "capture-control:up", "capture-control:down", "capture-control:wake"];
      for (const type of types) {
        for (const target of [window, document, document.documentElement]) {
          target.addEventListener(type, (e: any) => w.seen.push({ type: e.type, data: e.data ?? null, detail: e.detail ?? null }), true);
        }
      }
      const real = EventTarget.prototype.dispatchEvent;
      EventTarget.prototype.dispatchEvent = function (event: Event) {
        w.seen.push({ type: `dispatched ${event.type}`, data: null, detail: (event as CustomEvent).detail ?? null });
        return real.call(this, event);
      };
    };
    await page.evaluate(record);
    await frame.evaluate(record);

    const opened = nextPicker(env.context);
    await frame.evaluate(() => (window as any).ask("real", { video: true, semantics: "user-chooses" }));
    await choose(await opened, "fake_device_2");
    expect(await settled(frame, "real")).toMatchObject({ state: "ok", tracks: [{ label: "fake_device_2" }] });

    // All the page saw of the flow: the frame's constant wake request to the top frame.
    const seen = [...await page.evaluate(() => (window as any).seen), ...await frame.evaluate(() => (window as any).seen)];
    expect(seen.filter((e: { type: string }) => e.type !== "message")).toEqual([]);
    expect(new Set(seen.map((e: { data: unknown }) => e.data))).toEqual(new Set(["capture-control:wake"]));

    let pickers = 0;
    const count = (p: Page) => { if (isPicker(p) || isPtzPrompt(p)) pickers++; };
    env.context.on("page", count);
    const replay = (events: { type: string; data: unknown; detail: unknown }[]) => {
      const forgedReply = JSON.stringify({ kind: "reply", id: "x", ok: true, value: { video: { label: "fake_device_0", ordinal: 0 } } });
      for (let i = 0; i < 20; i++) {
        for (const e of events) {
          window.postMessage(e.data, "*");
          top!.postMessage(e.data, "*");
          for (const target of [window, document, document.documentElement]) {
            target.dispatchEvent(new CustomEvent(e.type, { detail: e.detail, bubbles: true }));
          }
        }
        for (const type of ["capture-control:down", "capture-control:up"]) {
          window.dispatchEvent(new CustomEvent(type, { detail: forgedReply, bubbles: true }));
        }
      }
    };
    await page.evaluate(replay, seen);
    await frame.evaluate(replay, seen);
    await page.waitForTimeout(1000);
    env.context.off("page", count);
    expect(pickers).toBe(0);
    // The frame still has exactly the device the user chose, and its channel still works.
    expect(await frame.evaluate(() => (window as any).streams.real.getTracks().map((t: MediaStreamTrack) => [t.label, t.readyState])))
      .toEqual([["fake_device_2", "live"]]);
    const again = nextPicker(env.context);
    await frame.evaluate(() => (window as any).ask("again", { video: true, semantics: "user-chooses" }));
    await closing((await again).getByRole("button", { name: /^Cancel/ }).click());
    expect(await settled(frame, "again")).toMatchObject({ state: "error", name: "NotAllowedError" });
    await expectStateUnchanged(env.state, before);
  });
});

/** The outcome hostile-tamper.html shows for `key` (read from the DOM: see the page). */
async function shown(target: Target, key: string): Promise<Record<string, unknown>> {
  const text = await target.locator(`#outcome-${key}`).textContent();
  return text ? JSON.parse(text) : { state: "not asked" };
}

async function askOnTamperPage(target: Target, key: string, userChooses = true) {
  await target.locator("#key").fill(key);
  await target.locator("#semantics").setChecked(userChooses);
  await target.locator("#ask").click();
}

async function settledShown(target: Target, key: string) {
  await expect.poll(async () => (await shown(target, key)).state, { timeout: 10_000 }).not.toMatch(/pending|not asked/);
  return shown(target, key);
}

/** Runs the picker flow in a page or frame of hostile-tamper.html; in spy mode, checks what the
 * page's spies caught. */
async function tamperedFlow(target: Target, key: string, label: string, mode: "spy" | "break" | "none") {
  const opened = nextPicker(env.context);
  await askOnTamperPage(target, key);
  await choose(await opened, label);
  expect(await settledShown(target, key)).toMatchObject({ state: "ok", labels: [label] });
  if (mode !== "spy") return;
  // (As a string: Playwright's own serializer would call the spied Array.prototype.push.)
  const spied: { fn: string; stack: string; args: string }[] = JSON.parse(await target.evaluate(() => JSON.stringify((window as any).spied)));
  // The extension never called a built-in the page replaced (its frames name the extension's
  // script in stacks), and nothing the page's spies caught carries the bridge's traffic.
  expect(spied.filter((s) => s.stack.includes("chrome-extension://"))).toEqual([]);
  expect(spied.filter((s) => /capture-control|"kind"|deferred/.test(s.args))).toEqual([]);
}

for (const mode of ["spy", "break"] as const) {
  test(`built-ins replaced (${mode}) before the frame's bridge starts: the picker flow gives the chosen device`, async () => {
    await attack(`tampered built-ins (${mode}) before the bridge starts`, async () => {
      const before = await readUserState(env.state, [env.A, env.B]);
      const page = await env.context.newPage();
      // B's frame has no bridge until it uses a feature: the page tampers first, the bridge comes after.
      await page.goto(`${env.A}/gum-frame.html?src=${encodeURIComponent(`${env.B}/hostile-tamper.html?tamper=${mode}`)}`);
      await expect.poll(() => page.frames().length).toBe(2);
      const frame = page.frames()[1];
      await frame.locator("#ask").waitFor();
      await tamperedFlow(frame, "first", "fake_device_2", mode);
      await tamperedFlow(frame, "second", "fake_device_1", mode);
      await expectStateUnchanged(env.state, before);
    });
  });

  test(`built-ins replaced (${mode}) after the bridge started and was used: the picker flow gives the chosen device`, async () => {
    await attack(`tampered built-ins (${mode}) after the bridge started`, async () => {
      const before = await readUserState(env.state, [env.A]);
      const page = await env.context.newPage();
      await page.goto(`${env.A}/hostile-tamper.html`);
      await tamperedFlow(page, "untampered", "fake_device_0", "none");
      await page.locator("#mode").fill(mode);
      await page.locator("#tamper").click();
      await tamperedFlow(page, "tampered", "fake_device_2", mode);
      // A refusal stays a refusal whatever the page did to Promise.prototype.then.
      const opened = nextPicker(env.context);
      await askOnTamperPage(page, "refused", false); // the site's own setting asks
      await closing((await opened).getByRole("button", { name: /^Cancel/ }).click());
      expect(await settledShown(page, "refused")).toMatchObject({ state: "error", name: "NotAllowedError" });
      await expectStateUnchanged(env.state, before);
    });
  });
}

test("nothing but getUserMedia opens the picker or the PTZ prompt", async () => {
  await attack("open the picker or PTZ prompt without getUserMedia", async () => {
    const before = await readUserState(env.state, [env.A, env.B]);
    const opened: string[] = [];
    const watch = (p: Page) => { if (p.url().startsWith("chrome-extension://")) opened.push(p.url()); };
    env.context.on("page", watch);
    const page = await env.context.newPage();
    await page.goto(`${env.A}/gum-frame.html?src=${encodeURIComponent(`${env.B}/gum.html`)}`);
    await expect.poll(() => page.frames().length).toBe(2);
    const frame = page.frames()[1];
    await frame.waitForFunction(() => typeof (window as any).ask === "function");
    const tryEverything = async (extensionId: string) => {
      const out: Record<string, string> = {};
      const w = window as any;
      // The wake request, so that the bridge arrives, then every message a page could guess.
      top!.postMessage("capture-control:wake", "*");
      await new Promise((r) => setTimeout(r, 300));
      const calls = [
        { call: "picker.open", params: { devices: null, video: { basic: {}, advanced: [] } } },
        { call: "ptz.request", params: { browser: "granted" } },
        { call: "site.config", params: {} },
      ];
      for (const target of [window, document, document.documentElement]) {
        for (const { call, params } of calls) {
          for (const type of ["capture-control:up", "capture-control:down", "capture-control:ask"]) {
            target.dispatchEvent(new CustomEvent(type, { detail: JSON.stringify({ kind: "rpc", id: "forged", call, params }), bubbles: true }));
          }
        }
      }
      // Media calls that are not getUserMedia.
      out.ptzQuery = (await navigator.permissions.query({ name: "camera", panTiltZoom: true } as any)).state;
      out.devices = String((await navigator.mediaDevices.enumerateDevices()).length);
      const canvas = document.createElement("canvas");
      const [track] = canvas.captureStream().getVideoTracks();
      out.applyPtz = await track.applyConstraints({ pan: 200, zoom: { ideal: 2 } } as any).then(() => "ok", (e) => e.name);
      out.capabilities = JSON.stringify(track.getCapabilities());
      // The extension's own messaging is not exposed to pages (no externally_connectable).
      out.runtime = typeof w.chrome?.runtime?.sendMessage;
      try {
        w.chrome.runtime.connect(extensionId);
        out.connect = "connected";
      } catch (e) {
        out.connect = (e as Error).name;
      }
      await new Promise((r) => setTimeout(r, 500));
      return out;
    };
    const fromFrame = await frame.evaluate(tryEverything, env.extensionId);
    const fromTop = await page.evaluate(tryEverything, env.extensionId);
    for (const result of [fromFrame, fromTop]) {
      expect(result).toMatchObject({ runtime: "undefined", connect: "TypeError", devices: "9" });
    }
    await page.waitForTimeout(500);
    env.context.off("page", watch);
    expect(opened).toEqual([]);
    expect(await env.state.evaluate(async () => {
      const s = await chrome.storage.session.get(["prompts", "ptzPrompts"]);
      return [Object.keys(s.prompts ?? {}).length, Object.keys(s.ptzPrompts ?? {}).length];
    })).toEqual([0, 0]);
    await expectStateUnchanged(env.state, before);
  });
});

test("the page can neither open, frame, fetch nor answer the picker; clicks and focus tricks do nothing", async () => {
  await attack("reach or answer the picker from the page", async () => {
    const before = await readUserState(env.state, [env.A]);
    const page = await env.context.newPage();
    await page.goto(`${env.A}/gum.html`);
    const opened = nextPicker(env.context);
    await page.evaluate(() => (window as any).ask("real", { video: true }));
    const picker = await opened;
    await expect(picker.getByRole("radio")).toHaveCount(3);
    const pickerUrl = picker.url();
    const result = await page.evaluate(async (url) => {
      const out: Record<string, unknown> = {};
      // Open the picker's own address: extension pages are not web-accessible.
      const popup = window.open(url, "_blank", "popup,width=2000,height=2000");
      await new Promise((r) => setTimeout(r, 800));
      try {
        out.popupUrl = popup?.location.href;
      } catch (e) {
        out.popupUrl = (e as Error).name;
      }
      popup?.close();
      const frame = document.createElement("iframe");
      frame.src = url;
      document.body.append(frame);
      await new Promise((r) => setTimeout(r, 800));
      try {
        out.frameDocument = frame.contentDocument ? frame.contentDocument.body?.innerText ?? "" : null;
      } catch (e) {
        out.frameDocument = (e as Error).name;
      }
      out.fetch = await fetch(url).then(() => "fetched", (e) => e.name);
      // Synthetic input and focus tricks on everything the page can reach.
      window.focus();
      for (const key of ["Enter", " ", "Tab", "Escape"]) {
        for (const target of [document, document.body, window]) {
          target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
          target.dispatchEvent(new KeyboardEvent("keyup", { key, bubbles: true }));
        }
      }
      document.body.click();
      out.fullscreen = await document.documentElement.requestFullscreen().then(() => "entered", (e) => e.name);
      const cover = window.open("about:blank", "cover", "popup,left=0,top=0,width=3000,height=3000");
      cover?.focus();
      await new Promise((r) => setTimeout(r, 300));
      cover?.close();
      return out;
    }, pickerUrl);
    expect(result.fetch).toBe("TypeError");
    expect(result.fullscreen).toBe("TypeError");
    // The window and the frame the page pointed at the picker show Chrome's error page instead.
    expect(result.popupUrl).toBe("SecurityError");
    expect(result.frameDocument).toBeNull();
    expect(page.frames().slice(1).map((f) => f.url())).toEqual(["chrome-error://chromewebdata/"]);
    expect(env.context.pages().filter((p) => p.url() === pickerUrl)).toEqual([picker]);
    // The real picker is untouched: still open, nothing chosen, the page still waiting.
    expect(picker.isClosed()).toBe(false);
    expect((await outcome(page, "real")).state).toBe("pending");
    await closing(picker.getByRole("button", { name: /^Cancel/ }).click());
    expect(await settled(page, "real")).toMatchObject({ state: "error", name: "NotAllowedError" });
    await expectStateUnchanged(env.state, before);
  });
});

test("a page of site B learns nothing of site A's settings, remembered devices or history", async () => {
  await attack("read another site's settings or history", async () => {
    const before = await readUserState(env.state, [env.A, env.B]);
    const page = await env.context.newPage();
    // B embeds A and A embeds B: each frame gets its own site's settings, nothing more.
    await page.goto(`${env.B}/gum-frame.html?src=${encodeURIComponent(`${env.A}/gum.html`)}`);
    await expect.poll(() => page.frames().length).toBe(2);
    const seen = await page.evaluate(async () => {
      const blank = document.createElement("iframe");
      document.body.append(blank);
      const list = await navigator.mediaDevices.enumerateDevices();
      return {
        semantics: navigator.mediaDevices.defaultSemantics,
        blankFrame: (blank.contentWindow as any).navigator.mediaDevices.defaultSemantics,
        labels: list.filter((d) => d.label !== "").length,
        everything: JSON.stringify({ list, storage: { ...localStorage }, names: Object.getOwnPropertyNames(window).filter((n) => /capture|control/i.test(n)) }),
      };
    });
    expect(seen).toMatchObject({ semantics: "browser-chooses", blankFrame: "browser-chooses", labels: 9 });
    expect(seen.everything).not.toContain(env.A);
    expect(await page.frames()[1].evaluate(() => navigator.mediaDevices.defaultSemantics)).toBe("user-chooses");

    // B asks for the picker itself: the picker is about B, and A's remembered camera is not offered as B's.
    await page.addScriptTag({ url: `${env.B}/gum-inline.js` });
    const opened = nextPicker(env.context);
    await page.evaluate(() => (window as any).ask("b", { video: true, semantics: "user-chooses" }));
    const picker = await opened;
    await expect(picker.getByText(env.B).first()).toBeVisible();
    await expect(picker.getByText(env.A)).toHaveCount(0);
    await expect(picker.getByRole("radio", { name: "fake_device_1" })).not.toBeChecked();
    await closing(picker.getByRole("button", { name: /^Cancel/ }).click());
    expect(await settled(page, "b")).toMatchObject({ state: "error", name: "NotAllowedError" });
    await expectStateUnchanged(env.state, before);
  });
});

test("a page without a feature engaged cannot tell the extension is there", async ({ nativeContext, site }) => {
  await attack("detect the extension (resources, globals, DOM, source text)", async () => {
    // The same origin in both browsers: B, with no setting of its own.
    const probe = async (extensionId: string) => {
      const keys = (o: object) => Object.getOwnPropertyNames(o).sort();
      // (defaultSemantics and onconfigurationchange are features themselves, API surface the
      // extension adds on purpose: what they expose is checked in injection.spec.ts and
      // track-extensions.spec.ts.)
      const feature = (k: string) => k === "defaultSemantics" || k === "onconfigurationchange";
      const sources = (proto: object) => Object.getOwnPropertyNames(proto).filter((k) => !feature(k)).map((k) => {
        const d = Object.getOwnPropertyDescriptor(proto, k)!;
        return [k, ...[d.value, d.get, d.set].map((f) => typeof f === "function" ? Function.prototype.toString.call(f) : typeof f)];
      });
      const shadowRoots = () => [...document.querySelectorAll("*")].filter((e) => e.shadowRoot).length;
      const snapshot = async () => ({
        window: keys(window),
        navigator: keys(Navigator.prototype),
        mediaDevices: keys(MediaDevices.prototype).filter((k) => k !== "defaultSemantics"),
        track: keys(MediaStreamTrack.prototype).filter((k) => !feature(k)),
        deviceInfo: keys(MediaDeviceInfo.prototype),
        sources: [MediaDevices.prototype, MediaStreamTrack.prototype, MediaDeviceInfo.prototype, InputDeviceInfo.prototype,
          Navigator.prototype, Function.prototype].map(sources),
        dom: document.documentElement.outerHTML,
        nodes: document.querySelectorAll("*").length,
        shadowRoots: shadowRoots(),
        frames: window.length,
        resources: performance.getEntriesByType("resource").map((e) => e.name).filter((n) => !n.startsWith(location.origin)),
        manifest: await fetch(`chrome-extension://${extensionId}/manifest.json`).then(() => "fetched", (e) => `${e.name}: ${e.message}`),
        picker: await fetch(`chrome-extension://${extensionId}/extension/picker/index.html`).then(() => "fetched", (e) => e.name),
      });
      const first = await snapshot();
      // After the page used the media APIs (the extension's bridge may have arrived meanwhile).
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      stream.getTracks().forEach((t) => t.stop());
      await new Promise((r) => setTimeout(r, 300));
      return { first, after: await snapshot() };
    };
    const native = await nativeContext.newPage();
    await native.goto(`${site.otherOrigin}/index.html`);
    const expected = await native.evaluate(probe, env.extensionId);
    await native.close();
    const page = await env.context.newPage();
    await page.goto(`${env.B}/index.html`);
    const actual = await page.evaluate(probe, env.extensionId);
    expect(actual).toEqual(expected);
    expect(actual.first.manifest).toMatch(/^TypeError/);
  });
});

/** Stacks seen by a page's getter that getUserMedia runs, and by the error a wrapped call throws
 * (`format`: read `stack` as V8 prints it, or through the CallSite API's file names). */
const wrappedStacks = (page: Page, format: "string" | "callsite") => page.evaluate(async (how) => {
  const E = Error as unknown as { prepareStackTrace?: (e: Error, sites: { getFileName(): string | null }[]) => string };
  if (how === "callsite") E.prepareStackTrace = (_e, sites) => sites.map((s) => s.getFileName() ?? "").join("\n");
  // Every frame: whether the main-world script's frames are among the first ten depends on how deep
  // the features' code calls.
  (Error as unknown as { stackTraceLimit: number }).stackTraceLimit = 200;
  let fromGetter = "";
  await navigator.mediaDevices.getUserMedia({ get video() { fromGetter = String(new Error().stack); return true; } } as any)
    .then((s) => s.getTracks().forEach((t) => t.stop()));
  const fromError = await navigator.mediaDevices.getUserMedia(5 as any).catch((e) => String(e.stack));
  const fromIllegal = (() => { try { MediaStreamTrack.prototype.getSettings.call({}); return ""; } catch (e) { return String((e as Error).stack); } })();
  return [fromGetter, fromError, fromIllegal];
}, format);

test("traps and getters on Object.prototype and MouseEvent gain nothing: no native behind a wrapper, no bridge message, no handshake", async () => {
  const before = await readUserState(env.state, [env.C]);
  const page = await env.context.newPage();
  // Site C hides device names; nothing on the page has used a media API yet (no handshake).
  await page.goto(`${env.C}/index.html`);
  const picker = nextPicker(env.context);
  const evaluated = page.evaluate(async () => {
    const out = { traps: [] as string[], details: [] as string[], nodes: 0, labels: [] as string[], nativeLabels: [] as string[] };
    const traps = ["apply", "construct", "get", "set", "has", "ownKeys", "getPrototypeOf", "setPrototypeOf", "getOwnPropertyDescriptor",
      "defineProperty", "deleteProperty", "isExtensible", "preventExtensions"];
    const stolen: Function[] = [];
    for (const name of traps) {
      // (Descriptors without a prototype: once `get` and `set` are on Object.prototype, a plain
      // descriptor would inherit them.)
      Object.defineProperty(Object.prototype, name, {
        __proto__: null, configurable: true, writable: true,
        value(target: unknown) {
          out.traps.push(name);
          if (typeof target === "function") stolen.push(target);
          return (Reflect as any)[name](...arguments);
        },
      } as PropertyDescriptor);
    }
    const label = Object.getOwnPropertyDescriptor(MediaDeviceInfo.prototype, "label")!.get!;
    const gum = MediaDevices.prototype.getUserMedia;
    // What a page may do to a function: each would run a trap of a Proxy handler that inherits.
    Object.getPrototypeOf(label); Reflect.ownKeys(gum); "name" in gum; Object.getOwnPropertyDescriptor(gum, "length");
    Object.isExtensible(label); (gum as any).someProp; Function.prototype.toString.call(label);
    for (const name of traps) delete (Object.prototype as any)[name];
    // Messages to the extension and the handshake's node, through getters the event constructors read.
    for (const name of ["bubbles", "cancelable", "composed"]) {
      Object.defineProperty(Object.prototype, name, {
        configurable: true,
        get(this: { detail?: unknown; relatedTarget?: unknown }) {
          if (typeof this.detail === "string") out.details.push(this.detail);
          return false;
        },
      });
    }
    const realRelated = Object.getOwnPropertyDescriptor(MouseEvent.prototype, "relatedTarget")!.get!;
    Object.defineProperty(MouseEvent.prototype, "relatedTarget", {
      configurable: true,
      get() {
        const node = realRelated.call(this);
        if (String(this.type).includes("capture-control")) out.nodes++;
        return node;
      },
    });
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    await new Promise((r) => setTimeout(r, 600)); // the tracking batch goes out within 250 ms
    out.labels = [...stream.getTracks().map((t) => t.label), ...(await navigator.mediaDevices.enumerateDevices()).map((d) => d.label)];
    for (const fn of stolen) {
      try {
        out.nativeLabels.push(...(await navigator.mediaDevices.enumerateDevices()).map((d) => fn.call(d)));
      } catch { /* not a label getter */ }
    }
    stream.getTracks().forEach((t) => t.stop());
    return out;
  });
  // Hidden names: the picker chooses (its own page, which the page's getters cannot reach).
  await choose(await picker, "fake_device_1");
  const seen = await evaluated;
  await page.close();
  await attack("Object.prototype traps on the wrappers' Proxy handlers", async () => {
    expect(seen.traps).toEqual([]);
    expect(seen.nativeLabels.filter((l) => l)).toEqual([]);
  });
  await attack("Object.prototype getters reading the bridge's messages", async () => {
    expect(seen.details).toEqual([]);
  });
  await attack("a page's relatedTarget getter at the handshake", async () => {
    // A top frame took the browser's own getter at start: the page's never sees the handshake,
    // and the site's hidden names stay hidden.
    expect(seen.nodes).toBe(0);
    expect(seen.labels.length).toBeGreaterThan(1);
    expect(seen.labels.filter((l) => l)).toEqual([]);
  });
  // (The capture itself goes into the site's history, as it should.)
  await expectStateUnchanged(env.state, before, { historyOf: [env.C] });
});

test("stack traces of wrapped calls do not name the extension", async () => {
  await attack("read the extension's id from an error's stack", async () => {
    const page = await env.context.newPage();
    await page.goto(`${env.B}/index.html`);
    const stacks = await wrappedStacks(page, "string");
    // (Each is a real stack: the getter ran, and both calls threw.)
    for (const stack of stacks) expect(stack).toMatch(/\n\s+at /);
    for (const stack of stacks) expect(stack).not.toContain("chrome-extension://");
    await page.close();
  });
});

test("the CallSite API does not name the extension (known limit)", async () => {
  test.fail(true, "V8's CallSite getFileName() gives the content script's real URL, chrome-extension://ID/src/main-world.iife.js, " +
    "for the main world's frames on the stack of a wrapped call; a sourceURL renames them only in printed stacks");
  await attack("read the extension's id through Error.prepareStackTrace", async () => {
    const page = await env.context.newPage();
    await page.goto(`${env.B}/index.html`);
    const stacks = await wrappedStacks(page, "callsite");
    await page.close();
    for (const stack of stacks) expect(stack).not.toContain("chrome-extension://");
  }, "main-world frames name the extension through the CallSite API");
});

test("fresh realms, borrowed methods and workers cannot escape a site's hidden device names", async ({ nativeContext, site }) => {
  // The native run tells which routes expose mediaDevices at all (data: frames and workers do not).
  const native = await nativeContext.newPage();
  await native.goto(`${site.origin}/hostile-escape.html`);
  const expected: Record<string, { semantics: string; labels: number }> = await native.evaluate(() => (window as any).tryEscapes());
  await native.close();
  const before = await readUserState(env.state, [env.C]);
  const page = await env.context.newPage();
  await page.goto(`${env.C}/hostile-escape.html`);
  const routes: Record<string, { semantics: string; labels: number; error?: string }> = await page.evaluate(() => (window as any).tryEscapes());
  expect(Object.keys(routes).sort()).toEqual(Object.keys(expected).sort());
  expect(Object.keys(routes).length).toBeGreaterThanOrEqual(17);
  for (const [route, seen] of Object.entries(routes)) {
    await attack(`escape through ${route}`, async () => {
      expect(seen.error, route).toBeUndefined();
      if (expected[route].labels >= 0) {
        // Natively every label shows; here the site's setting holds in this realm too.
        expect(expected[route].labels, route).toBeGreaterThan(0);
        expect(seen, route).toEqual({ semantics: "user-chooses", labels: 0 });
      } else if (route === "dedicated worker") {
        // No mediaDevices in a dedicated worker here either; MediaStreamTrack does exist there, on
        // purpose (MediaStream in workers, src/transfer/), so the probe reads 1 where native reads -1.
        expect(seen, route).toEqual({ ...expected[route], labels: 1 });
      } else {
        // Where mediaDevices does not exist natively (shared workers, data: frames), it does not here either.
        expect(seen, route).toEqual(expected[route]);
      }
    });
  }
  await expectStateUnchanged(env.state, before);
});

test("an opaque-origin frame gets no picker and no grant for the site that embeds it", async ({ nativeContext, site }) => {
  await attack("picker for an opaque-origin (sandboxed) frame", async () => {
    const run = async (page: Page, origin: string) => {
      await page.goto(`${origin}/index.html`);
      return page.evaluate(() => new Promise((done) => {
        addEventListener("message", (e) => { if (e.data?.route === "gum") done(e.data.outcome); });
        const frame = document.createElement("iframe");
        frame.sandbox.add("allow-scripts");
        frame.allow = "camera; microphone";
        frame.src = "hostile-report.html#gum";
        document.body.append(frame);
      }));
    };
    const nativePage = await nativeContext.newPage();
    const native = await run(nativePage, site.origin);
    await nativePage.close();
    const before = await readUserState(env.state, [env.A]);
    let pickers = 0;
    const count = (p: Page) => { if (isPicker(p)) pickers++; };
    env.context.on("page", count);
    // A lets the user choose: were the frame's request to reach the picker, allowing it would
    // grant A (the top-level site) a permission the frame can never use.
    expect(await run(await env.context.newPage(), env.A)).toBe(native);
    env.context.off("page", count);
    expect(native).toMatch(/^SecurityError/);
    expect(pickers).toBe(0);
    await expectStateUnchanged(env.state, before);
  });
});

test("a flood of calls from many frames and sites stays bounded and the worker keeps answering", async () => {
  test.setTimeout(process.env.SOAK ? 240_000 : 90_000);
  await attack("flood the service worker from many frames", async () => {
    const flooders = [env.B, ...env.more];
    const before = await readUserState(env.state, [env.A, env.B]);
    await env.state.evaluate(() => chrome.storage.session.getBytesInUse(null));
    const heapBefore = await env.monitor.heapAfterGc();
    const windows = { picker: 0, ptz: 0, maxPicker: 0, maxPtz: 0 };
    const onPage = (p: Page) => {
      const kind = isPicker(p) ? "picker" : isPtzPrompt(p) ? "ptz" : null;
      if (!kind) return;
      windows[kind]++;
      windows.maxPicker = Math.max(windows.maxPicker, windows.picker);
      windows.maxPtz = Math.max(windows.maxPtz, windows.ptz);
      p.on("close", () => { windows[kind]--; });
    };
    env.context.on("page", onPage);
    const page = await env.context.newPage();
    // Two frames of each attacker origin (six origins), under a top page of B: 13 frames.
    const frames = flooders.flatMap((o) => [`${o}/hostile-flood.html`, `${o}/hostile-flood.html`]);
    await page.goto(`${env.B}/hostile-flood.html?frames=${encodeURIComponent(frames.join(","))}`);
    await expect.poll(() => page.frames().length).toBe(1 + frames.length);
    for (const f of page.frames()) await f.waitForFunction(() => typeof (window as any).flood === "function");
    // (npm run soak: three times as much.)
    const scale = process.env.SOAK ? 3 : 1;
    const plan = { pickers: 10 * scale, ptz: 10 * scale, loops: 10 * scale, wakes: 30 * scale, junkCalls: true };
    await Promise.all(page.frames().map((f) => f.evaluate((p) => (window as any).flood(p), plan)));

    // The worker keeps answering the user's UI while the flood goes on.
    const started = Date.now();
    await env.state.evaluate(() => chrome.runtime.sendMessage({ type: "ui.getState" }));
    expect(Date.now() - started).toBeLessThan(5000);
    const queues = () => env.state.evaluate(async () => {
      const s = await chrome.storage.session.get(["prompts", "ptzPrompts"]);
      return {
        prompts: Object.keys(s.prompts ?? {}).length,
        ptzPrompts: Object.keys(s.ptzPrompts ?? {}).length,
        ptzWaiters: Object.values((s.ptzPrompts ?? {}) as Record<string, { waiters: unknown[] }>).map((p) => p.waiters.length),
        bytes: await chrome.storage.session.getBytesInUse(null),
      };
    });
    await page.waitForTimeout(2000);
    const during = await queues();
    // One tab: at most four picker requests wait, one picker shows; PTZ prompts are capped per tab,
    // with at most eight requests waiting on each.
    expect(during.prompts).toBeLessThanOrEqual(4);
    expect(during.ptzPrompts).toBeLessThanOrEqual(2);
    for (const n of during.ptzWaiters) expect(n).toBeLessThanOrEqual(8);
    expect(windows.maxPicker).toBeLessThanOrEqual(1);
    expect(windows.maxPtz).toBeLessThanOrEqual(2);
    // (The queues, the registry and the ends of the last 5 s: far below the 10 MB quota.)
    expect(during.bytes).toBeLessThan(256 * 1024);

    // The user closes whatever prompt shows up until none is left: every call then settles.
    await expect.poll(async () => {
      for (const p of env.context.pages()) if (isPicker(p) || isPtzPrompt(p)) await p.close().catch(() => undefined);
      const summaries = await Promise.all(page.frames().map((f) => f.evaluate(() => (window as any).summary())));
      return summaries.reduce((n, s) => n + s.pending, 0);
    }, { timeout: 45_000, intervals: [500] }).toBe(0);
    const summaries = await Promise.all(page.frames().map((f) => f.evaluate(() => (window as any).summary())));
    const errors: Record<string, number> = {};
    for (const s of summaries) for (const [name, n] of Object.entries(s.errors as Record<string, number>)) errors[name] = (errors[name] ?? 0) + n;
    // Refused (too many waiting) or dismissed: NotAllowedError; the junk gets the native errors.
    expect(Object.keys(errors).every((n) => ["NotAllowedError", "TypeError", "OverconstrainedError", "Error", "NotReadableError"].includes(n)), JSON.stringify(errors)).toBe(true);
    env.context.off("page", onPage);

    await page.close();
    await tidy();
    const after = await queues();
    expect(after).toMatchObject({ prompts: 0, ptzPrompts: 0 });
    // Memory comes back down once the flood is over.
    expect(await env.monitor.heapAfterGc()).toBeLessThan(heapBefore + 2 * 1024 * 1024);
    // Settings, remembered devices, grants, permissions and other sites' history are untouched.
    await expectStateUnchanged(env.state, before, { historyOf: flooders });
  });
});
