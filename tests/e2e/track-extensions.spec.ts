/**
 * Track API extensions (issue 6): configurationchange, VideoFrame captureTime and the track.stats
 * fill-in, on the production build with the fake camera (PTZ 100..400).
 */
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { expect, extensionWorker, launch, openExtensionPage, test } from "./fixtures";

const PTZ_CAMERA = "--use-fake-device-for-media-stream=device-count=3,hardware-support=pan-tilt-zoom";

interface Browser { context: BrowserContext; extensionId: string; cdp: CDPSession; close: () => Promise<void> }
let b: Browser;

async function ptzBrowser(): Promise<Browser> {
  const { context, close } = await launch({ extension: true, extra: [PTZ_CAMERA] });
  const extensionId = new URL((await extensionWorker(context)).url()).host;
  const cdp = await context.newCDPSession(await context.newPage());
  return { context, extensionId, cdp, close };
}

async function ptzPage(origin: string): Promise<Page> {
  await b.cdp.send("Browser.setPermission", { permission: { name: "camera", panTiltZoom: true }, setting: "granted", origin });
  const options = await openExtensionPage(b.context, b.extensionId, "options/index.html");
  await options.evaluate((o) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: o, patch: { ptz: "allow" } }), origin);
  await options.close();
  const page = await b.context.newPage();
  await page.goto(`${origin}/track-ext.html`);
  expect(await page.evaluate(() => (window as any).setup({ video: { pan: true, tilt: true, zoom: true } }))).toBe("ok");
  return page;
}

const heard = (page: Page) => page.evaluate(() => (window as any).heard());
const applyOn = (page: Page, key: string, c: unknown) => page.evaluate(([k, c]) => (window as any).applyOn(k, c), [key, c] as const);
/** Lets queued configurationchange tasks run. */
const settleTasks = (page: Page) => page.evaluate(() => new Promise((r) => setTimeout(r, 300)));

test.describe("configurationchange", () => {
  test.beforeEach(async () => { b = await ptzBrowser(); });
  test.afterEach(async () => { await b.close(); });

  test("a sibling on the same camera hears another track's PTZ move; the mover and unchanged settings do not", async ({ site }) => {
    const page = await ptzPage(site.origin);
    expect(await page.evaluate(() => (window as any).handler("b"))).toBe("function");
    expect(await applyOn(page, "a", { pan: 250 })).toBe("ok");
    await expect.poll(() => heard(page)).toEqual({ a: [], b: [250] });
    // The same value again: nothing changed, nothing fired.
    expect(await applyOn(page, "a", { pan: 250 })).toBe("ok");
    await settleTasks(page);
    expect(await heard(page)).toEqual({ a: [], b: [250] });
    // The clone's own move: the original hears it, the clone does not.
    expect(await applyOn(page, "b", { pan: 300 })).toBe("ok");
    await expect.poll(() => heard(page)).toEqual({ a: [300], b: [250] });
    // Handler attribute: null removes it; an ended track hears nothing.
    await page.evaluate(() => { (window as any).stopTrack("b"); });
    expect(await applyOn(page, "a", { pan: 120 })).toBe("ok");
    await settleTasks(page);
    expect(await heard(page)).toEqual({ a: [300], b: [250] });
  });

  test("the user moving the camera from the popup fires it on the page's tracks", async ({ site }) => {
    const page = await ptzPage(site.origin);
    const worker = await extensionWorker(b.context);
    const tabId = await worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, page.url());
    const popup = await openExtensionPage(b.context, b.extensionId, `popup/index.html?tab=${tabId}`);
    await popup.getByRole("slider", { name: "Pan" }).fill("220");
    // Both tracks on the camera see pan 220: the page did not ask for it.
    await expect.poll(() => heard(page)).toEqual({ a: [220], b: [220] });
  });

  test("a track transferred to a worker has onconfigurationchange and hears the camera move as the window's would, with the new settings; given back, the window's receiver hears it too", async ({ site }) => {
    const page = await ptzPage(site.origin);
    await page.addScriptTag({ url: `${site.origin}/transfer/page.js` });
    type W = { tx: any; cc: { worker: Worker; mine: MediaStreamTrack; heard: unknown[]; back?: MediaStreamTrack; backHeard: unknown[] } };
    const setup = await page.evaluate(async () => {
      const w = window as unknown as W;
      const stream = await navigator.mediaDevices.getUserMedia({ video: { pan: true } as MediaTrackConstraints });
      const mine = stream.getVideoTracks()[0];
      const heard: unknown[] = [];
      mine.addEventListener("configurationchange", () => heard.push((mine.getSettings() as { pan?: number }).pan));
      const sent = mine.clone();
      const worker = new Worker("transfer/worker.js");
      w.cc = { worker, mine, heard, backHeard: [] };
      await w.tx.ask(worker, { cmd: "hold", name: "cam", track: sent }, [sent]);
      return w.tx.ask(worker, { cmd: "config-watch", name: "cam" });
    });
    expect(setup).toEqual({
      has: true, own: false, initial: null, nonCallable: null, pan: expect.any(Number),
      shape: { enumerable: true, configurable: true, get: "get onconfigurationchange", set: "set onconfigurationchange",
        text: "function get onconfigurationchange() { [native code] }" },
    });
    expect(setup.pan).not.toBe(260);
    const inWorker = () => page.evaluate(() => (window as unknown as W).tx.ask((window as unknown as W).cc.worker, { cmd: "config-heard", name: "cam" }));

    // The window's own track moves the camera: the worker's track, a sibling on it, hears it once
    // per listener, and reads the new position in its handler.
    expect(await page.evaluate(() => (window as unknown as W).cc.mine.applyConstraints({ pan: 260 } as MediaTrackConstraints).then(() => "ok"))).toBe("ok");
    await expect.poll(async () => (await inWorker()).heard.length).toBe(2);
    await settleTasks(page);
    const event = { type: "configurationchange", cancelable: false, bubbles: false, target: true, isEvent: true, pan: 260, capabilities: true };
    expect(await inWorker()).toEqual({ heard: [{ via: "listener", ...event, constraints: { pan: true } }, { via: "handler", ...event, constraints: { pan: true } }], pan: 260 });
    expect(await page.evaluate(() => (window as unknown as W).cc.heard)).toEqual([]);

    // The worker's track moves it itself: it hears nothing (its own applyConstraints), the window's track does.
    const applied = await page.evaluate(() => (window as unknown as W).tx.ask((window as unknown as W).cc.worker, { cmd: "apply", name: "cam", constraints: { pan: 300 } }));
    expect(applied).toMatchObject({ outcome: "ok", settings: { pan: 300 } });
    await expect.poll(() => page.evaluate(() => (window as unknown as W).cc.heard)).toEqual([300]);
    await settleTasks(page);
    expect((await inWorker()).heard.length).toBe(2);

    // Given back to the window (a MediaStreamTrackGenerator fed from the same hidden clone): the
    // window's receiver hears the next move as well.
    const back = await page.evaluate(async () => {
      const w = window as unknown as W;
      const reply = await w.tx.ask(w.cc.worker, { cmd: "give-back", name: "cam" });
      const t = w.cc.back = reply.track as MediaStreamTrack;
      (t as any).onconfigurationchange = () => w.cc.backHeard.push((t.getSettings() as { pan?: number }).pan);
      return t.readyState;
    });
    expect(back).toBe("live");
    expect(await page.evaluate(() => (window as unknown as W).cc.mine.applyConstraints({ pan: 150 } as MediaTrackConstraints).then(() => "ok"))).toBe("ok");
    await expect.poll(() => page.evaluate(() => (window as unknown as W).cc.backHeard)).toEqual([150]);
    await settleTasks(page);
    expect(await page.evaluate(() => (window as unknown as W).cc.backHeard)).toEqual([150]);
    await page.evaluate(() => (window as unknown as W).cc.worker.terminate());
  });

  test("a muted track hears of a change only once it is unmuted", async ({ site }) => {
    const page = await ptzPage(site.origin);
    // Another site takes PTZ control: this page's PTZ track (a) is muted, its clone (b) is not.
    await b.cdp.send("Browser.setPermission", { permission: { name: "camera", panTiltZoom: true }, setting: "granted", origin: site.otherOrigin });
    const options = await openExtensionPage(b.context, b.extensionId, "options/index.html");
    await options.evaluate((o) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin: o, patch: { ptz: "allow" } }), site.otherOrigin);
    await options.close();
    const other = await b.context.newPage();
    await other.goto(`${site.otherOrigin}/track-ext.html`);
    expect(await other.evaluate(() => (window as any).setup({ video: { pan: true } }))).toBe("ok");
    await expect.poll(() => page.evaluate(() => (window as any).isMuted("a"))).toBe(true);
    expect(await applyOn(page, "b", { pan: 330 })).toBe("ok");
    await settleTasks(page);
    expect(await heard(page)).toEqual({ a: [], b: [] });
    await other.close(); // control comes back, a is unmuted and then hears the change
    await expect.poll(() => heard(page)).toEqual({ a: [330], b: [] });
  });

  test("the handler attribute keeps its place among the listeners as a native one (onmute): set to null it is removed, set again it comes last", async ({ site }) => {
    const page = await ptzPage(site.origin);
    const orders = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { pan: true } as MediaTrackConstraints });
      const track = stream.getVideoTracks()[0] as any;
      /** The same steps with the handler attribute of `type`: the order in which an event of that
       * type (dispatched by the page) reaches the handler and the listeners, after each step. */
      const steps = (type: string) => {
        const on = "on" + type, log: string[] = [], out: string[] = [];
        const h = (name: string) => () => { log.push(name); };
        const fire = () => {
          log.length = 0;
          track.dispatchEvent(new Event(type));
          out.push(log.join(","));
        };
        track[on] = h("h1");
        track[on] = null;
        track.addEventListener(type, h("a"));
        track[on] = h("b");
        fire();
        track[on] = h("c"); // another function: the same place
        fire();
        track[on] = 5; // not an object: null
        track.addEventListener(type, h("d"));
        track[on] = h("e");
        fire();
        track[on] = null;
        fire();
        return out;
      };
      const result = { native: steps("mute"), ours: steps("configurationchange") };
      // And a configurationchange of the camera (a clone on it moves it) reaches the handler set
      // again, after the listener added meanwhile.
      const heard: string[] = [];
      track.onconfigurationchange = null;
      track.addEventListener("configurationchange", () => heard.push("listener"));
      track.onconfigurationchange = () => heard.push("handler");
      const mover = track.clone();
      await mover.applyConstraints({ pan: 280 });
      for (let i = 0; i < 50 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300)); // (and nothing more)
      mover.stop();
      track.stop();
      return { ...result, heard };
    });
    expect(orders.native).toEqual(["a,b", "a,c", "a,d,e", "a,d"]);
    expect(orders.ours).toEqual(orders.native);
    expect(orders.heard).toEqual(["listener", "handler"]);
  });

  test("the handler attribute is shaped like WebIDL: accessor names, Illegal invocation, non-callables read back as null", async ({ site }) => {
    const page = await ptzPage(site.origin);
    const shape = await page.evaluate(() => {
      const d = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, "onconfigurationchange")!;
      let illegal = "";
      try { d.get!.call({}); } catch (e) { illegal = `${(e as Error).name}: ${(e as Error).message}`; }
      const track = new MediaStream().getTracks()[0] ?? (window as any).tracksForTest;
      return {
        enumerable: d.enumerable, configurable: d.configurable, get: d.get!.name, set: d.set!.name,
        setLength: d.set!.length, text: Function.prototype.toString.call(d.set), illegal, none: track ?? null,
      };
    });
    expect(shape).toMatchObject({
      enumerable: true, configurable: true, get: "get onconfigurationchange", set: "set onconfigurationchange",
      setLength: 1, text: "function set onconfigurationchange() { [native code] }", illegal: "TypeError: Illegal invocation",
    });
    const values = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true });
      const t = stream.getVideoTracks()[0] as any;
      const out: string[] = [String(t.onconfigurationchange)];
      t.onconfigurationchange = 5 as any;
      out.push(String(t.onconfigurationchange));
      const fn = () => undefined;
      t.onconfigurationchange = fn;
      out.push(String(t.onconfigurationchange === fn));
      t.onconfigurationchange = null;
      out.push(String(t.onconfigurationchange));
      t.stop();
      return out;
    });
    expect(values).toEqual(["null", "null", "true", "null"]);
  });
});

test.describe("VideoFrame captureTime and track.stats", () => {
  test("frames read with MediaStreamTrackProcessor carry an increasing captureTime at most a frame old", async ({ page, site }) => {
    await page.goto(`${site.origin}/track-ext.html`);
    expect(await page.evaluate(() => (window as any).setup({ video: true }))).toBe("ok");
    const times: [number, number, boolean][] = await page.evaluate(() => (window as any).captureTimes(10));
    for (let i = 0; i < times.length; i++) {
      const [capture, now, same] = times[i];
      expect(same).toBe(true);
      expect(typeof capture).toBe("number");
      expect(capture).toBeLessThanOrEqual(now);
      expect(now - capture).toBeLessThan(200);
      if (i) expect(capture).toBeGreaterThan(times[i - 1][0]);
    }
  });

  test("the processor's readable stays native: transferable to a worker where frames flow, for-await marks frames, stream methods look native", async ({ page, nativePage, site }) => {
    const run = async (p: Page) => {
      await p.goto(`${site.origin}/track-ext.html`);
      return p.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
        const track = stream.getVideoTracks()[0];
        const Processor = (window as any).MediaStreamTrackProcessor;
        const proc = new Processor({ track: track.clone() });
        const src = "onmessage = async (e) => { const r = e.data.getReader(); let n = 0; while (n < 20) { const { value } = await r.read(); value.close(); n++; } postMessage(n); }";
        const w = new Worker(URL.createObjectURL(new Blob([src])));
        const inWorker = new Promise((res) => { w.onmessage = (e) => res(e.data); });
        w.postMessage(proc.readable, [proc.readable]);
        const frames = await Promise.race([inWorker, new Promise((r) => setTimeout(() => r("stalled"), 8000))]);
        const local = new Processor({ track });
        let marked = 0;
        let n = 0;
        const lockedBefore = local.readable.locked;
        for await (const frame of local.readable) {
          if (typeof frame.metadata().captureTime === "number") marked++;
          frame.close();
          if (++n === 5) break;
        }
        const proto = ReadableStream.prototype as any;
        const shape = ["getReader", "pipeThrough", "pipeTo", "tee", "values", "cancel"].map((k) => `${k}:${proto[k].name}:${proto[k].length}:${Function.prototype.toString.call(proto[k])}`);
        return { frames, marked, lockedBefore, same: proto.values === proto[Symbol.asyncIterator], shape };
      });
    };
    const [ext, native] = [await run(page), await run(nativePage)];
    expect(ext.frames).toBe(20);
    expect(ext.marked).toBe(5);
    expect(native.marked).toBe(0);
    expect({ ...ext, marked: 0 }).toEqual(native);
  });

  test("a processor's readable the page's reader, iterator or pipe let go of is unlocked as natively: transferable to a worker, read again with captureTime", async ({ page, nativePage, site }) => {
    const run = async (p: Page) => {
      await p.goto(`${site.origin}/track-ext.html`);
      return p.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
        const track = stream.getVideoTracks()[0];
        const Processor = (window as any).MediaStreamTrackProcessor;
        const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const src = "onmessage = async (e) => { const r = e.data.getReader(); const t = []; while (t.length < 3) { const { value } = await r.read(); t.push(value.timestamp); value.close(); } postMessage(t); }";
        // Transfers `readable` to a new worker, which reads three frames: their timestamps, or the error.
        const toWorker = async (readable: ReadableStream) => {
          const w = new Worker(URL.createObjectURL(new Blob([src])));
          const got = new Promise<number[]>((res) => { w.onmessage = (e) => res(e.data); });
          try {
            w.postMessage(readable, [readable]);
          } catch (e) {
            return `${(e as Error).name}: ${(e as Error).message}`;
          }
          const t = await Promise.race([got, wait(8000).then(() => "stalled" as const)]);
          w.terminate();
          return t;
        };
        /** Reads n frames with `reader`: [timestamps, how many had a captureTime]. */
        const readWith = async (reader: ReadableStreamDefaultReader<VideoFrame>, n: number) => {
          const t: number[] = [];
          let marked = 0;
          for (let i = 0; i < n; i++) {
            const { value } = await reader.read();
            t.push(value!.timestamp);
            if (typeof value!.metadata().captureTime === "number") marked++;
            value!.close();
          }
          return [t, marked] as const;
        };
        const after = (before: number[], later: unknown) =>
          Array.isArray(later) ? later.length === 3 && later[0] > before[before.length - 1] && later[1] > later[0] : later;
        const out: Record<string, unknown> = {};

        // A reader, released with a read pending (rejected, natively); the frame that read asked
        // for waits in the stream, and a read made just before the next release gets it.
        const a = new Processor({ track: track.clone() }).readable as ReadableStream<VideoFrame>;
        let reader = a.getReader();
        const [first, markedFirst] = await readWith(reader, 3);
        const pending = reader.read();
        reader.releaseLock();
        out.pendingRead = await pending.then((r) => (r.value?.close(), "resolved"), (e) => `${e.name}: ${e.message}`);
        out.readerReleased = a.locked;
        await wait(200);
        reader = a.getReader();
        const queued = reader.read();
        reader.releaseLock();
        const [queuedTime, queuedMarked] = await queued.then((r) => {
          const marked = typeof r.value!.metadata().captureTime === "number";
          r.value!.close();
          return [r.value!.timestamp, marked] as const;
        }, (e) => [`${e.name}: ${e.message}`, false] as const);
        out.queuedRead = typeof queuedTime === "number" && queuedTime > first[2] ? "after the others" : queuedTime;
        reader = a.getReader();
        const [again, markedAgain] = await readWith(reader, 3);
        out.readAgain = again[0] > (queuedTime as number);
        reader.releaseLock();
        out.reader = [a.locked, after(again, await toWorker(a))];

        // for await over values({preventCancel: true}), left with break.
        const b = new Processor({ track: track.clone() }).readable as ReadableStream<VideoFrame>;
        const seen: number[] = [];
        let markedIterated = 0;
        for await (const frame of (b as any).values({ preventCancel: true }) as AsyncIterable<VideoFrame>) {
          seen.push(frame.timestamp);
          if (typeof frame.metadata().captureTime === "number") markedIterated++;
          frame.close();
          if (seen.length === 3) break;
        }
        out.iterator = [b.locked, after(seen, await toWorker(b))];

        // pipeTo with preventCancel, stopped by its signal; then a reader in this window, then a worker.
        const c = new Processor({ track: track.clone() }).readable as ReadableStream<VideoFrame>;
        const stop = new AbortController();
        const piped: number[] = [];
        let markedPiped = 0;
        const pipe = c.pipeTo(new WritableStream({
          write(frame: VideoFrame) {
            piped.push(frame.timestamp);
            if (typeof frame.metadata().captureTime === "number") markedPiped++;
            frame.close();
            if (piped.length === 3) stop.abort();
          },
        }), { preventCancel: true, signal: stop.signal });
        out.pipeLocked = c.locked;
        out.pipe = await Promise.race([pipe.then(() => "resolved", (e) => e.name), wait(5000).then(() => "still piping")]);
        out.pipeReleased = c.locked;
        reader = c.getReader();
        const [afterPipe, markedAfterPipe] = await readWith(reader, 2);
        out.readAfterPipe = afterPipe[0] > piped[2];
        reader.releaseLock();
        out.piped = [c.locked, after(afterPipe, await toWorker(c))];

        out.marked = [markedFirst, Number(queuedMarked), markedAgain, markedIterated, markedPiped, markedAfterPipe];
        track.stop();
        return out;
      });
    };
    const [ext, native] = [await run(page), await run(nativePage)];
    expect(native).toEqual({
      pendingRead: "TypeError: Releasing Default reader", readerReleased: false, queuedRead: "after the others", readAgain: true, reader: [false, true],
      iterator: [false, true], pipeLocked: true, pipe: "AbortError", pipeReleased: false, readAfterPipe: true,
      piped: [false, true], marked: [0, 0, 0, 0, 0, 0],
    });
    // The same with the extension, and every frame read in the window has a captureTime.
    expect(ext).toEqual({ ...native, marked: [3, 1, 3, 3, 3, 2] });
  });

  test("where the browser lacks track.stats, the fill-in counts like native on the same track (over 5 s, within the frames it has queued)", async ({ fresh, site }) => {
    // Native Chromium has track.stats: take it away before the main-world script runs (an init
    // script runs before the extension's document_start scripts), so that the pack fills it in,
    // and keep the native getter to compare on the same track.
    const nativePage = await fresh.context.newPage();
    await nativePage.addInitScript(() => {
      const w = window as any;
      // The interfaces' shape: own properties of the interface object, its prototype (in order) and
      // the global, each with its attributes and its functions' name, length, text and prototype.
      w.shapeOf = (iface: any) => {
        const describe = (o: object) => Reflect.ownKeys(o).map((key) => {
          const d = Object.getOwnPropertyDescriptor(o, key)! as any;
          const fn = (f: any) => typeof f === "function"
            ? [f.name, f.length, Function.prototype.toString.call(f), Object.hasOwn(f, "prototype")] : typeof f === "object" ? "object" : f;
          return [String(key), d.writable, d.enumerable, d.configurable, fn(d.value), fn(d.get), fn(d.set)];
        });
        const errors = [() => new iface(), () => iface(), () => iface.prototype.toJSON.call({})].map((f) => {
          try { f(); return "no error"; } catch (e) { return `${(e as Error).name}: ${(e as Error).message}`; }
        });
        return {
          iface: describe(iface), prototype: describe(iface.prototype), global: describe(window).find((d) => d[0] === iface.name),
          chain: [Object.getPrototypeOf(iface) === Function.prototype, Object.getPrototypeOf(iface.prototype) === Object.prototype],
          tag: Object.prototype.toString.call(iface.prototype), errors,
        };
      };
      w.nativeShapes = [w.shapeOf(w.MediaStreamTrackVideoStats), w.shapeOf(w.MediaStreamTrackAudioStats)];
      w.nativeStats = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, "stats")!.get;
      delete (MediaStreamTrack.prototype as any).stats;
      delete w.MediaStreamTrackVideoStats;
      delete w.MediaStreamTrackAudioStats;
    });
    await nativePage.goto(`${site.origin}/track-ext.html`);
    const result = await nativePage.evaluate(async () => {
      const w = window as any;
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
      const video = stream.getVideoTracks()[0] as any;
      const audio = stream.getAudioTracks()[0] as any;
      const filled = video.stats;
      const sameObject = video.stats === filled;
      const kind = Object.prototype.toString.call(filled);
      const frozen = filled.totalFrames === (await Promise.resolve(), filled.totalFrames);
      const samples: [number, number, number][] = [];
      let [ahead, totalDiffers] = [false, false];
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        // The fill-in counts a frame when it reads it from its queue, which on a busy machine can
        // wait a few tasks: so the difference to the native count is the frames its clone missed
        // at the start plus those queued and not read yet. Read both in one task ten times over
        // 300 ms and keep the least difference (a moment its queue was read); the counters only
        // change between tasks.
        let least: [number, number, number] | undefined;
        for (let read = 0; read < 10; read++) {
          await new Promise((r) => setTimeout(r, 30));
          const native = w.nativeStats.call(video).deliveredFrames;
          if (filled.deliveredFrames - native > 2) ahead = true;
          if (filled.totalFrames !== filled.deliveredFrames) totalDiffers = true;
          if (!least || native - filled.deliveredFrames < least[0] - least[1]) least = [native, filled.deliveredFrames, filled.totalFrames];
        }
        samples.push(least!);
      }
      const json = filled.toJSON();
      const audioStats = (audio as any).stats;
      await new Promise((r) => setTimeout(r, 300));
      return {
        sameObject, kind, frozen, samples, ahead, totalDiffers, json: Object.keys(json),
        audioKind: Object.prototype.toString.call(audioStats), jsonText: JSON.stringify(filled) === JSON.stringify(filled.toJSON()),
        shapes: [w.shapeOf(w.MediaStreamTrackVideoStats), w.shapeOf(w.MediaStreamTrackAudioStats)], nativeShapes: w.nativeShapes,
        iface: typeof w.MediaStreamTrackVideoStats, toString: Function.prototype.toString.call(w.MediaStreamTrackVideoStats),
        audio: audioStats && { frames: audioStats.deliveredFrames, duration: audioStats.deliveredFramesDuration, keys: Object.keys(audioStats.toJSON()) },
        afterStop: (video.stop(), typeof video.stats),
      };
    });
    expect(result.sameObject).toBe(true);
    expect(result.frozen).toBe(true);
    expect(result.iface).toBe("function");
    expect(result.toString).toBe("function MediaStreamTrackVideoStats() { [native code] }");
    expect(result.json).toEqual(["deliveredFrames", "discardedFrames", "totalFrames"]);
    // Shaped as the native interfaces: Symbol.toStringTag, the order and attributes of the members,
    // the operations' names, the interface object's read-only prototype, the constructor's errors.
    expect([result.kind, result.audioKind]).toEqual(["[object MediaStreamTrackVideoStats]", "[object MediaStreamTrackAudioStats]"]);
    expect(result.jsonText).toBe(true);
    expect(result.nativeShapes[0].prototype.length).toBeGreaterThan(4);
    expect(result.shapes).toEqual(result.nativeShapes);
    // Over the 5 s the two count the same frames. The fill-in reads its clone's frames through a
    // 120-frame queue (none dropped): at a moment its queue is read it is a few frames behind the
    // browser (its clone starts a moment after the track), and that difference does not grow.
    const [first, last] = [result.samples[0], result.samples[4]];
    expect(Math.abs((last[0] - first[0]) - (last[1] - first[1]))).toBeLessThanOrEqual(3);
    for (const [native, filled, total] of result.samples) {
      expect(native).toBeGreaterThan(0);
      expect(native - filled).toBeGreaterThanOrEqual(-2);
      expect(native - filled).toBeLessThanOrEqual(4);
      expect(total).toBe(filled);
    }
    expect([result.ahead, result.totalDiffers]).toEqual([false, false]);
    // Counters moved over the 5 s (the fake camera runs at 30 fps).
    expect(result.samples[4][1] - result.samples[0][1]).toBeGreaterThan(60);
    expect(result.audio!.frames).toBeGreaterThan(0);
    expect(result.audio!.keys).toContain("averageLatency");
  });
});
