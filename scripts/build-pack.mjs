// Builds the pack (src/pack.ts → dist/pack.js; see src/core/pack.ts) after Vite wrote the
// main-world script, and fills the globals the pack reads into that script. Called by
// vite.config.ts when a build closes.
//
// The pack is one function expression with NO free variables: the modules it shares with the
// main-world script become members of its parameter's `m` (the main world's own instances), and
// every global its code reads is declared at its top from the parameter's `g`. What it does then
// depends only on its text, which the main world compares with the service worker's answer before it runs it.
import { readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { build } from "rolldown";
import { parse } from "acorn";
import { analyze } from "eslint-scope";
import { createHash } from "node:crypto";
import { EARLY_PLACEHOLDER, HEAD_PLACEHOLDER, LATE_PLACEHOLDER, PACK_FILE } from "../src/core/pack-contract.ts";
import { packFile } from "../src/core/pack-file.ts";

const root = process.cwd();
const src = resolve(root, "src");

/** Globals the pack reads that the main world reads when the pack arrives: the window's own
 * unforgeable members (a page cannot replace them). Every other global the pack reads is captured
 * at start, before any page script, as the features' modules did when they were part of the
 * main-world script: a page that replaces MediaStreamTrackGenerator, say, later must neither break
 * nor redirect them. */
const LATE = new Set(["window", "document", "location", "top",
  // And those the features read only once they are in use (the transfer realm's, read when it
  // installed, lazily, before the split too): a page that replaced one meanwhile fools only itself.
  "AbortController", "AudioData", "Crypto", "LockManager", "ReadableStreamDefaultController", "WritableStream",
  "WritableStreamDefaultWriter", "XMLHttpRequest", "ErrorEvent", "OverconstrainedError", "InputDeviceInfo", "performance",
  "Element", "Node",
  // And those whose members a page may replace before the pack arrives anyway (they are not noted
  // at start): the binding alone, read at start, created their interfaces in every frame (~0.07 ms
  // a frame for these three) and kept nothing from the page that it could not do through them.
  "DOMException", "ReadableStream", "ReadableStreamDefaultReader"]);

/**
 * The globals whose own members (statics and prototype) the main world notes at start as well, so
 * that the pack's modules start with them as they were (src/core/pack.ts, asAtStart): JavaScript's
 * own, and the interfaces through which the pack handles what the page must not reach (the camera
 * track behind an effect, the bridge's events, workers and ports). Noting every member of every
 * global it reads cost a 100-iframe page ~20% more load time (measured); the others' members are
 * read when the pack arrives, and a page that replaced one meanwhile fools only itself.
 */
const SNAPSHOT = new Set(["Object", "Array", "Function", "Promise", "Map", "Set", "WeakMap", "Symbol", "Reflect", "JSON",
  "Math", "EventTarget", "Event", "MediaStream", "MediaStreamTrack", "MessagePort", "Worker", "MessageChannel", "URL", "Blob",
  "MediaStreamTrackGenerator", "MediaStreamTrackProcessor", "VideoFrame",
  // And those with members the main world wraps at start (the pack's modules must read the native
  // functions there, as they did at document start: a PTZ check that called its own wrapper would
  // never end).
  "MediaDevices", "MediaDeviceInfo", "Permissions", "PermissionStatus", "MessageEvent"]);

/**
 * Of those, the ones whose own members (statics) are noted too: JavaScript's, and URL, whose
 * createObjectURL the effects use. The interface objects of the others have no members but
 * `length`, `name`, `prototype` and constants (checked in the browser: tests/e2e/pack.spec.ts), so
 * noting them cost every frame ~50 descriptors for nothing (~0.03 ms a frame by count; below what
 * the interleaved runs resolve).
 */
const STATICS = new Set(["Object", "Array", "Function", "Promise", "Map", "Set", "WeakMap", "Symbol", "Reflect", "JSON", "Math", "URL"]);

const keyOf = (file) => relative(src, file).replace(/\.[cm]?tsx?$/, "").replace(/[/-]/g, "_");

/** The modules in the main-world script's bundle. */
async function coreModules() {
  const out = await build({ input: resolve(src, "main-world.iife.ts"), write: false, logLevel: "silent", output: { format: "iife" } });
  return new Set(Object.keys(out.output[0].modules).filter((id) => !id.startsWith("\0")).map((id) => resolve(id)));
}

/** The modules src/core/kit-modules.ts shares (`import * as name from "path"`), by name. */
function kitModules() {
  const text = readFileSync(resolve(src, "core/kit-modules.ts"), "utf8");
  return new Map([...text.matchAll(/import \* as (\w+) from "([^"]+)"/g)].map((m) => [m[1], m[2]]));
}

/** A short name for the n-th shared export: a … z, A … Z, then aa …. */
const shortName = (n) => (n >= 52 ? shortName(Math.floor(n / 52) - 1) : "") + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 52];

/**
 * Every export of the shared modules, with the short name under which the kit hands it over:
 * module (by key) → export → short name. The kit is one flat object of short names, in the start
 * script (which must stay small), and the pack reads `__kit.m.<short>` for each.
 */
function kitNames() {
  const names = new Map();
  let n = 0;
  for (const [key, path] of kitModules()) {
    const source = readFileSync(resolve(src, "core", path.replace(/^\.\//, "") + ".ts"), "utf8");
    const exported = [...source.matchAll(/^export (?:const|function|let|class) (\w+)/gm)].map((m) => m[1]).sort();
    names.set(key, new Map(exported.map((e) => [e, shortName(n++)])));
  }
  return names;
}

/**
 * Writes src/core/kit-modules.ts again with the exports the pack reads (a `__kit.m.<short>` in its
 * code): only those are in the main-world script's kit. Run before the main-world script is built
 * (vite.config.ts, buildStart).
 */
export async function writeKit() {
  const file = resolve(src, "core/kit-modules.ts");
  const names = kitNames();
  const code = (await packCode(await coreModules(), names)).code;
  const used = new Set([...code.matchAll(/__kit\.m\.([A-Za-z]+)/g)].map((m) => m[1]));
  const entries = [];
  for (const [key, exports] of names) {
    for (const [name, short] of exports) if (used.has(short)) entries.push(`  ${short}: ${key}.${name},`);
  }
  const text = readFileSync(file, "utf8");
  const head = text.slice(0, text.indexOf("export const kitModules"));
  const next = `${head}export const kitModules: Record<string, unknown> = {\n${entries.join("\n")}\n};\n`;
  if (next !== text) writeFileSync(file, next);
}

function freeNames(code) {
  const wrapped = `(function(__kit){${code}})`;
  const ast = parse(wrapped, { ecmaVersion: "latest", sourceType: "script", ranges: true });
  const scopes = analyze(ast, { ecmaVersion: 2022, sourceType: "script" });
  return [...new Set(scopes.globalScope.through.map((r) => r.identifier.name))].sort();
}

async function packCode(core, kit) {
  const out = await build({
    input: resolve(src, "pack.ts"),
    write: false,
    logLevel: "silent",
    plugins: [{
      name: "capture-control:pack-shared",
      async resolveId(source, importer, options) {
        if (!importer) return null;
        const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
        if (!resolved || !core.has(resolve(resolved.id))) return null;
        const key = keyOf(resolve(resolved.id));
        // Stateless modules of the main world: the pack has its own copy.
        if (!kit.has(key)) return null;
        return { id: `\0kit:${key}` };
      },
      // A shared module in the pack: its exports are the main world's, from the kit.
      load(id) {
        if (!id.startsWith("\0kit:")) return null;
        // (Pure: what the pack does not use is left out, and then not in the kit.)
        return [...kit.get(id.slice(5))].map(([name, short]) => `export const ${name} = /*@__PURE__*/ (() => __kit.m.${short})();`).join("\n");
      },
    }],
    output: { format: "iife", minify: true },
  });
  return { code: out.output[0].code.trim() };
}

export async function buildPack(dist) {
  const { code } = await packCode(await coreModules(), kitNames());
  const names = freeNames(code).filter((n) => n !== "__kit");
  for (const n of names) if (n === "eval" || n === "arguments" || !/^[A-Za-z_$][\w$]*$/.test(n)) throw new Error(`the pack reads a global it cannot be given: ${n}`);
  // (And JavaScript's own objects always: the pack's code uses their prototypes through literals
  // and syntax, and the main world notes them at start.)
  const intrinsics = ["Object", "Array", "Function", "Promise", "String", "Number", "Map", "Set", "WeakMap", "Symbol", "Error", "Reflect", "JSON", "Math"];
  const all = [...new Set([...names.filter((n) => !LATE.has(n)), ...intrinsics])].sort();
  const late = names.filter((n) => LATE.has(n));
  // Those whose members are noted at start too come first, before a "|": first those whose own
  // members (statics) are noted as well as their prototypes', then, after an empty name, those of
  // which only the prototype's are.
  const snapped = all.filter((n) => SNAPSHOT.has(n));
  const early = [...snapped.filter((n) => STATICS.has(n)), "", ...snapped.filter((n) => !STATICS.has(n)), "|", ...all.filter((n) => !SNAPSHOT.has(n))];
  // The text starts by naming its build (a directive, which does nothing): a start script of
  // another build (a page loaded before an update) refuses the pack, whose kit it may not match.
  const head = `function(__kit){"use strict";"${createHash("sha256").update(code).digest("hex").slice(0, 16)}";`;
  const fn = `${head}var ${names.map((n) => `${n}=__kit.g.${n}`).join(",")};${code}}`;
  // The check that a function with this text has no free variable at all.
  const left = freeNames(`return ${fn}`).filter((n) => n !== "__kit");
  if (left.length) throw new Error(`the pack still reads globals: ${left.join(", ")}`);
  writeFileSync(resolve(dist, PACK_FILE), packFile(fn));
  const mainFile = resolve(dist, "src/main-world.iife.js");
  let main = readFileSync(mainFile, "utf8");
  for (const [placeholder, value] of [[HEAD_PLACEHOLDER, head], [EARLY_PLACEHOLDER, early.join(",").replace(",|,", "|")], [LATE_PLACEHOLDER, late.join(",")]]) {
    // The whole string literal, quotes included: the head has quotes of its own.
    const literal = new RegExp(`(["'\`])${placeholder}\\1`, "g");
    if (!literal.test(main)) throw new Error(`the main-world script lacks ${placeholder}`);
    main = main.replace(literal, () => JSON.stringify(value));
  }
  writeFileSync(mainFile, main);
  return { bytes: Buffer.byteLength(fn), head, early, late };
}
