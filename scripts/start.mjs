// `npm start`: serves the demo and opens it in Chromium with the built extension (dist/).
//
//   node scripts/start.mjs             visible browser, real devices and real permission prompts
//   node scripts/start.mjs --fake      visible browser, fake camera/microphone, prompts auto-accepted
//   node scripts/start.mjs --headless  headless tour: clicks through the demo, saves artifacts/demo-*.png
//
// Without a display (no $DISPLAY / $WAYLAND_DISPLAY on Linux) it always runs the headless tour.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { closeWelcomePage } from "./welcome-page.mjs";
import { startServer } from "./serve.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
const ARTIFACTS = join(ROOT, "artifacts");
const PROFILE = join(ROOT, ".profile", "chromium");
const PREFERRED_PORT = 5273;

const argv = process.argv.slice(2);
const flags = new Set(argv);
for (const a of argv) {
  if (!["--headless", "--fake", "--help", "-h"].includes(a)) {
    console.error(`Unknown option ${a}. Try --help.`);
    process.exit(2);
  }
}
if (flags.has("--help") || flags.has("-h")) {
  console.log("Usage: node scripts/start.mjs [--headless] [--fake]\n" +
    "  --headless  run the headless tour (screenshots in artifacts/) even if a display is available\n" +
    "  --fake      visible mode: fake camera and microphone, permission prompts auto-accepted");
  process.exit(0);
}

const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) ||
  process.platform === "darwin" || process.platform === "win32";
const headless = flags.has("--headless") || !hasDisplay;

/** True if 127.0.0.1:port can be bound right now. */
function portIsFree(port) {
  return new Promise((done) => {
    const probe = createServer();
    probe.once("error", () => done(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => done(true)));
  });
}

async function serve() {
  // "/demo/" first: the server tries prefixes in order and "/" matches everything.
  const roots = { "/demo/": join(ROOT, "demo"), "/": join(ROOT, "tests", "pages") };
  const port = (await portIsFree(PREFERRED_PORT)) ? PREFERRED_PORT : 0;
  const server = await startServer(roots, port);
  return { server, port: server.address().port };
}

async function waitForExtension(context, timeout = 10_000) {
  const isOurs = (w) => w.url().startsWith("chrome-extension://");
  const existing = context.serviceWorkers().find(isOurs);
  if (existing) return new URL(existing.url()).host;
  try {
    const worker = await context.waitForEvent("serviceworker", { predicate: isOurs, timeout });
    return new URL(worker.url()).host;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

async function runVisible(executablePath, url) {
  const fake = flags.has("--fake");
  let args = chromeArgs({ extensionDir: DIST, fakeUi: fake });
  // chromeArgs always asks for fake devices; without --fake the user wants their real ones.
  if (!fake) args = args.filter((a) => !a.startsWith("--use-fake-device-for-media-stream"));
  mkdirSync(PROFILE, { recursive: true });
  let context;
  try {
    context = await chromium.launchPersistentContext(PROFILE, {
      executablePath,
      headless: false,
      viewport: null,
      args,
      ignoreDefaultArgs: ["--enable-automation"],
    });
  } catch (e) {
    const first = String(e instanceof Error ? e.message : e).split("\n")[0];
    throw new Error(`Could not open a visible Chromium: ${first}\n` +
      "If this machine has no usable display, run `node scripts/start.mjs --headless` instead.");
  }
  const extensionId = await waitForExtension(context);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  console.log(`Chromium is open with the extension${extensionId ? ` (id ${extensionId})` : " (not detected yet)"}` +
    `, ${fake ? "fake devices, prompts auto-accepted" : "real devices and permission prompts"}.`);
  console.log(`Demo: ${url}`);
  console.log(`Profile: ${relative(ROOT, PROFILE)}/ (delete it to start fresh). Close the browser or press Ctrl+C to quit.`);
  await new Promise((done) => {
    context.on("close", done);
    const stop = () => context.close().catch(() => undefined);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

// ---------------------------------------------------------------------------------------------

const STEPS = [
  { name: "semantics", button: "#semantics-btn", output: "#semantics-out" },
  { name: "devices", button: "#devices-btn", output: "#devices-out" },
  { name: "camera", button: "#camera-btn", output: "#camera-out", video: "#camera-video" },
  { name: "mic", button: "#mic-btn", output: "#mic-out" },
  // The extension's picker window opens: the tour picks the second camera in it.
  { name: "choose", button: "#choose-btn", output: "#choose-out", picker: "fake_device_1" },
  // The extension's PTZ prompt opens (Ask is the default): the tour allows.
  { name: "ptz", button: "#ptz-btn", output: "#ptz-out", video: "#ptz-video", prompt: "/extension/ptz-prompt/" },
  { name: "stats", button: "#stats-btn", output: "#stats-out", settle: 2_500 },
  { name: "frames", button: "#frames-btn", output: "#frames-out" },
];
const FINISHED = ["done", "error", "unsupported"];

function summarize(text, maxLines = 8) {
  // Table cells as "a | b", and each pretty-printed JSON object on one line.
  const flat = text.replace(/\t/g, " | ").replace(/\{\n[\s\S]*?\n\}/g, (m) => m.replace(/\s*\n\s*/g, " "));
  const lines = flat.split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  const shown = lines.slice(0, maxLines).map((l) => (l.length > 160 ? `${l.slice(0, 159)}…` : l));
  if (lines.length > maxLines) shown.push(`… (${lines.length - maxLines} more lines)`);
  return shown.map((l) => `    ${l}`).join("\n");
}

async function runHeadless(executablePath, url) {
  const profile = mkdtempSync(join(tmpdir(), "cc-start-"));
  mkdirSync(ARTIFACTS, { recursive: true });
  let context;
  let failed = false;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      viewport: { width: 1100, height: 900 },
      args: chromeArgs({ extensionDir: DIST, fakeUi: true }),
    });
    const extensionId = await waitForExtension(context);
    console.log(extensionId ? `Extension loaded (id ${extensionId}).` : "WARNING: the extension's service worker did not start; the demo shows the browser's own behaviour.");
    // The tour drives the demo tab; the install's welcome tab is not part of it.
    if (extensionId) await closeWelcomePage(context);

    const page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") console.log(`  [console error] ${m.text()}`); });
    await page.goto(url);
    console.log(`Opened ${url}`);
    console.log(`  ${await page.locator("#env").innerText()}`);

    const shots = [];
    for (const [i, step] of STEPS.entries()) {
      const pickerOpened = step.picker
        ? context.waitForEvent("page", { predicate: (p) => p.url().includes("/extension/picker/"), timeout: 10_000 }).catch(() => null)
        : null;
      const promptOpened = step.prompt
        ? context.waitForEvent("page", { predicate: (p) => p.url().includes(step.prompt), timeout: 10_000 }).catch(() => null)
        : null;
      await page.locator(step.button).click();
      const prompt = await promptOpened;
      if (prompt) {
        const file = join(ARTIFACTS, `demo-${i + 1}-${step.name}-prompt.png`);
        await prompt.getByRole("button", { name: /^Allow/ }).waitFor().catch(() => undefined);
        await prompt.screenshot({ path: file }).catch(() => undefined);
        shots.push(file);
        console.log(`\n[${step.name}] the extension's PTZ prompt opened; allowing`);
        await prompt.getByRole("button", { name: /^Allow/ }).click().catch(() => undefined); // it closes itself
      }
      const picker = await pickerOpened;
      if (picker) {
        await picker.getByRole("radio", { name: step.picker }).check();
        await picker.waitForFunction(() => document.documentElement.dataset.paintedAt).catch(() => undefined);
        const file = join(ARTIFACTS, `demo-${i + 1}-${step.name}-picker.png`);
        await picker.screenshot({ path: file });
        shots.push(file);
        console.log(`\n[${step.name}] the picker window opened; choosing ${step.picker}`);
        await picker.getByRole("button", { name: /^Allow/ }).click().catch(() => undefined); // it closes itself
      }
      let state = "timed out";
      try {
        await page.waitForFunction(({ sel, finished }) => finished.includes(document.querySelector(sel)?.dataset.state),
          { sel: step.output, finished: FINISHED }, { timeout: 15_000 });
        state = await page.locator(step.output).getAttribute("data-state");
      } catch {
        failed = true;
      }
      if (step.video && state === "done") {
        await page.waitForFunction((sel) => document.querySelector(sel)?.videoWidth > 0, step.video, { timeout: 5_000 })
          .catch(() => undefined);
      }
      if (step.settle) await page.waitForTimeout(step.settle);
      await page.locator(step.output).scrollIntoViewIfNeeded();
      const file = join(ARTIFACTS, `demo-${i + 1}-${step.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      shots.push(file);
      console.log(`\n[${step.name}] ${state}`);
      console.log(summarize(await page.locator(step.output).innerText()));
    }
    // The same page in dark mode, to check the prefers-color-scheme styles.
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = join(ARTIFACTS, "demo-dark.png");
    await page.screenshot({ path: dark, fullPage: true });
    shots.push(dark);

    console.log(`\nRan HEADLESS with fake camera/microphone (${flags.has("--headless") ? "--headless given" : "no display available"}).`);
    console.log(`Screenshots (full page, one per step) in ${relative(process.cwd(), ARTIFACTS) || "."}/:`);
    for (const f of shots) console.log(`  ${relative(process.cwd(), f)}`);
  } finally {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
  if (failed) {
    console.log("Some steps timed out (see above).");
    process.exitCode = 1;
  }
}

// ---------------------------------------------------------------------------------------------

if (!existsSync(join(DIST, "manifest.json"))) {
  console.error("dist/ has no build. Run `npm run build` (or `npm start`, which builds first).");
  process.exit(1);
}
const executablePath = await findChrome();
const { server, port } = await serve();
const url = `http://localhost:${port}/demo/`;
if (port !== PREFERRED_PORT) console.log(`Port ${PREFERRED_PORT} is busy; using ${port}.`);
console.log(`Serving demo/ at ${url} and tests/pages/ at http://localhost:${port}/ (Chromium: ${executablePath})`);
try {
  if (headless) await runHeadless(executablePath, url);
  else await runVisible(executablePath, url);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  server.close();
  server.closeAllConnections?.();
}
