/**
 * The store zip (`npm run package`, scripts/package.mjs) of the production build: the manifest,
 * every file the manifest and the pages refer to, and no source maps or test files.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manifestReferences, missingFiles, readPackage, writePackage } from "../../scripts/package.mjs";
import { DIST, expect, test } from "./fixtures";

const scratch = () => mkdtempSync(join(tmpdir(), "cc-package-"));

test("the zip holds the built extension, everything it refers to, and no maps or tests", () => {
  const out = scratch();
  try {
    const { file, size, files } = writePackage(DIST, out);
    expect(file).toMatch(/capture-control-\d+\.\d+\.\d+\.zip$/);
    expect(size).toBeGreaterThan(10_000);
    const zip = readPackage(file);
    const paths = Object.keys(zip).sort();
    expect(paths).toEqual([...files].sort());

    const manifest = JSON.parse(new TextDecoder().decode(zip["manifest.json"]));
    expect(manifest).toEqual(JSON.parse(readFileSync(join(DIST, "manifest.json"), "utf8")));
    for (const ref of manifestReferences(manifest)) expect(paths, ref).toContain(ref);
    expect(missingFiles(zip)).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining([
      "_locales/en/messages.json", "_locales/de/messages.json", "welcome/index.html",
      "extension/picker/index.html", "extension/ptz-prompt/index.html", "icons/icon-live-16.png", "icons/icon-live-32.png",
      // The pack the service worker runs in a frame that uses a feature (src/core/pack.ts).
      "pack.js",
      // The effect models (face detection; person segmentation for backgroundBlur) and their notice.
      "effects/face_detection_short_range.tflite", "effects/selfie_segmentation_landscape.tflite", "effects/NOTICE.txt",
    ]));
    expect(paths.filter((p) => p.endsWith(".map") || /(^|\/)tests?\//.test(p) || /\.(test|spec)\./.test(p) || /(^|\/)\./.test(p)))
      .toEqual([]);
    // Same bytes as the build.
    for (const path of paths) expect(Buffer.from(zip[path]).equals(readFileSync(join(DIST, path))), path).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("source maps, test files and dotfiles are left out; a build missing a file it names is refused", () => {
  const dir = scratch();
  try {
    const dist = join(dir, "dist");
    cpSync(DIST, dist, { recursive: true });
    writeFileSync(join(dist, "popup", "index.js.map"), "{}");
    mkdirSync(join(dist, "tests", "e2e"), { recursive: true });
    writeFileSync(join(dist, "tests", "e2e", "x.spec.js"), "");
    writeFileSync(join(dist, "assets", "thing.test.js"), "");
    mkdirSync(join(dist, ".vite"));
    writeFileSync(join(dist, ".vite", "manifest.json"), "{}");
    const { file } = writePackage(dist, join(dir, "out"));
    const paths = Object.keys(readPackage(file));
    for (const left of ["popup/index.js.map", "tests/e2e/x.spec.js", "assets/thing.test.js", ".vite/manifest.json"]) {
      expect(paths).not.toContain(left);
    }

    rmSync(join(dist, "icons", "icon-live-32.png"));
    expect(() => writePackage(dist, join(dir, "out"))).toThrow("icons/icon-live-32.png");
    rmSync(join(dist, "icons", "icon-48.png"));
    expect(() => writePackage(dist, join(dir, "out"))).toThrow("icons/icon-48.png");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
