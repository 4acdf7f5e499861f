// `npm run fuzz [-- --cases N --seed S]`: differential fuzzing of getUserMedia, enumerateDevices,
// applyConstraints, getCapabilities/getSettings/getConstraints, clone and stop, with and without
// the extension in the same Chromium. Prints the seed; each failure is minimised and saved to
// tests/fuzz/regressions/ (npm test replays those). Exit code 1 when any case differs.
import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromeArgs, findChrome } from "./chrome-path.mjs";
import { closeWelcomePage } from "./welcome-page.mjs";
import { startServer } from "./serve.mjs";
import { generateCase, minimise } from "../tests/fuzz/generator.mjs";
import { outcomes, REGRESSIONS_DIR } from "../tests/fuzz/differential.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const cases = arg("--cases", 1000);
const seed = arg("--seed", Math.floor(Math.random() * 2 ** 31));
console.log(`Fuzzing ${cases} cases, seed ${seed} (repeat with: npm run fuzz -- --seed ${seed} --cases ${cases})`);

const server = await startServer({ "/": resolve("tests/pages") });
const url = `http://localhost:${server.address().port}/fuzz.html`;
const executablePath = await findChrome();
async function open(withExtension) {
  const dir = mkdtempSync(join(tmpdir(), "cc-fuzz-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath, headless: true, args: chromeArgs({ extensionDir: withExtension ? resolve("dist") : undefined }),
  });
  if (withExtension) {
    const worker = context.serviceWorkers()[0] ?? await context.waitForEvent("serviceworker");
    await closeWelcomePage(context);
    // The default PTZ setting, Ask, is a feature (a case naming pan, tilt or zoom would wait for the
    // PTZ prompt): the fuzzed site allows PTZ, as in tests/e2e/fuzz.spec.ts.
    const options = await context.newPage();
    await options.goto(`chrome-extension://${new URL(worker.url()).host}/options/index.html`);
    await options.evaluate((origin) => chrome.runtime.sendMessage({ type: "ui.setSiteSettings", origin, patch: { ptz: "allow" } }),
      new URL(url).origin);
    await options.close();
  }
  const page = await context.newPage();
  await page.goto(url);
  return { page, close: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}
const ext = await open(true);
const nat = await open(false);
let failures = 0;
try {
  for (let i = 0; i < cases; i++) {
    const testCase = generateCase(seed + i);
    const result = await outcomes(ext.page, nat.page, testCase);
    if (result.same) continue;
    failures++;
    const small = await minimise(testCase, async (c) => !(await outcomes(ext.page, nat.page, c)).same);
    const final = await outcomes(ext.page, nat.page, small);
    mkdirSync(REGRESSIONS_DIR, { recursive: true });
    const file = join(REGRESSIONS_DIR, `case-${testCase.seed}.json`);
    writeFileSync(file, JSON.stringify({ case: small, extension: final.extension, native: final.native }, null, 2) + "\n");
    console.log(`\nDIFFERENT: case ${testCase.seed}, minimised to ${file}\n  native:    ${final.native}\n  extension: ${final.extension}`);
  }
} finally {
  await ext.close();
  await nat.close();
  server.close();
}
console.log(`\n${cases} cases, ${failures} different (seed ${seed}).`);
process.exitCode = failures ? 1 : 0;
