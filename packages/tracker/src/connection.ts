import type { SqlDialect } from "./dialect.js";
import type { QueryResult } from "./types.js";

/**
 * One database, either engine: statements with `?` placeholders, a transaction that holds the write lock
 * from its start (SQLite `BEGIN IMMEDIATE`; PostgreSQL row locks taken by the statements themselves).
 */
export interface Connection {
  readonly dialect: SqlDialect;
  /** Where the database is, for messages (a path, or a URL without its password). */
  readonly location: string;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>;
  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T>;
  /** Any statement that only reads, in a read-only transaction; anything else is refused. */
  readOnlyQuery(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}
