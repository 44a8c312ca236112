import { StoreError } from "@tsa/errors";
import { shownUrl } from "./location.js";
import pg from "pg";
import type { Connection } from "./connection.js";
import { POSTGRES } from "./dialect.js";
import { migratePostgres } from "./postgres-schema.js";
import type { QueryResult } from "./types.js";

// COUNT(*), BIGINT and NUMERIC arrive as strings by default (they may exceed 2^53); ours never do.
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text"),
};

/** `?` → `$1, $2, …` (our statements never hold a `?` inside a literal). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** PostgreSQL stores NaN in DOUBLE PRECISION; SQLite stores it as NULL. Both stores record NULL. */
const bind = (params: unknown[]) => params.map((p) => (typeof p === "number" && Number.isNaN(p) ? null : p));

const RETRYABLE_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "57P01", // admin_shutdown (the server is restarting)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up)
  "08000",
  "08003",
  "08006",
  "08001",
  "08004",
]);

/** Errors after which the same work, done again from its start, may succeed: a lost server or a lost race. */
export function isTransient(e: unknown): boolean {
  const error = e as { code?: string; message?: string };
  if (error.code !== undefined && RETRYABLE_SQLSTATES.has(error.code)) return true;
  if (error.code !== undefined && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ENOENT)$/.test(error.code)) return true;
  return /Connection terminated|connection timeout|terminating connection|Client has encountered a connection error|not queryable/i.test(
    error.message ?? "",
  );
}

export interface PostgresOptions {
  readonly?: boolean;
  /** How long to keep retrying (with backoff) while a server that answered once cannot be reached. */
  reconnectForMs?: number;
  /**
   * How long the first connection may keep trying: long enough for a server that is restarting, short
   * enough that a wrong host or port is said within seconds rather than after the reconnect window.
   */
  firstConnectForMs?: number;
  /** Connections this process may hold. */
  poolSize?: number;
  /**
   * The server ends a session left idle inside a transaction this long: a frozen (SIGSTOP) or partitioned
   * worker must not hold a run's row lock, and so block every other worker's requeue, for ever.
   */
  idleInTransactionMs?: number;
}

/**
 * A PostgreSQL database behind the Connection interface. Work that fails because the server went away, or
 * lost a serialization race, is retried from its start with exponential backoff for `reconnectForMs`.
 */
export class PostgresConnection implements Connection {
  readonly dialect = POSTGRES;
  readonly location: string;
  /** When the server last answered after an outage: a caller judging others' heartbeats waits a grace period after it. */
  connectedSinceMs = Date.now();
  private readonly pool: pg.Pool;
  private readonly reconnectForMs: number;

  private constructor(url: string, options: PostgresOptions) {
    this.location = shownUrl(url);
    this.reconnectForMs = options.reconnectForMs ?? Number(process.env.TSA_PG_RECONNECT_MS ?? 120_000);
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 4,
      types,
      connectionTimeoutMillis: 10_000,
      idle_in_transaction_session_timeout: options.idleInTransactionMs ?? Number(process.env.TSA_PG_IDLE_TX_MS ?? 10_000),
    });
    // An idle connection the server dropped (a restart) is reported here; the next query reconnects.
    this.pool.on("error", () => {});
  }

  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresConnection> {
    const connection = new PostgresConnection(url, options);
    const firstConnectForMs = options.firstConnectForMs ?? Number(process.env.TSA_PG_CONNECT_MS ?? 5_000);
    try {
      await connection.withRetry(firstConnectForMs, async () => {
        const client = await connection.checkout();
        try {
          await migratePostgres(client, connection.location, options.readonly ?? false);
        } finally {
          client.done();
        }
      });
    } catch (e) {
      await connection.pool.end().catch(() => {});
      if (e instanceof StoreError) throw e;
      if (isTransient(e))
        throw new StoreError(
          `${connection.location}: cannot connect to the PostgreSQL server (${(e as Error).message}); is it running, at that host and port?`,
          { cause: e },
        );
      throw new StoreError(`${connection.location}: cannot open the PostgreSQL database (${(e as Error).message})`, { cause: e });
    }
    return connection;
  }

  /**
   * A pooled client for several statements. The server may end its session meanwhile (a restart, the
   * idle-in-transaction timeout of a frozen process): pg reports that as an 'error' event, which would
   * end the process unheard; the statement in flight fails and is retried instead.
   */
  private async checkout(): Promise<pg.PoolClient & { done(broken?: boolean): void }> {
    const client = await this.pool.connect();
    const ignore = () => {};
    client.on("error", ignore);
    return Object.assign(client, {
      done: (broken = false) => {
        client.off("error", ignore);
        client.release(broken);
      },
    });
  }

  private async withRetry<T>(forMs: number, work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + forMs;
    let delayMs = 100;
    let failed = false;
    for (;;) {
      try {
        const result = await work();
        if (failed) this.connectedSinceMs = Date.now();
        return result;
      } catch (e) {
        if (!isTransient(e) || Date.now() + delayMs > deadline) throw e;
        failed = true;
        await new Promise((resolve) => setTimeout(resolve, delayMs * (0.5 + Math.random())));
        delayMs = Math.min(delayMs * 2, 5_000);
      }
    }
  }

  private on(client: pg.ClientBase): Connection {
    return {
      dialect: POSTGRES,
      location: this.location,
      all: async <T>(sql: string, params: unknown[] = []) => (await client.query(numbered(sql), bind(params))).rows as T[],
      run: async (sql: string, params: unknown[] = []) => (await client.query(numbered(sql), bind(params))).rowCount ?? 0,
      transaction: (fn) => fn(this.on(client)),
      readOnlyQuery: () => Promise.reject(new Error("readOnlyQuery inside a transaction")),
      close: () => Promise.resolve(),
    };
  }

  all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.withRetry(this.reconnectForMs, async () => (await this.pool.query(numbered(sql), bind(params))).rows as T[]);
  }

  run(sql: string, params: unknown[] = []): Promise<number> {
    return this.withRetry(this.reconnectForMs, async () => (await this.pool.query(numbered(sql), bind(params))).rowCount ?? 0);
  }

  transaction<T>(fn: (tx: Connection) => Promise<T>): Promise<T> {
    return this.withRetry(this.reconnectForMs, async () => {
      const client = await this.checkout();
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await fn(this.on(client));
        await client.query("COMMIT");
        return result;
      } catch (e) {
        broken = isTransient(e) && !/^40/.test((e as { code?: string }).code ?? "");
        if (!broken) await client.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        client.done(broken);
      }
    });
  }

  async readOnlyQuery(sql: string): Promise<QueryResult> {
    const client = await this.checkout();
    try {
      await client.query("BEGIN READ ONLY");
      // queryMode is pg's (8.11+), not yet in @types/pg.
      const config: pg.QueryArrayConfig & { queryMode: "extended" } = { text: sql, rowMode: "array", queryMode: "extended" };
      const result = await client.query(config);
      // Extended protocol: one statement only, so no `COMMIT; DELETE …` can leave the read-only transaction.
      return { columns: result.fields.map((f) => f.name), rows: result.rows as unknown[][] };
    } catch (e) {
      if ((e as { code?: string }).code === "25006")
        throw new StoreError("queries are read-only: only statements that return rows without writing (SELECT, WITH …) are allowed");
      throw new StoreError(`SQL error: ${(e as Error).message}`);
    } finally {
      await client.query("ROLLBACK").catch(() => {});
      client.done();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
