// Runs fuzz cases in a page with the extension and a page without it (both on tests/pages/fuzz.html
// of the same origin) and reports the cases whose outcomes differ.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

export const REGRESSIONS_DIR = "tests/fuzz/regressions";

export async function outcomes(extensionPage, nativePage, testCase) {
  const run = (page) => page.evaluate((steps) => window.runCase(steps), testCase.steps);
  const [extension, native] = await Promise.all([run(extensionPage), run(nativePage)]);
  return { extension, native, same: extension === native };
}

/** The regression cases saved by earlier runs (minimised failures). */
export function regressionCases() {
  if (!existsSync(REGRESSIONS_DIR)) return [];
  return readdirSync(REGRESSIONS_DIR).filter((f) => f.endsWith(".json")).sort()
    .map((f) => ({ file: join(REGRESSIONS_DIR, f), ...JSON.parse(readFileSync(join(REGRESSIONS_DIR, f), "utf8")).case }));
}
