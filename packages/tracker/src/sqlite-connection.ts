import type Database from "better-sqlite3";
import { StoreError } from "@tsa/errors";
import type { Connection } from "./connection.js";
import { SQLITE } from "./dialect.js";
import { openDatabase, storeError, type OpenOptions } from "./open.js";
import type { QueryResult } from "./types.js";

/** better-sqlite3 binds numbers, strings, bigints, buffers and null: booleans become 0/1. */
const bind = (params: unknown[]) => params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p));

/**
 * The SQLite file behind the Connection interface. better-sqlite3 is synchronous; the promises only let both
 * engines share one store. Statements of one process are serialised, so an `await` inside a transaction
 * never lets another caller's statement into it.
 */
export class SqliteConnection implements Connection {
  readonly dialect = SQLITE;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly location: string,
    options: OpenOptions,
  ) {
    this.db = openDatabase(location, options);
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => {});
    return result;
  }

  /** The connection without the queue, for statements already inside the queue (a transaction's). */
  private direct(): Connection {
    return {
      dialect: SQLITE,
      location: this.location,
      all: async <T>(sql: string, params: unknown[] = []) => this.wrap(() => this.statement(sql).all(...bind(params)) as T[]),
      run: async (sql: string, params: unknown[] = []) => this.wrap(() => this.statement(sql).run(...bind(params)).changes),
      transaction: (fn) => fn(this.direct()),
      readOnlyQuery: (sql) => Promise.resolve(this.query(sql)),
      close: () => Promise.resolve(),
    };
  }

  private wrap<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw storeError(this.location, e);
    }
  }

  all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.exclusive(() => this.direct().all<T>(sql, params));
  }

  run(sql: string, params: unknown[] = []): Promise<number> {
    return this.exclusive(() => this.direct().run(sql, params));
  }

  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // Immediate: a read-then-write transaction that starts deferred gets SQLITE_BUSY, without waiting,
      // when another process wrote after its read (WAL snapshots); taking the write lock first waits instead.
      this.wrap(() => this.db.exec("BEGIN IMMEDIATE"));
      try {
        const result = await fn(this.direct());
        this.wrap(() => this.db.exec("COMMIT"));
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  /** The statement is refused before it runs unless SQLite says it only reads (the file is also opened read-only). */
  private query(sql: string): QueryResult {
    let statement: Database.Statement;
    try {
      statement = this.db.prepare(sql);
    } catch (e) {
      throw new StoreError(`SQL error: ${(e as Error).message}`);
    }
    if (!statement.readonly || !statement.reader) {
      throw new StoreError("queries are read-only: only statements that return rows without writing (SELECT, WITH …) are allowed");
    }
    try {
      const columns = statement.columns().map((c) => c.name);
      const rows = statement.raw(true).all() as unknown[][];
      return { columns, rows };
    } catch (e) {
      throw new StoreError(`SQL error: ${(e as Error).message}`);
    }
  }

  readOnlyQuery(sql: string): Promise<QueryResult> {
    return this.exclusive(async () => this.query(sql));
  }

  close(): Promise<void> {
    return this.exclusive(async () => void this.db.close());
  }
}
