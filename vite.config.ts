import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { crx } from "@crxjs/vite-plugin";
import preact from "@preact/preset-vite";
import manifest from "./manifest.json" with { type: "json" };
import { buildPack, writeKit } from "./scripts/build-pack.mjs";

/**
 * crxjs lists scripts imported with `?script` as web_accessible_resources. Ours are only ever
 * registered with chrome.scripting, which needs no such entry, and a fixed-URL resource would let
 * any page detect the extension. Drop them from the final manifest.
 */
function noWebAccessibleResources(): Plugin {
  return {
    name: "capture-control:no-web-accessible-resources",
    apply: "build",
    enforce: "post",
    // crxjs writes the manifest last, so this runs on the written file.
    writeBundle(options) {
      const file = resolve(options.dir ?? "dist", "manifest.json");
      const parsed = JSON.parse(readFileSync(file, "utf8"));
      delete parsed.web_accessible_resources;
      writeFileSync(file, JSON.stringify(parsed, null, 2) + "\n");
    },
  };
}

/**
 * Chrome names a content script by its URL, chrome-extension://<our id>/..., and V8 prints that
 * name in every stack trace that passes through it: each wrapped call of a page (an error's
 * `stack`, a getter the native call runs) would tell the page, and the error reports it sends
 * home, which extension this is. A `sourceURL` comment renames the script in those strings to
 * what an eval'd script shows. (V8's CallSite API, `Error.prepareStackTrace` with
 * `getFileName()`, still gives the real URL: docs/ARCHITECTURE.md, *Detectability*.)
 */
/** The pack (src/core/pack.ts): built once Vite wrote the main-world script, whose placeholders
 * it fills in (scripts/build-pack.mjs). */
function pack(): Plugin {
  return {
    name: "capture-control:pack",
    apply: "build",
    enforce: "post",
    // The kit the main-world script hands the pack: what the pack's code reads of the shared modules.
    async buildStart() {
      await writeKit();
    },
    async closeBundle() {
      await buildPack(resolve("dist"));
    },
  };
}

function anonymousMainWorld(): Plugin {
  return {
    name: "capture-control:anonymous-main-world",
    apply: "build",
    enforce: "post",
    closeBundle() {
      const file = resolve("dist", "src", "main-world.iife.js");
      const code = readFileSync(file, "utf8");
      if (!code.includes("//# sourceURL=")) writeFileSync(file, code.replace(/\n*$/, "\n//# sourceURL=<anonymous>\n"));
    },
  };
}

export default defineConfig({
  plugins: [preact(), crx({ manifest: manifest as never }), noWebAccessibleResources(), pack(), anonymousMainWorld()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "chrome119",
    // Extension pages that the manifest does not name (opened with chrome.windows.create and, for
    // the welcome page, chrome.tabs.create on install).
    rollupOptions: {
      input: { picker: "extension/picker/index.html", ptzPrompt: "extension/ptz-prompt/index.html", welcome: "welcome/index.html" },
    },
  },
  server: { port: 5199, strictPort: true },
});
