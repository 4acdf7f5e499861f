import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import type { Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const SCRIPT_SUFFIX = ".iife.ts?script";
const VIRTUAL_PREFIX = "\0crx-script:";

/**
 * `?script` imports are understood by @crxjs only: at build time they become the file name of the
 * emitted script. Under vitest they resolve to a module whose default export is the source path
 * with a .js extension, e.g. "extension/content/site-flags/user-chooses.iife.js".
 */
function crxScriptStub(): Plugin {
  return {
    name: "capture-control:crx-script-stub",
    enforce: "pre",
    async resolveId(source, importer) {
      if (!source.endsWith(SCRIPT_SUFFIX)) return null;
      const file = source.slice(0, -"?script".length);
      const resolved = await this.resolve(file, importer, { skipSelf: true });
      if (!resolved) return null;
      return VIRTUAL_PREFIX + resolved.id;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL_PREFIX)) return null;
      const path = relative(root, id.slice(VIRTUAL_PREFIX.length)).split("\\").join("/");
      return `export default ${JSON.stringify(path.replace(/\.ts$/, ".js"))};`;
    },
  };
}

export default defineConfig({
  plugins: [crxScriptStub()],
  test: {
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
    setupFiles: ["tests/unit/setup.ts"],
  },
});
