// `npm run package`: builds the production extension and writes the store-ready zip
// artifacts/capture-control-<version>.zip of dist/: no source maps, no test files, no dotfiles,
// and every file the manifest and the pages refer to. Prints the zip's size.
// `node scripts/package.mjs --no-build` packs the dist/ there is.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync, zipSync } from "fflate";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What never goes into the store zip. */
export function excluded(path) {
  return path.endsWith(".map") ||
    /(^|\/)\./.test(path) || // dotfiles and dot-directories (.vite/ and the like)
    /(^|\/)(tests?|__tests__|e2e)\//.test(path) ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(path);
}

function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? walk(full, base) : [relative(base, full).split("\\").join("/")];
  });
}

/** The files of the built extension that the zip holds, sorted. */
export function packageFiles(dist) {
  return walk(dist).filter((path) => !excluded(path)).sort();
}

/** Every file the manifest names. */
export function manifestReferences(manifest) {
  const refs = new Set();
  const add = (path) => { if (typeof path === "string" && path) refs.add(path.replace(/^\//, "")); };
  for (const path of Object.values(manifest.icons ?? {})) add(path);
  const action = manifest.action ?? {};
  add(action.default_popup);
  if (typeof action.default_icon === "string") add(action.default_icon);
  else for (const path of Object.values(action.default_icon ?? {})) add(path);
  add(manifest.options_page);
  add(manifest.options_ui?.page);
  add(manifest.background?.service_worker);
  add(manifest.side_panel?.default_path);
  for (const path of Object.values(manifest.chrome_url_overrides ?? {})) add(path);
  for (const script of manifest.content_scripts ?? []) for (const path of [...(script.js ?? []), ...(script.css ?? [])]) add(path);
  for (const entry of manifest.web_accessible_resources ?? []) for (const path of entry.resources ?? []) if (!path.includes("*")) add(path);
  if (manifest.default_locale) add(`_locales/${manifest.default_locale}/messages.json`);
  return [...refs].sort();
}

/** Files that the pages and scripts load: <script src>, <link href>, JS imports, icon paths. */
export function fileReferences(path, text) {
  const refs = [];
  const resolveFrom = (spec) => spec.startsWith("/") ? spec.slice(1) : posix.normalize(posix.join(posix.dirname(path), spec));
  const local = (spec) => !/^[a-z][a-z0-9+.-]*:/i.test(spec) && !spec.startsWith("//") && !spec.startsWith("#");
  if (path.endsWith(".html")) {
    for (const m of text.matchAll(/\s(?:src|href)="([^"]+)"/g)) if (local(m[1])) refs.push(resolveFrom(m[1]));
  } else if (path.endsWith(".js")) {
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["']([^"']+\.js)["']/g)) if (local(m[1])) refs.push(resolveFrom(m[1]));
    for (const m of text.matchAll(/["'`](\/?icons\/[\w.-]+\.png)["'`]/g)) refs.push(m[1].replace(/^\//, ""));
  }
  return refs;
}

/** What the packed extension lacks: files the manifest or another packed file refers to. */
export function missingFiles(files) {
  const present = new Set(Object.keys(files));
  if (!present.has("manifest.json")) return ["manifest.json"];
  const decoder = new TextDecoder();
  const wanted = new Set(manifestReferences(JSON.parse(decoder.decode(files["manifest.json"]))));
  for (const [path, bytes] of Object.entries(files)) {
    if (path.endsWith(".html") || path.endsWith(".js")) for (const ref of fileReferences(path, decoder.decode(bytes))) wanted.add(ref);
  }
  return [...wanted].filter((path) => !present.has(path)).sort();
}

/** Fixed timestamps, so that the same build gives the same zip. */
const MTIME = new Date("2000-01-01T00:00:00Z");

/** Packs `dist` into `outDir`; answers the zip's path, size and file list. */
export function writePackage(dist, outDir) {
  const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8"));
  const files = {};
  for (const path of packageFiles(dist)) files[path] = new Uint8Array(readFileSync(join(dist, path)));
  const missing = missingFiles(files);
  if (missing.length) throw new Error(`the build lacks files it refers to: ${missing.join(", ")}`);
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, [bytes, { level: 9, mtime: MTIME }]])));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `capture-control-${manifest.version}.zip`);
  writeFileSync(file, zip);
  return { file, size: zip.length, files: Object.keys(files) };
}

/** The paths and contents of a zip. */
export function readPackage(file) {
  return unzipSync(new Uint8Array(readFileSync(file)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.chdir(ROOT);
  if (!process.argv.includes("--no-build")) {
    const built = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" }).status;
    if (built !== 0) {
      console.error("build failed");
      process.exit(1);
    }
  }
  if (!existsSync("dist/manifest.json")) {
    console.error("dist/ holds no build: run without --no-build");
    process.exit(1);
  }
  try {
    const { file, size, files } = writePackage("dist", "artifacts");
    const unpacked = files.reduce((sum, path) => sum + readFileSync(join("dist", path)).length, 0);
    console.log(`${relative(ROOT, file)}: ${(size / 1024).toFixed(1)} KiB (${size} bytes), ${files.length} files, ` +
      `${(unpacked / 1024).toFixed(1)} KiB unpacked`);
  } catch (error) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
}
