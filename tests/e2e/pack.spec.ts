/**
 * The pack (src/core/pack.ts): the features' code that the main-world start script loads into a
 * frame when the frame first needs it. Its file must be one function with no free variables, which
 * the start script runs only if its text is the one the service worker answers with; a page must
 * neither hand the start script a function of its own nor see the handover property outside the
 * moment the pack is on its way.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "acorn";
import { analyze } from "eslint-scope";
import { DIST, expect, liveCaptureCount, openExtensionPage, test } from "./fixtures";

const PROPERTY = "\u2060capture-control:pack";

test("the pack's file is one function with no free variables, and the start script is under 20 KiB and has the globals filled in", () => {
  const file = readFileSync(resolve(DIST, "pack.js"), "utf8");
  const prefix = `this[${JSON.stringify(PROPERTY)}]=`;
  expect(file.startsWith(prefix)).toBe(true);
  const fn = file.slice(prefix.length, file.indexOf(";\n//# sourceURL="));
  const ast = parse(`(${fn})`, { ecmaVersion: "latest", sourceType: "script", ranges: true });
  const free = analyze(ast, { ecmaVersion: 2022, sourceType: "script" }).globalScope.through.map((r) => r.identifier.name);
  expect(free).toEqual([]);
  const start = readFileSync(resolve(DIST, "src/main-world.iife.js"), "utf8");
  expect(start).not.toContain("__CAPTURE_CONTROL_PACK");
  // The start of the pack's text names its build, and the start script holds it (a page loaded
  // before an update refuses the new pack).
  const head = /^function\(__kit\)\{"use strict";"[0-9a-f]{16}";/.exec(fn)?.[0];
  expect(head).toBeDefined();
  expect(start).toContain(JSON.stringify(head));
  expect(Buffer.byteLength(start)).toBeLessThan(20 * 1024);
});

test("the interfaces whose statics the start script does not note have none: only length, name, prototype and constants", async ({ page, site }) => {
  // The start script's list (scripts/build-pack.mjs): noted with statics, "", prototype only | the rest.
  const start = readFileSync(resolve(DIST, "src/main-world.iife.js"), "utf8");
  const list = /"(Array,[^"|]*)\|/.exec(start)?.[1];
  expect(list).toBeDefined();
  const [withStatics, protoOnly] = list!.split(",,").map((part) => part.split(","));
  expect(withStatics).toEqual(expect.arrayContaining(["Object", "Array", "Promise", "URL"]));
  expect(protoOnly).toEqual(expect.arrayContaining(["MediaStreamTrack", "MediaStreamTrackProcessor", "VideoFrame", "Worker"]));
  await page.goto(`${site.origin}/index.html`);
  const extra = await page.evaluate((names) => names.flatMap((name) => {
    const ctor = (window as unknown as Record<string, object | undefined>)[name];
    if (!ctor) return [`${name}: absent`];
    return Reflect.ownKeys(ctor).map(String).filter((k) => !["length", "name", "prototype"].includes(k) && !/^[A-Z_]+$/.test(k)).map((k) => `${name}.${k}`);
  }), protoOnly);
  expect(extra).toEqual([]);
  // (The check itself sees statics where there are some.)
  expect(await page.evaluate(() => Reflect.ownKeys(URL).includes("createObjectURL"))).toBe(true);
});

test("a page that offers the start script a function of its own while the pack is on its way gains nothing, and the features arrive", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const page = await context.newPage();
  await page.goto(`${site.origin}/index.html`);
  const before = await page.evaluate((name) => Object.getOwnPropertyDescriptor(window, name) === undefined, PROPERTY);
  const result = await page.evaluate(async (name) => {
    const w = window as unknown as { kitSeen?: unknown };
    // Same shape as the pack; a page's own function, so its text is not the pack's.
    const mine = function (__kit: unknown) { w.kitSeen = __kit; (__kit as { start?: unknown }).start = () => undefined; };
    const asked = navigator.mediaDevices.getUserMedia({ video: true });
    const d = Object.getOwnPropertyDescriptor(window, name);
    const during = { setter: typeof d?.set, enumerable: Object.keys(window).includes(name), getter: typeof d?.get };
    (window as unknown as Record<string, unknown>)[name] = mine;
    d?.set?.call(window, mine);
    d?.set?.call(window, () => undefined);
    const stream = await asked;
    const tracks = stream.getTracks().length;
    return { during, tracks, kitSeen: w.kitSeen !== undefined, after: Object.getOwnPropertyDescriptor(window, name) === undefined };
  }, PROPERTY);
  expect(before).toBe(true);
  expect(result).toEqual({ during: { setter: "function", enumerable: false, getter: "undefined" }, tracks: 1, kitSeen: false, after: true });
  // The real pack came: the capture is tracked (its code is in the pack).
  const popup = await openExtensionPage(context, extensionId, "popup/index.html");
  await expect.poll(() => liveCaptureCount(popup)).toBe(1);
});

test("a page that locked a built-in in its own version before the pack came keeps the frame native: its function never runs for the pack", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  const settings = await openExtensionPage(context, extensionId, "options/index.html");
  await settings.evaluate((o) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: o, patch: { hideLabels: true } }), site.origin);
  const page = await context.newPage();
  await page.goto(`${site.origin}/index.html`);
  const result = await page.evaluate(async () => {
    const seen: string[] = [];
    const real = Reflect.apply;
    // Non-configurable: the pack's start cannot put the browser's own back for the time it starts.
    Object.defineProperty(Reflect, "apply", {
      configurable: false, writable: false,
      value(f: Function, t: unknown, a: unknown[]) {
        if (typeof f === "function" && f.name) seen.push(f.name);
        return real(f, t, a);
      },
    });
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    // The start script's own hiding holds without the pack (a frame it cannot reach): the name is hidden.
    const label = stream.getVideoTracks()[0].label;
    stream.getTracks().forEach((t) => t.stop());
    return { seen: seen.filter((n) => /label|getSettings|getCapabilities|applyConstraints/.test(n)), label };
  });
  expect(result).toEqual({ seen: [], label: "" });
  // The pack did not start in that frame: its capture is not tracked. (A frame without the
  // built-in locked is, as the tests above show.)
  await settings.waitForTimeout(1000);
  expect(await liveCaptureCount(settings)).toBe(0);
});

test("a service worker stopped while a frame's pack is on its way: its getUserMedia still resolves, and a later document gets the features", async ({ fresh, site }) => {
  const { context, extensionId } = fresh;
  // A session opened beforehand, so that the stop lands within milliseconds of the call.
  const options = await openExtensionPage(context, extensionId, "options/index.html");
  const cdp = await context.newCDPSession(options);
  await cdp.send("ServiceWorker.enable");
  for (const delay of [0, 1, 3, 6, 10, 20]) {
    const page = await context.newPage();
    await page.goto(`${site.origin}/index.html`);
    const asked = page.evaluate(() => navigator.mediaDevices.getUserMedia({ video: true }).then((s) => {
      const state = s.getVideoTracks()[0].readyState;
      s.getTracks().forEach((t) => t.stop());
      return state;
    }));
    await new Promise((r) => setTimeout(r, delay));
    await cdp.send("ServiceWorker.stopAllWorkers");
    expect(await asked, `stopped ${delay} ms after the call`).toBe("live");
    await page.close();
  }
  await cdp.detach();
  const page = await context.newPage();
  await page.goto(`${site.origin}/index.html`);
  await page.evaluate(() => navigator.mediaDevices.getUserMedia({ video: true }));
  const popup = await openExtensionPage(context, extensionId, "popup/index.html");
  await expect.poll(() => liveCaptureCount(popup)).toBe(1);
});

test("accessors a page put on Object.prototype under descriptor field names are not run while the pack arrives and installs", async ({ fresh, site }) => {
  // A fresh profile: the site is not warm, so the pack comes with the call below.
  const page = await fresh.context.newPage();
  await page.goto(`${site.origin}/index.html`);
  const result = await page.evaluate(async (name) => {
    const calls: string[] = [];
    const fields = ["value", "writable", "get", "set", "enumerable", "configurable"];
    // (A page's getter here would run in the middle of putting its own replacements away.)
    for (const k of fields) Object.defineProperty(Object.prototype, k, { __proto__: null, get() { calls.push(k); return undefined; }, configurable: true } as PropertyDescriptor);
    let tracks = 0, onItsWay = false;
    try {
      const asked = navigator.mediaDevices.getUserMedia({ video: true });
      onItsWay = Reflect.getOwnPropertyDescriptor(window, name) !== undefined;
      const stream = await asked;
      tracks = stream.getTracks().length;
      stream.getTracks().forEach((t) => t.stop());
    } finally {
      for (const k of fields) delete (Object.prototype as any)[k];
    }
    return { calls, tracks, onItsWay };
  }, PROPERTY);
  expect(result).toEqual({ calls: [], tracks: 1, onItsWay: true });
});

test("accessors a page put on Array.prototype's indexes are not run while the pack arrives and installs", async ({ fresh, site }) => {
  const page = await fresh.context.newPage();
  await page.goto(`${site.origin}/index.html`);
  const result = await page.evaluate(async (name) => {
    // (Not an array: pushing to it would meet these accessors too.)
    let calls = "";
    // (The start script's own lists of built-ins are arrays: a read or write of an element they
    // lack would reach these.)
    for (let i = 0; i < 8; i++) {
      Object.defineProperty(Array.prototype, i, {
        __proto__: null,
        get() { calls += `get ${i};`; return undefined; },
        set() { calls += `set ${i};`; },
        configurable: true,
      } as PropertyDescriptor);
    }
    let tracks = 0, onItsWay = false;
    try {
      const asked = navigator.mediaDevices.getUserMedia({ video: { backgroundBlur: false } as MediaTrackConstraints });
      onItsWay = Reflect.getOwnPropertyDescriptor(window, name) !== undefined;
      const stream = await asked;
      tracks = stream.getTracks().length;
      stream.getTracks().forEach((t) => t.stop());
    } finally {
      for (let i = 0; i < 8; i++) delete (Array.prototype as any)[i];
    }
    return { calls, tracks, onItsWay };
  }, PROPERTY);
  expect(result).toEqual({ calls: "", tracks: 1, onItsWay: true });
});
