/**
 * What differs between SQLite and PostgreSQL in our statements, and nothing else: every statement is
 * written once, with `?` placeholders, and asks its dialect for these few expressions.
 */
export interface SqlDialect {
  readonly name: "sqlite" | "postgres";
  /** Milliseconds since the epoch on the database's clock (heartbeats are judged on one clock). */
  readonly nowMs: string;
  /**
   * When the database server last started, in ms on its clock (0 for SQLite, which has no server): no
   * heartbeat could be written before it, so nobody is judged stale until a grace period after it.
   */
  readonly serverStartMs: string;
  /** The order runs were first recorded in. */
  readonly insertionOrder: string;
  /** A JSON value inside a JSON-text column, comparable with `jsonParam` (filters, sorting). */
  jsonValue(column: string, path: ReadonlyArray<string | number>): string;
  /** A bound parameter holding JSON text, comparable with `jsonValue`. */
  readonly jsonParam: string;
  /** A JSON scalar inside a JSON-text column as a plain SQL value (the summary view's columns). */
  jsonScalar(column: string, path: ReadonlyArray<string | number>, type: "integer" | "real" | "text"): string;
  /** A top-level key of a JSON-text column as JSON text (NULL when absent), whatever its type. */
  jsonText(column: string, key: string): string;
  /** Milliseconds from an ISO timestamp column to an ISO timestamp parameter. */
  msSince(column: string): string;
  /** A column type. */
  type(type: "integer" | "real" | "text" | "bigint"): string;
}

const sqlitePath = (path: ReadonlyArray<string | number>) => "$" + path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
const postgresPath = (path: ReadonlyArray<string | number>) => `{${path.join(",")}}`;

export const SQLITE: SqlDialect = {
  name: "sqlite",
  nowMs: "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)",
  serverStartMs: "0",
  insertionOrder: "r.rowid",
  jsonValue: (column, path) => `json_extract(${column}, '${sqlitePath(path)}')`,
  // json_extract gives SQL values (numbers, text; arrays and objects as minified JSON text).
  jsonParam: "json_extract(?, '$')",
  jsonScalar: (column, path) => `json_extract(${column}, '${sqlitePath(path)}')`,
  // `->` (SQLite 3.38) gives JSON text for every type; json_extract would give a string unquoted.
  jsonText: (column, key) => `(${column} -> '${sqlitePath([key])}')`,
  msSince: (column) => `(julianday(?) - julianday(${column})) * 86400000.0`,
  type: (type) => ({ integer: "INTEGER", real: "REAL", text: "TEXT", bigint: "INTEGER" })[type],
};

export const POSTGRES: SqlDialect = {
  name: "postgres",
  // clock_timestamp, not now(): now() is the transaction's start, and a claim transaction may wait.
  nowMs: "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
  serverStartMs: "CAST(EXTRACT(EPOCH FROM pg_postmaster_start_time()) * 1000 AS BIGINT)",
  insertionOrder: "r.seq",
  jsonValue: (column, path) => `(CAST(${column} AS jsonb) #> '${postgresPath(path)}')`,
  jsonParam: "CAST(? AS jsonb)",
  jsonScalar: (column, path, type) => {
    const text = `(CAST(${column} AS jsonb) #>> '${postgresPath(path)}')`;
    return type === "text" ? text : `CAST(${text} AS DOUBLE PRECISION)`;
  },
  jsonText: (column, key) => `CAST(CAST(${column} AS jsonb) -> '${key}' AS TEXT)`,
  msSince: (column) => `CAST(EXTRACT(EPOCH FROM (CAST(? AS timestamptz) - CAST(${column} AS timestamptz))) * 1000 AS DOUBLE PRECISION)`,
  type: (type) => ({ integer: "INTEGER", real: "DOUBLE PRECISION", text: "TEXT", bigint: "BIGINT" })[type],
};
