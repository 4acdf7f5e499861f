// `npm test`: builds the production extension, runs the unit tests (vitest) and the end-to-end
// tests (Playwright, real Chromium with fake devices, on dist/), then prints one summary line.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { findChrome } from "./chrome-path.mjs";

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;

try {
  console.log(`Chromium: ${await findChrome()}`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

if (run("npx", ["vite", "build", "--logLevel", "warn"]) !== 0) {
  console.error("build failed");
  process.exit(1);
}

rmSync("test-results", { recursive: true, force: true });
const unitStatus = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=test-results/unit.json"]);
const e2eStatus = run("npx", ["playwright", "test", ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync("test-results/unit.json")) {
  const unit = JSON.parse(readFileSync("test-results/unit.json", "utf8"));
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
  // A file that fails before its tests run counts as one failure (its tests are only "skipped").
  for (const file of unit.testResults ?? []) {
    if (file.status === "failed" && !file.assertionResults.some((a) => a.status === "failed")) failed += 1;
  }
  skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
} else if (unitStatus !== 0) failed += 1;
if (existsSync("test-results/e2e.json")) {
  const e2e = JSON.parse(readFileSync("test-results/e2e.json", "utf8"));
  passed += e2e.stats.expected;
  failed += e2e.stats.unexpected + (e2e.stats.flaky ?? 0);
  skipped += e2e.stats.skipped;
} else if (e2eStatus !== 0) failed += 1;

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(unitStatus !== 0 || e2eStatus !== 0 || failed > 0 || passed === 0 ? 1 : 0);
