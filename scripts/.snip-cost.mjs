import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { findChrome, chromeArgs } from "./chrome-path.mjs";
import { startServer } from "./serve.mjs";
const server = await startServer({ "/": resolve("tests/pages") });
const b = await chromium.launch({ executablePath: await findChrome(), headless: true, args: chromeArgs({}) });
const page = await b.newPage();
await page.goto(`http://localhost:${server.address().port}/index.html`);
const SNAP = "Array,Blob,Event,EventTarget,Function,JSON,Map,Math,MediaDeviceInfo,MediaDevices,MediaStream,MediaStreamTrack,MediaStreamTrackGenerator,MediaStreamTrackProcessor,MessageChannel,MessageEvent,MessagePort,Object,PermissionStatus,Permissions,Promise,Reflect,Set,Symbol,URL,VideoFrame,WeakMap,Worker";
const REST = "ArrayBuffer,CustomEvent,DOMException,Date,Document,Error,Navigator,Number,Proxy,ReadableStream,ReadableStreamDefaultReader,String,TypeError,clearTimeout,encodeURIComponent,globalThis,navigator,setTimeout,structuredClone";
const snippets = {
  empty: "",
  readSnap: `for (const n of "${SNAP}".split(",")) window[n];`,
  readAll: `for (const n of "${SNAP},${REST}".split(",")) window[n];`,
  readWeb: `for (const n of "Blob,Event,EventTarget,MediaDeviceInfo,MediaDevices,MediaStream,MediaStreamTrack,MediaStreamTrackGenerator,MediaStreamTrackProcessor,MessageChannel,MessageEvent,MessagePort,PermissionStatus,Permissions,URL,VideoFrame,Worker".split(",")) window[n].prototype;`,
  readJs: `for (const n of "Array,Function,JSON,Map,Math,Object,Promise,Reflect,Set,Symbol,WeakMap".split(",")) window[n];`,
  pristineSnap: `for (const n of "${SNAP}".split(",")) { const v = window[n]; for (const o of [v, v.prototype]) if (o) { const d = Object.getOwnPropertyDescriptors(o); Reflect.ownKeys(d); } }`,
  pristineJs: `for (const n of "Array,Function,JSON,Map,Math,Object,Promise,Reflect,Set,Symbol,WeakMap".split(",")) { const v = window[n]; for (const o of [v, v.prototype]) if (o) { const d = Object.getOwnPropertyDescriptors(o); Reflect.ownKeys(d); } }`,
  pristineWeb: `for (const n of "Blob,Event,EventTarget,MediaDeviceInfo,MediaDevices,MediaStream,MediaStreamTrack,MediaStreamTrackGenerator,MediaStreamTrackProcessor,MessageChannel,MessageEvent,MessagePort,PermissionStatus,Permissions,URL,VideoFrame,Worker".split(",")) { const v = window[n]; for (const o of [v, v.prototype]) if (o) { const d = Object.getOwnPropertyDescriptors(o); Reflect.ownKeys(d); } }`,
  keysWeb: `for (const n of "Blob,Event,EventTarget,MediaDeviceInfo,MediaDevices,MediaStream,MediaStreamTrack,MediaStreamTrackGenerator,MediaStreamTrackProcessor,MessageChannel,MessageEvent,MessagePort,PermissionStatus,Permissions,URL,VideoFrame,Worker".split(",")) { const v = window[n]; Reflect.ownKeys(v); Reflect.ownKeys(v.prototype); }`,
  proxies30: `const p=[];for (let i=0;i<30;i++) p.push(new Proxy(function(){}, {apply(){}}));`,
};
for (let round = 0; round < 3; round++) {
  console.log(await page.evaluate(async (snippets) => {
    const out = {};
    for (const [name, code] of Object.entries(snippets)) {
      let total = 0;
      for (let i = 0; i < 60; i++) {
        const f = document.createElement("iframe");
        document.body.append(f);
        const w = f.contentWindow;
        const t0 = performance.now();
        w.eval(code);
        total += performance.now() - t0;
        f.remove();
      }
      out[name] = +(total / 60).toFixed(3);
    }
    return out;
  }, snippets));
}
await b.close(); server.close();
