/**
 * The fixed slice of differential fuzzing that runs in `npm test`: 100 generated cases with a fixed
 * seed, plus every minimised failure that `npm run fuzz` saved to tests/fuzz/regressions/. With no
 * feature engaged, each must give the same outcomes (results, error names, messages, constraint
 * names) with and without the extension.
 */
import { expect, test } from "./fixtures";
import { setSitePtz } from "./ptz-helpers";
import { generateCase } from "../fuzz/generator.mjs";
import { outcomes, regressionCases } from "../fuzz/differential.mjs";

const SEED = 20261121;
const SLICE = 100;

test("100 generated call sequences and the saved regressions behave as native", async ({ page, nativePage, site, extContext, extensionId }) => {
  test.setTimeout(180_000);
  await setSitePtz(extContext, extensionId, site.origin, "allow");
  await page.goto(`${site.origin}/fuzz.html`);
  await nativePage.goto(`${site.origin}/fuzz.html`);
  const cases = [...Array.from({ length: SLICE }, (_, i) => generateCase(SEED + i)), ...regressionCases()];
  const different: string[] = [];
  for (const testCase of cases) {
    const result = await outcomes(page, nativePage, testCase);
    if (!result.same) different.push(`case ${testCase.seed}:\n  native:    ${result.native}\n  extension: ${result.extension}`);
  }
  expect(different, different.join("\n")).toEqual([]);
});
