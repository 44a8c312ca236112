// Every package's `exports` names files that exist: a missing target only shows when someone imports it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const packages = readdirSync(join(root, "packages")).filter((p) => existsSync(join(root, "packages", p, "package.json")));

describe("package exports", () => {
  it.each(packages)("packages/%s: every exported path exists", (name) => {
    const dir = join(root, "packages", name);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports?: Record<string, string> };
    expect(manifest.exports, "an exports field").toBeDefined();
    const missing = Object.values(manifest.exports ?? {}).filter((target) => !existsSync(join(dir, target)));
    expect(missing).toEqual([]);
  });
});
