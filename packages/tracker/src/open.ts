import Database from "better-sqlite3";
import { StoreError } from "@tsa/errors";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.js";

export interface OpenOptions {
  /** Open for reading only (yarn sql, runs, show): the file must exist; any write is refused by SQLite. */
  readonly?: boolean;
  /** How long a writer waits for another's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/** Checks the path before SQLite sees it, so the user gets a sentence instead of "unable to open". */
function checkPath(path: string, readonly: boolean): void {
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new StoreError(`${path}: is a directory; --db needs a database file path`);
    // The owner's write bit is checked too: root may write anywhere, but a file marked read-only is a request.
    const writeBitCleared = (statSync(path).mode & 0o200) === 0;
    try {
      accessSync(path, readonly ? constants.R_OK : constants.R_OK | constants.W_OK);
      if (!readonly && writeBitCleared) throw new Error("read-only mode bits");
    } catch {
      throw new StoreError(`${path}: not ${readonly ? "readable" : "writable"} by this user; choose another --db or fix its permissions`);
    }
    return;
  }
  if (readonly) throw new StoreError(`${path}: no run database here yet; run a sweep first or pass --db`);
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch {
    throw new StoreError(`${path}: cannot create the database, its folder ${dir} is not writable; choose another --db`);
  }
}

/** Wraps SQLite's own errors (not a database, disk full, read-only) in a StoreError naming the file. */
export function storeError(path: string, error: unknown): Error {
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
  const hint = hints[code] ?? (code.startsWith("SQLITE_FULL") ? hints.SQLITE_FULL : undefined);
  return hint === undefined ? (error as Error) : new StoreError(`${path}: ${hint} (${message})`, { cause: error });
}

/**
 * Opens (creating if needed) the run database: refuses a database newer than this code before touching
 * it, migrates an older one forward in place, then WAL, busy timeout and foreign keys.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  const file = resolve(path);
  const readonly = options.readonly ?? false;
  checkPath(file, readonly);
  let db: Database.Database;
  try {
    db = new Database(file, readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (e) {
    throw storeError(path, e);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `${path}: written by a newer tsa-lab (schema version ${version}, this code knows up to ${SCHEMA_VERSION}); ` +
          "update tsa-lab to read it — the file was left untouched",
      );
    }
    if (readonly) {
      if (version < SCHEMA_VERSION) throw new StoreError(`${path}: schema version ${version} is old; run any sweep once to migrate it`);
      return db;
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    for (let v = version; v < SCHEMA_VERSION; v++) {
      db.transaction(() => {
        MIGRATIONS[v]!(db);
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
    return db;
  } catch (e) {
    db.close();
    throw e instanceof StoreError ? e : storeError(path, e);
  }
}
