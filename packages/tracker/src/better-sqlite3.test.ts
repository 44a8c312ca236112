// Which better-sqlite3 each Node gets, that this Node's opens a database, and what a user reads when the
// one for their Node is missing (node_modules installed with another Node) or built for another Node.
import { StoreError } from "@tsa/errors";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { betterSqlite3For, loadBetterSqlite3, loadFor, type BetterSqlite3Package } from "./better-sqlite3.js";

describe("betterSqlite3For", () => {
  const cases: Array<[napiVersion: number, nodes: string, expected: BetterSqlite3Package]> = [
    [9, "Node 20, 22.13", "better-sqlite3-12"],
    [10, "Node 22.14 and later, 24", "better-sqlite3-13"],
    [11, "a newer Node", "better-sqlite3-13"],
  ];
  for (const [napiVersion, nodes, expected] of cases) {
    it(`Node-API ${napiVersion} (${nodes}) gets ${expected}`, () => {
      expect(betterSqlite3For(napiVersion)).toBe(expected);
    });
  }
});

describe("loadBetterSqlite3", () => {
  it("loads the package of this Node's Node-API version, which opens a database", () => {
    const name = betterSqlite3For(Number(process.versions.napi));
    const require = createRequire(import.meta.url);
    expect(loadBetterSqlite3()).toBe(require(name));
    const { version } = require(`${name}/package.json`) as { version: string };
    expect(version.split(".")[0]).toBe(name.split("-").at(-1));
    const db = new (loadBetterSqlite3())(":memory:");
    expect(db.prepare("SELECT 1 + 1 AS two").get()).toEqual({ two: 2 });
    db.close();
  });

  const failures: Array<[what: string, error: Error, reason: string]> = [
    [
      "missing",
      Object.assign(new Error("Cannot find module 'better-sqlite3-13'\nRequire stack:\n- /x/better-sqlite3.ts"), {
        code: "MODULE_NOT_FOUND",
      }),
      "Cannot find module 'better-sqlite3-13'",
    ],
    [
      "built for another Node",
      new Error("The module '/x/better_sqlite3.node'\nwas compiled against a different Node.js version using NODE_MODULE_VERSION 115."),
      "The module '/x/better_sqlite3.node'",
    ],
  ];
  for (const [what, error, reason] of failures) {
    it(`names the Node, the package and the fix when the package is ${what}`, () => {
      const load = () => {
        throw error;
      };
      const attempt = () => loadFor({ nodeVersion: "v24.21.0", napiVersion: 10, load });
      expect(attempt).toThrow(StoreError);
      expect(attempt).toThrow(
        `SQLite is unavailable: better-sqlite3-13, the driver for Node v24.21.0 (Node-API 10), did not load (${reason}); ` +
          "run `yarn install --force` with this Node",
      );
    });
  }
});
