// Database paths that cannot be used, through the real CLI: read-only (an immutable file or folder, a
// read-only mount), a directory, a full disk, a database from a newer tsa-lab. Each gives one clear line and
// exit code 2, and an existing database is left byte for byte as it was. An older database is migrated.
//
// The tests run as root, for whom chmod stops nothing: read-only here means what stops root too —
// `chattr +i` (immutable), a read-only bind mount, a tiny tmpfs filled to the last block.
import { SCHEMA_VERSION } from "@tsa/tracker";
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileHash, makeWorkspace, queryDb, runCli, tinyExperimentYaml, type CliResult, type Workspace } from "./support.js";

const Database = loadBetterSqlite3();

/** Runs `command` and says whether it worked (for capability probes). */
function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const probe = mkdtempSync(join(tmpdir(), "tsa-probe-"));
const CAN_CHATTR = works("chattr", ["+i", probe]) && works("chattr", ["-i", probe]);
const CAN_MOUNT = works("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]) && works("umount", [probe]);
const mounts: string[] = [];
const immutable: string[] = [];

function chattr(flag: "+i" | "-i", path: string): void {
  execFileSync("chattr", [flag, path]);
  if (flag === "+i") immutable.push(path);
}

function mount(args: string[], target: string): void {
  execFileSync("mount", [...args, target]);
  mounts.push(target);
}

afterAll(() => {
  for (const path of immutable) works("chattr", ["-i", path]);
  for (const target of mounts.reverse()) works("umount", [target]);
});

const expectRefused = (result: CliResult, message: RegExp) => {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
};

describe("database paths that cannot be used", () => {
  let ws: Workspace;
  let file: string;
  /** A copy of a real database with a completed run, in a folder of its own. */
  let freshCopy: (name: string) => string;
  const sweep = (db: string) => runCli(["sweep", file, "--db", db, "--reports-dir", ws.reports]);

  beforeAll(async () => {
    ws = makeWorkspace("tsa-dbpath-");
    file = ws.experiment("dbpath", tinyExperimentYaml("dbpath", { models: ["ffn"], seeds: [1], epochs: 1 }));
    const seeded = await sweep(ws.db);
    expect(seeded.code, seeded.stderr).toBe(0);
    freshCopy = (name) => {
      const dir = join(ws.dir, name);
      mkdirSync(dir);
      copyFileSync(ws.db, join(dir, "runs.sqlite"));
      return join(dir, "runs.sqlite");
    };
  });

  it("refuses a directory", async () => {
    expectRefused(await sweep(ws.dir), new RegExp(`^error: ${ws.dir}: is a directory; --db needs a database file path$`));
  });

  it.skipIf(!CAN_CHATTR)("refuses an immutable database file and leaves it unchanged", async () => {
    const db = freshCopy("immutable-file");
    const before = fileHash(db);
    chattr("+i", db);
    expectRefused(await sweep(db), /runs\.sqlite: not writable by this user; choose another --db/);
    chattr("-i", db);
    expect(fileHash(db)).toBe(before);
  });

  it.skipIf(!CAN_CHATTR)("refuses a database whose folder is immutable (no room for -wal and -shm), and a new one there", async () => {
    const db = freshCopy("immutable-folder");
    const dir = join(db, "..");
    const before = fileHash(db);
    chattr("+i", dir);
    expectRefused(await sweep(db), /immutable-folder\/runs\.sqlite: its folder .* is not writable/);
    expectRefused(await sweep(join(dir, "new.sqlite")), /new\.sqlite: cannot create the database, its folder .* is not writable/);
    chattr("-i", dir);
    expect(fileHash(db)).toBe(before);
    expect(readdirSync(dir)).toEqual(["runs.sqlite"]);
  });

  it.skipIf(!CAN_MOUNT)("refuses a database on a read-only mount", async () => {
    const db = freshCopy("read-only-mount");
    const dir = join(db, "..");
    const before = fileHash(db);
    mount(["--bind", dir], dir);
    execFileSync("mount", ["-o", "remount,bind,ro", dir]);
    expectRefused(await sweep(db), /runs\.sqlite: is on a read-only file system; choose another --db/);
    expect(fileHash(db)).toBe(before);
  });

  it.skipIf(!CAN_MOUNT)("refuses a full disk, for an existing database and a new one, leaving nothing behind", async () => {
    const dir = join(ws.dir, "full-disk");
    mkdirSync(dir);
    mount(["-t", "tmpfs", "-o", "size=256k", "tmpfs"], dir);
    const db = join(dir, "runs.sqlite");
    copyFileSync(ws.db, db);
    fillDisk(join(dir, "filler"));
    const before = fileHash(db);
    expectRefused(await sweep(db), /runs\.sqlite: cannot be written: the disk is full/);
    expect(fileHash(db)).toBe(before);
    expectRefused(await sweep(join(dir, "new.sqlite")), /new\.sqlite: cannot be written: the disk is full/);
    expect(existsSync(join(dir, "new.sqlite"))).toBe(false);
  });

  it("refuses a database from a newer tsa-lab and leaves it unchanged", async () => {
    const db = freshCopy("newer");
    const conn = new Database(db);
    conn.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    conn.close();
    const before = fileHash(db);
    expectRefused(
      await sweep(db),
      new RegExp(
        `written by a newer tsa-lab \\(schema version ${SCHEMA_VERSION + 1}, this code knows up to ${SCHEMA_VERSION}\\).*left untouched`,
      ),
    );
    expect(fileHash(db)).toBe(before);
  });

  it("migrates an older database forward in place, keeping what it held", async () => {
    const dir = join(ws.dir, "older");
    mkdirSync(dir);
    const db = join(dir, "runs.sqlite");
    // Version 0: a SQLite file from before the schema, holding someone's notes.
    const conn = new Database(db);
    conn.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')");
    conn.close();
    const inode = statSync(db).ino;
    const result = await sweep(db);
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(db).ino).toBe(inode);
    expect(queryDb(db, "PRAGMA user_version")).toEqual([{ user_version: SCHEMA_VERSION }]);
    expect(queryDb(db, "SELECT text FROM notes")).toEqual([{ text: "kept" }]);
    expect(queryDb(db, "SELECT status FROM runs")).toEqual([{ status: "completed" }]);
  });
});

/** Writes zeros until the file system has no block left. */
function fillDisk(path: string): void {
  const chunk = Buffer.alloc(4096);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(`${path}-${i}`, chunk);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOSPC") return;
      throw e;
    }
  }
}
