import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadSettings, SETTINGS_VERSION } from "../../extension/background/settings-schema";

/** Every earlier version's stored settings (tests/fixtures/settings/) migrates to the current one. */
const DIR = fileURLToPath(new URL("../fixtures/settings/", import.meta.url));
const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".json")).map((file) => ({
  file, ...JSON.parse(readFileSync(DIR + file, "utf8")) as { stored: unknown; expected: unknown; problem: boolean },
}));

describe("settings migrations", () => {
  it("has a fixture for every version before the current one", () => {
    for (let v = 0; v < SETTINGS_VERSION; v++) expect(fixtures.some((f) => f.file.startsWith(`v${v}-`))).toBe(true);
    expect(fixtures.some((f) => f.file.startsWith(`v${SETTINGS_VERSION}-`))).toBe(true);
  });
  it.each(fixtures)("$file", ({ stored, expected, problem, file }) => {
    const result = loadSettings(stored);
    expect(result.settings).toEqual(expected);
    expect(result.problem !== null).toBe(problem);
    expect(result.changed).toBe(!file.startsWith(`v${SETTINGS_VERSION}-`) || problem);
    // Migrating twice changes nothing more.
    expect(loadSettings(result.settings)).toEqual({ settings: expected, changed: false, problem: null });
  });
});
