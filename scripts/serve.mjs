// A static file server for the demo and test pages, on loopback only.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml" };

/** Serves `roots` (url prefix → folder). Query `?csp=...` adds that Content-Security-Policy. */
export function startServer(roots, port = 0) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    for (const [prefix, folder] of Object.entries(roots)) {
      if (!url.pathname.startsWith(prefix)) continue;
      let rel = normalize(decodeURIComponent(url.pathname.slice(prefix.length))).replace(/^([/\\])+/, "");
      if (rel === "" || rel === "." || rel.endsWith("/")) rel = join(rel, "index.html");
      const file = resolve(folder, rel);
      if (!file.startsWith(resolve(folder))) break;
      try {
        const body = await readFile(file);
        const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" };
        const csp = url.searchParams.get("csp");
        if (csp) headers["content-security-policy"] = csp;
        res.writeHead(200, headers);
        res.end(body);
        return;
      } catch {
        break;
      }
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  return new Promise((done) => server.listen(port, "127.0.0.1", () => done(server)));
}
