// Which better-sqlite3 this Node runs, as no single version runs on every supported Node:
// - 13 is a Node-API 10 addon that ships prebuilt; on a Node-API 9 Node (20, 22.13) it segfaults on the
//   first open, so it is never loaded there.
// - 12 is built for the running Node when installed; built against Node ≥ 24.19's headers it aborts the process
//   when a statement is garbage-collected (node::ObjectWrap's cleanup hooks, nodejs/node#65446).
// Both are optional dependencies under aliases: yarn leaves 13 out where its engines (Node ≥ 22) refuse it.
import { StoreError } from "@tsa/errors";
import type Database from "better-sqlite3";
import { createRequire } from "node:module";

export type BetterSqlite3Package = "better-sqlite3-12" | "better-sqlite3-13";

/** The package for a Node of this Node-API version: 13 from Node-API 10 on (Node 22.14, 24), else 12. */
export function betterSqlite3For(napiVersion: number): BetterSqlite3Package {
  return napiVersion >= 10 ? "better-sqlite3-13" : "better-sqlite3-12";
}

/** What a Node sees of itself, and how it loads a package (a parameter, so a test can make loading fail). */
export interface Runtime {
  nodeVersion: string;
  napiVersion: number;
  load: (name: BetterSqlite3Package) => unknown;
}

const here: Runtime = {
  nodeVersion: process.version,
  napiVersion: Number(process.versions.napi),
  load: createRequire(import.meta.url),
};

let loaded: typeof Database | undefined;

/** better-sqlite3's `Database` class for this Node, loaded on first use. */
export function loadBetterSqlite3(): typeof Database {
  loaded ??= loadFor(here);
  return loaded;
}

/** A StoreError naming the Node, the package and the fix when the package is missing or built for another Node. */
export function loadFor(runtime: Runtime): typeof Database {
  const name = betterSqlite3For(runtime.napiVersion);
  try {
    return runtime.load(name) as typeof Database;
  } catch (e) {
    const reason = (e as Error).message.split("\n")[0];
    throw new StoreError(
      `SQLite is unavailable: ${name}, the driver for Node ${runtime.nodeVersion} (Node-API ${runtime.napiVersion}), did not load ` +
        `(${reason}); run \`yarn install --force\` with this Node`,
      { cause: e },
    );
  }
}
