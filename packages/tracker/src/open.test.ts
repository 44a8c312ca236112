// Opening databases of other schema versions: an older one is migrated forward in place (the same file,
// what it held kept), a newer one is refused before anything is written, by writers and readers alike.
import { StoreError } from "@tsa/errors";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadBetterSqlite3 } from "./better-sqlite3.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";
import { openStore } from "./store.js";
import { tempDbPath } from "./test-support.js";

const Database = loadBetterSqlite3();

const hash = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("schema versions", () => {
  it("migrates a version-0 file forward in place, once, keeping its tables and rows", async () => {
    const path = tempDbPath();
    const old = new Database(path);
    old.pragma("journal_mode = WAL");
    old.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')");
    old.close();
    const inode = statSync(path).ino;

    const store = await openStore(path);
    await store.upsertExperiment({ name: "exp", description: "", file: "exp.yaml", spec: {} });
    await store.close();
    expect(statSync(path).ino).toBe(inode);
    const db = new Database(path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT text FROM notes").pluck().all()).toEqual(["kept"]);
    db.close();
    // Opening again runs no migration (it would fail on existing tables) and keeps the data.
    const again = await openStore(path);
    expect((await again.listExperiments()).map((e) => e.name)).toEqual(["exp"]);
    await again.close();
  });

  it("migrates every version in between, each step in a transaction that also sets user_version", async () => {
    for (let from = 0; from < SCHEMA_VERSION; from++) {
      const path = tempDbPath();
      const db = new Database(path);
      db.transaction(() => {
        for (let v = 0; v < from; v++) MIGRATIONS[v]!(db);
        db.pragma(`user_version = ${from}`);
      })();
      db.close();
      await (await openStore(path)).close();
      const check = new Database(path, { readonly: true });
      expect(check.pragma("user_version", { simple: true }), `from version ${from}`).toBe(SCHEMA_VERSION);
      check.close();
    }
  });

  it.each([false, true])("refuses a newer file untouched (readonly: %s), leaving no -wal or -shm beside it", async (readonly) => {
    const path = tempDbPath();
    await (await openStore(path)).close();
    const db = new Database(path);
    db.pragma("journal_mode = DELETE");
    db.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    db.close();
    const before = hash(path);
    await expect(openStore(path, { readonly })).rejects.toThrow(StoreError);
    await expect(openStore(path, { readonly })).rejects.toThrow(
      `written by a newer tsa-lab (schema version ${SCHEMA_VERSION + 3}, this code knows up to ${SCHEMA_VERSION})`,
    );
    expect(hash(path)).toBe(before);
    expect([existsSync(`${path}-wal`), existsSync(`${path}-shm`)]).toEqual([false, false]);
  });

  it("migrates an older file when a read-only command opens it first, keeping its rows", async () => {
    const path = tempDbPath();
    const db = new Database(path);
    db.transaction(() => {
      MIGRATIONS[0]!(db);
      db.pragma("user_version = 1");
    })();
    db.prepare("INSERT INTO experiments VALUES ('exp', '', 'exp.yaml', '{}', 'now', 'now')").run();
    db.close();
    const store = await openStore(path, { readonly: true });
    expect((await store.listExperiments()).map((e) => e.name)).toEqual(["exp"]);
    await store.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const columns = check.prepare("SELECT name FROM pragma_table_info('run_summary')").pluck().all();
    expect(columns).toEqual(expect.arrayContaining(["encoder", "pooling", "units", "attention_units", "hidden", "normalize", "init"]));
    check.close();
  });
});
