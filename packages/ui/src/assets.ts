import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** A file the page loads, read once at start: the server never maps a request path onto the file system. */
export interface Asset {
  type: string;
  body: string;
}

const web = (name: string) => fileURLToPath(new URL(`../web/${name}`, import.meta.url));

/**
 * Every asset by its URL path, and nothing else: a path not in this table is a 404, so `..`, encoded
 * slashes or absolute paths cannot reach a file. Preact and htm come as one ES module (htm's standalone
 * build), so the page needs neither a bundler nor an import map.
 */
export function loadAssets(): Map<string, Asset> {
  const files: Array<[string, string, string]> = [
    ["/", web("index.html"), "text/html; charset=utf-8"],
    ["/assets/app.js", web("app.js"), "text/javascript; charset=utf-8"],
    ["/assets/style.css", web("style.css"), "text/css; charset=utf-8"],
    ["/assets/icon.svg", web("icon.svg"), "image/svg+xml"],
    // Asked for by the browser on the report page, which names no icon.
    ["/favicon.ico", web("icon.svg"), "image/svg+xml"],
    ["/assets/preact.js", join(dirname(require.resolve("htm/preact")), "standalone.module.js"), "text/javascript; charset=utf-8"],
  ];
  return new Map(files.map(([path, file, type]) => [path, { type, body: readFileSync(file, "utf8") }]));
}
