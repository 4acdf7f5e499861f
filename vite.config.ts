import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { crx } from "@crxjs/vite-plugin";
import preact from "@preact/preset-vite";
import manifest from "./manifest.json" with { type: "json" };

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

export default defineConfig({
  plugins: [preact(), crx({ manifest: manifest as never }), noWebAccessibleResources()],
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
