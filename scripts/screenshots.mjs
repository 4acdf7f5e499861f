// `npm run screenshots`: the Chrome Web Store screenshots (1280x800 PNG) of the popup, the device
// picker, the PTZ prompt and the options page, rendered with Playwright from the production build
// in dist/ into docs/store/. They show a real session on the demo page (fake devices): the camera
// is on, the demo asks for a camera with "user-chooses" (the picker), then for a pan/tilt/zoom
// camera (the PTZ prompt); the popup and options page then show what that session left.
// The README's screenshots are these files.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { startServer } from "./serve.mjs";
import { closeWelcomePage } from "./welcome-page.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "docs", "store");
const WIDTH = 1280;
const HEIGHT = 800;
const PTZ_CAMERA = "--use-fake-device-for-media-stream=device-count=3,hardware-support=pan-tilt-zoom";

async function listen() {
  const roots = { "/demo/": join(ROOT, "demo") };
  // The port npm start uses, so that the site reads the same; any free one otherwise.
  return startServer(roots, 5273).catch(() => startServer(roots));
}

/** Places `shot` (a PNG of an extension window) over `backdrop` (a PNG of the page), 1280x800. */
async function compose(context, { backdrop, shot, x, y, width, height, out }) {
  const page = await context.newPage();
  await page.setViewportSize({ width: WIDTH, height: HEIGHT });
  const src = (png) => `data:image/png;base64,${png.toString("base64")}`;
  await page.setContent(`<!doctype html><html><body style="margin:0;width:${WIDTH}px;height:${HEIGHT}px;overflow:hidden;position:relative">
    <img src="${src(backdrop)}" style="position:absolute;inset:0;width:${WIDTH}px;height:${HEIGHT}px">
    <div style="position:absolute;inset:0;background:rgba(20,20,30,.28)"></div>
    <img src="${src(shot)}" style="position:absolute;left:${x}px;top:${y}px;width:${width}px;height:${height}px;
      border-radius:10px;box-shadow:0 12px 40px rgba(0,0,0,.45),0 0 0 1px rgba(0,0,0,.25)">
  </body></html>`);
  await page.evaluate(() => Promise.all([...document.images].map((i) => i.decode())));
  await page.screenshot({ path: out });
  await page.close();
}

const waitEnabled = (page, name) => page.getByRole("button", { name }).waitFor({ state: "visible" })
  .then(() => page.waitForFunction((n) => [...document.querySelectorAll("button")].some((b) => b.textContent?.startsWith(n) && !b.disabled), name));

async function main() {
  mkdirSync(OUT, { recursive: true });
  const server = await listen();
  const demoUrl = `http://localhost:${server.address().port}/demo/`;
  const profile = mkdtempSync(join(tmpdir(), "cc-shots-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: await findChrome(),
    headless: true,
    viewport: { width: WIDTH, height: HEIGHT },
    colorScheme: "light",
    args: chromeArgs({ extensionDir: join(ROOT, "dist"), extra: [PTZ_CAMERA] }),
  });
  try {
    const worker = context.serviceWorkers()[0] ?? await context.waitForEvent("serviceworker");
    const extensionId = new URL(worker.url()).host;
    await closeWelcomePage(context);
    // The options page shows a history; a fresh profile has none, so two weeks of sample use by
    // made-up sites is stored first (the session below adds its own entries).
    await worker.evaluate(() => {
      const DAY = 86_400_000;
      const today = new Date();
      today.setHours(10, 0, 0, 0);
      const entries = [];
      const sites = [
        { origin: "https://meet.example.com", kinds: ["video", "audio"], minutes: [45, 30, 60, 25, 50, 35, 40] },
        { origin: "https://call.example.org", kinds: ["audio"], minutes: [20, 15, 30, 10] },
        { origin: "https://classroom.example.net", kinds: ["video"], minutes: [55, 50] },
      ];
      const labels = { video: "Integrated Camera", audio: "USB Microphone" };
      sites.forEach((site, s) => site.minutes.forEach((minutes, i) => {
        const start = today.getTime() - (i * 2 + s + 1) * DAY + s * 3_600_000;
        for (const kind of site.kinds) {
          entries.push({ origin: site.origin, topOrigin: null, kind, label: labels[kind], start, end: start + minutes * 60_000 });
        }
      }));
      return chrome.storage.local.set({ captureHistory: { version: 1, retentionDays: 90, entries } });
    });
    const demo = context.pages()[0] ?? await context.newPage();
    await demo.goto(demoUrl);
    const section = async (id) => {
      await demo.evaluate((s) => document.getElementById(s)?.scrollIntoView({ block: "start" }), id);
      await demo.waitForTimeout(300);
      return demo.screenshot();
    };
    const out = (name) => join(OUT, name);

    // The camera is on; then the site asks to choose one: the picker.
    await demo.click("#camera-btn");
    await demo.waitForFunction(() => document.getElementById("camera-video")?.videoWidth > 0);
    const pickerOpened = context.waitForEvent("page", { predicate: (p) => p.url().includes("/extension/picker/") });
    await demo.click("#choose-btn");
    const picker = await pickerOpened;
    await picker.setViewportSize({ width: 440, height: 430 });
    await waitEnabled(picker, "Allow");
    await picker.getByRole("radio", { name: "fake_device_1" }).check();
    await picker.waitForFunction(() => [...document.querySelectorAll("video")].every((v) => v.videoWidth > 0));
    await picker.waitForTimeout(1500); // the preview's first frames
    const pickerShot = await picker.screenshot();
    await compose(context, {
      backdrop: await section("choose"), shot: pickerShot, x: (WIDTH - 440) / 2, y: 160, width: 440, height: 430, out: out("picker.png"),
    });
    await picker.getByRole("checkbox", { name: "Remember for this site" }).check();
    await picker.getByRole("button", { name: /^Allow/ }).click().catch(() => undefined);
    await demo.waitForFunction(() => document.getElementById("choose-out")?.textContent?.includes("Got a camera"));

    // The site wants to move the camera: the PTZ prompt (Ask is the default).
    const promptOpened = context.waitForEvent("page", { predicate: (p) => p.url().includes("/extension/ptz-prompt/") });
    await demo.click("#ptz-btn");
    const prompt = await promptOpened;
    await prompt.setViewportSize({ width: 420, height: 250 });
    await waitEnabled(prompt, "Allow");
    const promptShot = await prompt.screenshot();
    await compose(context, {
      backdrop: await section("ptz"), shot: promptShot, x: (WIDTH - 420) / 2, y: 200, width: 420, height: 250, out: out("ptz-prompt.png"),
    });
    // As a person would answer the browser's own PTZ prompt, which comes next (the session must
    // stay open: Chromium drops the override with it).
    const cdp = await context.newCDPSession(demo);
    await cdp.send("Browser.setPermission", {
      permission: { name: "camera", panTiltZoom: true }, setting: "granted", origin: new URL(demoUrl).origin,
    });
    await prompt.getByRole("button", { name: /^Allow/ }).click().catch(() => undefined);
    await demo.waitForFunction(() => document.getElementById("ptz-video")?.videoWidth > 0);

    // The popup for the demo's tab: in use now, this site, its permissions, the PTZ sliders.
    const tabId = await worker.evaluate(async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id, demoUrl);
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 360, height: 600 });
    await popup.goto(`chrome-extension://${extensionId}/popup/index.html?tab=${tabId}`);
    await popup.getByRole("slider", { name: "Pan" }).waitFor();
    await popup.getByRole("button", { name: /^Stop/ }).first().waitFor();
    const popupHeight = Math.min(await popup.evaluate(() => document.documentElement.scrollHeight), HEIGHT - 24);
    await popup.setViewportSize({ width: 360, height: popupHeight });
    const popupShot = await popup.screenshot();
    await compose(context, {
      backdrop: await section("camera"), shot: popupShot, x: WIDTH - 360 - 16, y: 8, width: 360, height: popupHeight, out: out("popup.png"),
    });

    // The options page: defaults, the site's own settings and remembered camera, the history.
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options/index.html`);
    // A second site with settings of its own: the picker always, and no device names.
    await options.evaluate(() => chrome.runtime.sendMessage({
      type: "ui.setSiteSettings", origin: "https://meet.example.com", patch: { semantics: "user-chooses", hideLabels: true },
    }));
    await options.reload();
    await options.getByRole("heading", { name: /history/i }).first().waitFor();
    // From the sites' table down to the history chart.
    await options.evaluate(() => window.scrollTo(0, document.getElementById("sites-heading").getBoundingClientRect().top + scrollY - 24));
    await options.waitForTimeout(300);
    await options.screenshot({ path: out("options.png") });

    for (const name of ["popup", "picker", "ptz-prompt", "options"]) console.log(`docs/store/${name}.png`);
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
