import { UserInputError } from "@tsa/errors";
import { columnFor, conditionSql } from "./columns.js";
import { connect } from "./connect.js";
import type { Connection } from "./connection.js";
import { EPOCH_COLUMNS, type EpochRow } from "./entities.js";
import { isPostgresUrl } from "./location.js";
import { readRuns, type RunRow } from "./rows.js";
import type { ExperimentInfo, RunResult, RunStatus, WhereCondition } from "./types.js";

/** One page of the runs table: which runs, in which order, and which extra columns (config or metric keys). */
export interface RunsPageQuery {
  experiment?: string;
  where?: WhereCondition[];
  sort?: string;
  descending?: boolean;
  offset?: number;
  limit?: number;
  /** Keys as `runs --where` takes them (`f1`, `data.noise`, `model.pooling`), shown as columns. */
  columns?: string[];
}

/** One row of the runs table: what a person scans for, without epochs or attention samples. */
export interface RunSummary {
  id: string;
  experiment: string;
  model: string;
  seed: number;
  point: Record<string, unknown>;
  status: RunStatus;
  didNotLearn: boolean;
  epochsRun: number | null;
  durationMs: number | null;
  startedAt: string | null;
  testF1: number | null;
  /** The requested columns, by key. */
  values: Record<string, unknown>;
}

export interface RunsPage {
  total: number;
  offset: number;
  limit: number;
  rows: RunSummary[];
}

/** An experiment with its runs by status and, while runs are left, an estimate of when they are done. */
export interface ExperimentProgress extends Omit<ExperimentInfo, "spec"> {
  counts: Record<RunStatus, number>;
  total: number;
  /** Mean duration of its latest completed runs (up to 200); null before the first completes. */
  meanRunMs: number | null;
  /** Runs left × mean duration ÷ runs in flight (at least one); null when nothing is left or nothing is known. */
  etaMs: number | null;
}

/** What changes while a run trains: its status and its epochs after the last one a viewer has. */
export interface RunProgress {
  status: RunStatus;
  epochs: EpochRow[];
}

export const MAX_PAGE_ROWS = 500;
/** How many of an experiment's latest completed runs its ETA averages. */
const RECENT_RUNS = 200;
const TEST_METRICS = "LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test'";
const OPERATORS = new Set<string>(["=", "!=", "<", "<=", ">", ">="]);
const MAX_COLUMNS = 40;

const nonNegativeInteger = (name: string, value: number | undefined, fallback: number, max: number) => {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new UserInputError(`${name}: expected an integer from 0 to ${max}, got ${String(value)}`);
  return v;
};

/**
 * Read-only queries for a viewer of the store (`./tsa ui`): paged, filtered with the `--where` grammar,
 * sorted, every value a bound parameter and every key a known column. Opens its own read-only connection.
 */
export class RunBrowser {
  private constructor(private readonly db: Connection) {}

  static async open(location: string): Promise<RunBrowser> {
    const url = isPostgresUrl(location) ? readOnlySessions(location) : location;
    return new RunBrowser(await connect(url, { readonly: true, poolSize: 4 }));
  }

  get engine(): "sqlite" | "postgres" {
    return this.db.dialect.name;
  }

  get location(): string {
    return this.db.location;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /**
   * A number that changes when another connection commits (SQLite's `data_version`), so a viewer re-reads
   * only after a write; null when the engine has none (PostgreSQL: the caller polls what it shows).
   */
  async changeToken(): Promise<number | null> {
    if (this.db.dialect.name !== "sqlite") return null;
    const [row] = await this.db.all<{ data_version: number }>("PRAGMA data_version");
    return row?.data_version ?? null;
  }

  async experiments(): Promise<ExperimentProgress[]> {
    const infos = await this.db.all<Record<string, string>>("SELECT name, description, file, created_at FROM experiments ORDER BY name");
    // Counts from the (experiment, status) index alone; the mean duration from the latest completed runs only.
    const counts = await this.db.all<{ experiment: string; status: RunStatus; n: number }>(
      "SELECT experiment, status, COUNT(*) AS n FROM runs GROUP BY experiment, status",
    );
    return Promise.all(
      infos.map(async (info) => {
        const [recent] = await this.db.all<{ mean_ms: number | null }>(
          `SELECT AVG(duration_ms) AS mean_ms FROM (SELECT r.duration_ms FROM runs r WHERE r.experiment = ? AND r.status = 'completed'
            ORDER BY ${this.db.dialect.insertionOrder} DESC LIMIT ${RECENT_RUNS}) AS recent`,
          [info.name],
        );
        return progressOf(
          info,
          counts.filter((c) => c.experiment === info.name),
          recent?.mean_ms ?? null,
        );
      }),
    );
  }

  async runsPage(query: RunsPageQuery): Promise<RunsPage> {
    const d = this.db.dialect;
    const offset = nonNegativeInteger("offset", query.offset, 0, Number.MAX_SAFE_INTEGER);
    const limit = nonNegativeInteger("limit", query.limit, 50, MAX_PAGE_ROWS);
    const keys = query.columns ?? [];
    if (keys.length > MAX_COLUMNS) throw new UserInputError(`columns: at most ${MAX_COLUMNS}, got ${keys.length}`);
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (query.experiment !== undefined) {
      clauses.push("r.experiment = ?");
      params.push(query.experiment);
    }
    for (const condition of query.where ?? []) {
      if (!OPERATORS.has(condition.op))
        throw new UserInputError(`where: unknown operator '${condition.op}'; expected one of ${[...OPERATORS].join(" ")}`);
      const { sql, param } = conditionSql(condition, d);
      clauses.push(sql);
      params.push(param);
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "";
    const first = d.insertionOrder;
    // NULLs sort first ascending in SQLite and last in PostgreSQL: say it, so both stores page alike.
    const sortColumn = query.sort === undefined ? null : columnFor(query.sort, d);
    const order = sortColumn === null ? first : `${sortColumn} ${query.descending ? "DESC NULLS LAST" : "ASC NULLS FIRST"}, ${first}`;
    const metricsUsed = [sortColumn, ...(query.where ?? []).map((c) => columnFor(c.key, d))].some((c) => c?.startsWith("m.") ?? false);
    // The test metrics only when the filter or the order reads them: a count over runs alone is much cheaper.
    const from = `FROM runs r ${metricsUsed ? TEST_METRICS : ""} ${where}`;
    const extra = keys.map((key, i) => `, ${columnFor(key, d)} AS c${i}`).join("");
    // The page's ids first, reading only what the filter and order need; then the page's rows, wide, for those ids.
    // A filtered page counts its matches in the same scan (a window over the filtered rows); an unfiltered one
    // counts the runs table, which SQLite does from its b-tree without reading rows.
    const filtered = where !== "";
    const page = await this.db.all<{ id: string; total: number }>(
      `SELECT r.id${filtered ? ", COUNT(*) OVER () AS total" : ""} ${from} ORDER BY ${order} LIMIT ? OFFSET ?`,
      [...params, limit, offset],
    );
    const total = filtered && page[0] !== undefined ? page[0].total : await this.count(from, params);
    if (page.length === 0) return { total, offset, limit, rows: [] };
    const rows = await this.db.all<SummaryRow>(
      `SELECT r.id, r.experiment, r.model, r.seed, r.point, r.status, r.did_not_learn, r.epochs_run, r.duration_ms, r.started_at,
        m.f1 AS test_f1${extra} FROM runs r ${TEST_METRICS} WHERE r.id IN (${page.map(() => "?").join(", ")}) ORDER BY ${order}`,
      page.map((p) => p.id),
    );
    return { total, offset, limit, rows: rows.map((r) => summaryOf(r, keys)) };
  }

  private async count(from: string, params: unknown[]): Promise<number> {
    const [row] = await this.db.all<{ total: number }>(`SELECT COUNT(*) AS total ${from}`, params);
    return row?.total ?? 0;
  }

  /** Runs by id, with epochs, metrics and attention samples (unknown ids are left out). */
  async runs(ids: string[]): Promise<RunResult[]> {
    if (ids.length === 0) return [];
    if (ids.length > MAX_PAGE_ROWS) throw new UserInputError(`runs: at most ${MAX_PAGE_ROWS} at once, got ${ids.length}`);
    const rows = await this.db.all<RunRow>(`SELECT r.* FROM runs r WHERE r.id IN (${ids.map(() => "?").join(", ")})`, ids);
    const byId = new Map((await readRuns(this.db, rows)).map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Every run of an experiment (the sweep view's report), in the order they were recorded. */
  async experimentRuns(name: string): Promise<{ info: ExperimentInfo; runs: RunResult[] } | null> {
    const [row] = await this.db.all<Record<string, string>>("SELECT * FROM experiments WHERE name = ?", [name]);
    if (row === undefined) return null;
    const rows = await this.db.all<RunRow>(`SELECT r.* FROM runs r WHERE r.experiment = ? ORDER BY ${this.db.dialect.insertionOrder}`, [
      name,
    ]);
    const info = {
      name: row.name!,
      description: row.description!,
      file: row.file!,
      spec: JSON.parse(row.spec!) as unknown,
      createdAt: row.created_at!,
    };
    return { info, runs: await readRuns(this.db, rows) };
  }

  /** A run's status and its epochs after `afterEpoch`: what an open run page has not shown yet. */
  async runProgress(id: string, afterEpoch: number): Promise<RunProgress | null> {
    const [run] = await this.db.all<{ status: RunStatus }>("SELECT status FROM runs WHERE id = ?", [id]);
    if (run === undefined) return null;
    const rows = await this.db.all<Record<string, number>>(
      `SELECT epoch, ${EPOCH_COLUMNS.map((c) => c.column).join(", ")} FROM epochs WHERE run_id = ? AND epoch > ? ORDER BY epoch`,
      [id, afterEpoch],
    );
    const epochs = rows.map((row) => {
      const e: Record<string, number> = { epoch: row.epoch! };
      for (const c of EPOCH_COLUMNS) e[c.field] = typeof row[c.column] === "number" ? row[c.column]! : Number.NaN;
      return e as unknown as EpochRow;
    });
    return { status: run.status, epochs };
  }
}

interface SummaryRow extends Record<string, unknown> {
  id: string;
  experiment: string;
  model: string;
  seed: number;
  point: string;
  status: RunStatus;
  did_not_learn: number;
  epochs_run: number | null;
  duration_ms: number | null;
  started_at: string | null;
  test_f1: number | null;
}

/** A config value read by JSON path comes back as JSON text for arrays (SQLite) or as parsed JSON (PostgreSQL). */
function plain(value: unknown): unknown {
  if (typeof value !== "string" || !/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function summaryOf(r: SummaryRow, keys: string[]): RunSummary {
  return {
    id: r.id,
    experiment: r.experiment,
    model: r.model,
    seed: r.seed,
    point: JSON.parse(r.point) as Record<string, unknown>,
    status: r.status,
    didNotLearn: r.did_not_learn === 1,
    epochsRun: r.epochs_run,
    durationMs: r.duration_ms,
    startedAt: r.started_at,
    testF1: r.test_f1,
    values: Object.fromEntries(keys.map((key, i) => [key, plain(r[`c${i}`]) ?? null])),
  };
}

function progressOf(
  info: Record<string, string>,
  rows: Array<{ status: RunStatus; n: number }>,
  meanRunMs: number | null,
): ExperimentProgress {
  const counts: Record<RunStatus, number> = { queued: 0, running: 0, completed: 0, failed: 0, interrupted: 0 };
  for (const row of rows) counts[row.status] = row.n;
  const left = counts.queued + counts.running;
  const etaMs = left === 0 || meanRunMs === null ? null : (left * meanRunMs) / Math.max(1, counts.running);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    name: info.name!,
    description: info.description!,
    file: info.file!,
    createdAt: info.created_at!,
    counts,
    total,
    meanRunMs,
    etaMs,
  };
}

/** Every session of the pool starts read-only: a write is refused by the server, whatever the statement. */
function readOnlySessions(url: string): string {
  const u = new URL(url);
  u.searchParams.set("options", `${u.searchParams.get("options") ?? ""} -c default_transaction_read_only=on`.trim());
  return u.toString();
}

/** Opens a read-only viewer of the store at `location` (a SQLite path or a `postgres://` URL). */
export function openRunBrowser(location: string): Promise<RunBrowser> {
  return RunBrowser.open(location);
}
