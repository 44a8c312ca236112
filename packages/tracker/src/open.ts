import { StoreError } from "@tsa/errors";
import type Database from "better-sqlite3";
import { accessSync, constants, existsSync, rmSync, statSync, statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadBetterSqlite3 } from "./better-sqlite3.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export interface OpenOptions {
  /** Open for reading only (queries): the file must exist; any write is refused by SQLite. */
  readonly?: boolean;
  /** How long a writer waits for another's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/** Checks the location (a file path) before SQLite sees it, so the user gets a sentence instead of "unable to open". */
function checkPath(location: string, readonly: boolean): void {
  if (existsSync(location)) {
    if (statSync(location).isDirectory()) throw new StoreError(`${location}: is a directory`, { remedy: "file-path" });
    // The owner's write bit is checked too: root may write anywhere, but a file marked read-only is a request.
    const writeBitCleared = (statSync(location).mode & 0o200) === 0;
    try {
      accessSync(location, readonly ? constants.R_OK : constants.R_OK | constants.W_OK);
      if (!readonly && writeBitCleared) throw new Error("read-only mode bits");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EROFS")
        throw new StoreError(`${location}: is on a read-only file system`, { remedy: "another-location" });
      throw new StoreError(`${location}: not ${readonly ? "readable" : "writable"} by this user`, {
        remedy: "another-location-or-permissions",
      });
    }
    // WAL keeps two files beside the database (-wal, -shm): a writer needs to create them in its folder.
    if (!readonly && !writableDir(dirname(location))) {
      throw new StoreError(`${location}: its folder ${dirname(location)} is not writable (SQLite keeps its -wal and -shm files there)`, {
        remedy: "another-location",
      });
    }
    return;
  }
  if (readonly) throw new StoreError(`${location}: no run database here yet`, { remedy: "create-first" });
  const dir = dirname(location);
  // A folder is never made on the way: a typo (`/nonexistentdir/x.sqlite`) would silently leave one behind.
  if (!existsSync(dir)) throw new StoreError(`${location}: its folder ${dir} does not exist`, { remedy: "create-folder" });
  if (!writableDir(dir))
    throw new StoreError(`${location}: cannot create the database, its folder ${dir} is not writable`, { remedy: "another-location" });
}

/** access(W_OK) also fails for root on a read-only mount (EROFS) or an immutable folder (EPERM). */
function writableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when the file system holding `path` has no free block left: SQLite then reports odd I/O errors. */
function diskFull(path: string): boolean {
  try {
    return statfsSync(dirname(path)).bavail === 0;
  } catch {
    return false;
  }
}

/** Wraps SQLite's own errors (not a database, disk full, read-only) in a StoreError naming the file. */
export function storeError(location: string, error: unknown): Error {
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const hints: Record<string, string> = {
    SQLITE_NOTADB: "is not a SQLite database",
    SQLITE_CORRUPT: "is corrupt",
    SQLITE_FULL: "cannot be written: the disk is full",
    SQLITE_READONLY: "is read-only",
    SQLITE_CANTOPEN: "cannot be opened",
    SQLITE_IOERR_WRITE: "cannot be written (I/O error)",
  };
  // A full disk is not always SQLITE_FULL: growing the -shm file fails as SQLITE_IOERR_SHMSIZE, for one.
  const full = code.startsWith("SQLITE_FULL") || (code.startsWith("SQLITE_IOERR") && diskFull(resolve(location)));
  const hint = full
    ? hints.SQLITE_FULL
    : (hints[code] ?? (code.startsWith("SQLITE_IOERR") ? "cannot be read or written (I/O error)" : undefined));
  return hint === undefined ? (error as Error) : new StoreError(`${location}: ${hint} (${message})`, { cause: error });
}

/**
 * Opens (creating if needed) the run database: refuses a database newer than this code before touching
 * it, migrates an older one forward in place, then WAL, busy timeout and foreign keys.
 */
export function openDatabase(location: string, options: OpenOptions = {}): Database.Database {
  const file = resolve(location);
  const readonly = options.readonly ?? false;
  const busyTimeoutMs = options.busyTimeoutMs ?? 30_000;
  const BetterSqlite3 = loadBetterSqlite3();
  checkPath(file, readonly);
  const created = !existsSync(file);
  let db: Database.Database;
  try {
    db = new BetterSqlite3(file, readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (e) {
    removeCreated(file, created);
    throw storeError(location, e);
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `${location}: written by a newer tsa-lab (schema version ${version}, this code knows up to ${SCHEMA_VERSION}); ` +
          "update tsa-lab to read it — the file was left untouched",
      );
    }
    if (readonly) {
      if (version < SCHEMA_VERSION) {
        // A query on a database from an older tsa-lab migrates it first (migrations only add), so that
        // upgrading never leaves the user's own database unreadable by the read-only commands.
        db.close();
        try {
          openDatabase(location, { ...options, readonly: false }).close();
        } catch (e) {
          throw new StoreError(`${location}: schema version ${version} is old and could not be migrated (${(e as Error).message})`, {
            cause: e,
          });
        }
        return openDatabase(location, options);
      }
      return db;
    }
    enableWal(db, busyTimeoutMs);
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    for (let v = version; v < SCHEMA_VERSION; v++) {
      db.transaction(() => {
        // Read again under the write lock: another process opening the same new file may have migrated
        // it since `version` was read (two sweeps started at once).
        if ((db.pragma("user_version", { simple: true }) as number) !== v) return;
        MIGRATIONS[v]!(db);
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
    return db;
  } catch (e) {
    db.close();
    removeCreated(file, created);
    throw e instanceof StoreError ? e : storeError(location, e);
  }
}

/**
 * Switching a new file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once instead of
 * waiting for it (no busy handler): when another process is creating the same file, wait and retry.
 */
function enableWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** A database file this call created but could not set up (a full disk) is removed, not left empty. */
function removeCreated(file: string, created: boolean): void {
  if (!created || !existsSync(file) || statSync(file).size > 0) return;
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
}
