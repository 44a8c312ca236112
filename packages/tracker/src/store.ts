import { StoreError } from "@tsa/errors";
import { columnFor, conditionSql } from "./columns.js";
import type { Connection } from "./connection.js";
import { connect } from "./connect.js";
import { METRIC_CATALOGUE, type MetricsRow } from "./catalogue.js";
import { EPOCH_COLUMNS, type EpochRow, type RunRecord } from "./entities.js";
import type { OpenOptions } from "./open.js";
import { PostgresConnection } from "./postgres-connection.js";
import { metricValue, readRuns, type RunRow } from "./rows.js";
import type {
  Claim,
  ClaimedRun,
  ExperimentInfo,
  ExperimentResults,
  NewRun,
  OutcomeQuery,
  QueryResult,
  QueueProgress,
  RunFilter,
  RunOutcome,
  RunResult,
  RunState,
  RunStatus,
  StaleRuns,
} from "./types.js";

const now = () => new Date().toISOString();
const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** Every write of a run in progress names its attempt: a process that lost the run can no longer write into it. */
const HELD = "id = ? AND attempts = ? AND owner = ? AND status = 'running'";
const held = (c: Claim) => [c.runId, c.attempt, c.owner];

const INSERT_EPOCH = `INSERT INTO epochs (run_id, epoch, ${EPOCH_COLUMNS.map((c) => c.column).join(", ")})
  VALUES (${placeholders(EPOCH_COLUMNS.length + 2)})
  ON CONFLICT (run_id, epoch) DO UPDATE SET ${EPOCH_COLUMNS.map((c) => `${c.column} = excluded.${c.column}`).join(", ")}`;
const epochParams = (runId: string, e: EpochRow) => [runId, e.epoch, ...EPOCH_COLUMNS.map((c) => e[c.field])];

const INSERT_METRICS = `INSERT INTO metrics (run_id, split, ${METRIC_CATALOGUE.map((c) => c.column).join(", ")})
  VALUES (${placeholders(METRIC_CATALOGUE.length + 2)})
  ON CONFLICT (run_id, split) DO UPDATE SET ${METRIC_CATALOGUE.map((c) => `${c.column} = excluded.${c.column}`).join(", ")}`;
const metricsParams = (runId: string, split: string, m: MetricsRow) => [runId, split, ...METRIC_CATALOGUE.map((c) => m[c.field])];

const INSERT_ATTENTION = `INSERT INTO attention (run_id, series_index, label, window_start, window_end, signal, weights)
  VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id, series_index) DO UPDATE SET label = excluded.label, window_start = excluded.window_start,
    window_end = excluded.window_end, signal = excluded.signal, weights = excluded.weights`;

/** The columns a new attempt starts from: nothing of an earlier attempt's result survives. */
const FRESH_ATTEMPT = `status = 'running', owner = ?, heartbeat_at = %NOW%, attempts = attempts + 1, started_at = ?,
  finished_at = NULL, duration_ms = NULL, train_duration_ms = NULL, error = NULL, failed_epoch = NULL, epochs_run = NULL,
  best_epoch = NULL, stopped_early = NULL, did_not_learn = 0`;

/**
 * The run store, on a SQLite file or a PostgreSQL database: the same statements on both (see dialect.ts).
 * Every multi-row write is one transaction, so a process killed at any point leaves the store consistent.
 * Runs move queued → running → completed | failed | interrupted; `attempts` is the fencing token of a claim.
 */
export class Store {
  private constructor(
    private readonly db: Connection,
    private readonly readonly: boolean,
  ) {}

  static async open(location: string, options: OpenOptions = {}): Promise<Store> {
    return new Store(await connect(location, options), options.readonly ?? false);
  }

  /** "sqlite" or "postgres". */
  get engine(): "sqlite" | "postgres" {
    return this.db.dialect.name;
  }

  /**
   * When the database last came back after being unreachable (now, for SQLite): heartbeats could not be
   * written while it was away, so nobody's are judged until a grace period after it.
   */
  get reachableSinceMs(): number {
    return this.db instanceof PostgresConnection ? this.db.connectedSinceMs : 0;
  }

  private get d() {
    return this.db.dialect;
  }

  private sql(text: string): string {
    return text.replace(/%NOW%/g, this.d.nowMs);
  }

  private writable(): void {
    if (this.readonly) throw new StoreError(`${this.db.location}: opened read-only; this command cannot write`);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async upsertExperiment(e: { name: string; description: string; file: string; spec: unknown }): Promise<void> {
    this.writable();
    const t = now();
    await this.db.run(
      `INSERT INTO experiments (name, description, file, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET description = excluded.description, file = excluded.file, spec = excluded.spec,
         updated_at = excluded.updated_at`,
      [e.name, e.description, e.file, JSON.stringify(e.spec), t, t],
    );
  }

  private static runValues(run: NewRun) {
    return [
      run.id,
      run.experiment,
      run.model,
      run.seed,
      JSON.stringify(run.point),
      JSON.stringify(run.config),
      run.backend,
      run.kernels,
      run.gitCommit,
      JSON.stringify(run.versions),
    ];
  }

  /** `FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already holds the whole file. */
  private get forUpdate(): string {
    return this.d.name === "postgres" ? "FOR UPDATE" : "";
  }

  /**
   * Adds runs to the queue, once: a run already recorded (queued, running or done) is left as it is, so
   * enqueuing the same grid twice, or from two machines at once, adds nothing. Returns how many were new.
   */
  async enqueueRuns(runs: Array<NewRun & { priority: number }>): Promise<number> {
    this.writable();
    let added = 0;
    for (let i = 0; i < runs.length; i += 200) {
      const batch = runs.slice(i, i + 200);
      added += await this.db.run(
        `INSERT INTO runs (id, experiment, model, seed, point, config, backend, kernels, git_commit, versions, priority, status, attempts)
         VALUES ${batch.map(() => `(${placeholders(11)}, 'queued', 0)`).join(", ")}
         ON CONFLICT (id) DO NOTHING`,
        batch.flatMap((run) => [...Store.runValues(run), run.priority]),
      );
    }
    return added;
  }

  /**
   * Puts a completed, failed or interrupted run back in the queue (its result is outdated, or it is
   * retried), with `fresh`'s config when given: what it is recorded with is what the next attempt runs.
   */
  async requeueRun(runId: string, from: RunStatus[], fresh?: NewRun): Promise<boolean> {
    this.writable();
    // Its attempts start again from 0, and a run queued at attempt 0 has no rows (claimNext relies on it).
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(
        `UPDATE runs SET status = 'queued', attempts = 0, owner = NULL, heartbeat_at = NULL, error = NULL
         WHERE id = ? AND status IN (${placeholders(from.length)})`,
        [runId, ...from],
      );
      if (changed !== 1) return false;
      for (const table of ["epochs", "metrics", "attention"]) await tx.run(`DELETE FROM ${table} WHERE run_id = ?`, [runId]);
      if (fresh !== undefined)
        await tx.run(`UPDATE runs SET point = ?, config = ?, backend = ?, kernels = ?, git_commit = ?, versions = ? WHERE id = ?`, [
          ...Store.runValues(fresh).slice(4),
          runId,
        ]);
      return true;
    });
  }

  /**
   * Takes the queued run of highest priority (of one experiment, or any) for `owner`: `FOR UPDATE SKIP
   * LOCKED` on PostgreSQL, so claimers never wait on each other's row and no run is taken twice; SQLite's
   * immediate transaction serialises claimers instead. Null when nothing is queued.
   */
  async claimNext(owner: string, experiment?: string): Promise<ClaimedRun | null> {
    this.writable();
    const skipLocked = this.d.name === "postgres" ? "FOR UPDATE SKIP LOCKED" : "";
    return this.db.transaction(async (tx) => {
      const [row] = await tx.all<RunRow>(
        `SELECT * FROM runs r WHERE status = 'queued' ${experiment === undefined ? "" : "AND experiment = ?"}
         ORDER BY priority DESC, ${this.d.insertionOrder} LIMIT 1 ${skipLocked}`,
        experiment === undefined ? [] : [experiment],
      );
      if (row === undefined) return null;
      // A run never attempted has no rows to clear (most claims: three round trips saved).
      if (row.attempts > 0)
        for (const table of ["epochs", "metrics", "attention"]) await tx.run(`DELETE FROM ${table} WHERE run_id = ?`, [row.id]);
      const [claimed] = await tx.all<{ attempts: number }>(
        this.sql(`UPDATE runs SET ${FRESH_ATTEMPT} WHERE id = ? AND status = 'queued' RETURNING attempts`),
        [owner, now(), row.id],
      );
      return {
        claim: { runId: row.id, attempt: claimed!.attempts, owner },
        run: { id: row.id, experiment: row.experiment, model: row.model, seed: row.seed, config: JSON.parse(row.config) as unknown },
      };
    });
  }

  /** False when the claim was lost (the run was requeued and retaken): the caller should stop training it. */
  async heartbeat(claim: Claim): Promise<boolean> {
    return (await this.db.run(this.sql(`UPDATE runs SET heartbeat_at = %NOW% WHERE ${HELD}`), held(claim))) === 1;
  }

  /** Writes one epoch at once, so epochs survive a killed process. False if the claim was lost. */
  async recordEpoch(claim: Claim, e: EpochRow): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if ((await tx.all(`SELECT 1 FROM runs WHERE ${HELD} ${this.forUpdate}`, held(claim))).length === 0) return false;
      await tx.run(INSERT_EPOCH, epochParams(claim.runId, e));
      return true;
    });
  }

  /** Metrics, attention samples and the run's summary, in one transaction. False if the claim was lost. */
  async completeRun(claim: Claim, record: RunRecord): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if ((await tx.all(`SELECT 1 FROM runs WHERE ${HELD} ${this.forUpdate}`, held(claim))).length === 0) return false;
      const id = claim.runId;
      for (const split of ["val", "test"] as const) await tx.run(INSERT_METRICS, metricsParams(id, split, record.metrics[split]));
      for (const s of record.attention) {
        await tx.run(INSERT_ATTENTION, [
          id,
          s.seriesIndex,
          s.label,
          s.window?.[0] ?? null,
          s.window?.[1] ?? null,
          JSON.stringify(s.signal),
          JSON.stringify(s.weights),
        ]);
      }
      for (const e of record.epochs) await tx.run(INSERT_EPOCH, epochParams(id, e));
      const t = now();
      const changed = await tx.run(
        `UPDATE runs SET status = 'completed', finished_at = ?, duration_ms = ${this.d.msSince("started_at")},
           train_duration_ms = ?, epochs_run = ?, best_epoch = ?, stopped_early = ?, did_not_learn = ?, backend = ?, kernels = ?
         WHERE ${HELD}`,
        [
          t,
          t,
          record.trainDurationMs,
          record.epochs.length,
          record.bestEpoch,
          record.stoppedEarly ? 1 : 0,
          record.didNotLearn ? 1 : 0,
          record.backend,
          record.kernels,
          ...held(claim),
        ],
      );
      return changed === 1;
    });
  }

  private async end(claim: Claim, status: "failed" | "interrupted", error: string, epoch: number | null): Promise<boolean> {
    const t = now();
    const changed = await this.db.run(
      `UPDATE runs SET status = ?, error = ?, failed_epoch = ?, finished_at = ?, duration_ms = ${this.d.msSince("started_at")},
         epochs_run = (SELECT COUNT(*) FROM epochs WHERE run_id = ?)
       WHERE ${HELD}`,
      [status, error, status === "failed" ? epoch : null, t, t, claim.runId, ...held(claim)],
    );
    return changed === 1;
  }

  failRun(claim: Claim, error: string, epoch: number | null): Promise<boolean> {
    return this.end(claim, "failed", error, epoch);
  }

  interruptRun(claim: Claim, reason = "interrupted (Ctrl-C); run the sweep again to resume"): Promise<boolean> {
    return this.end(claim, "interrupted", reason, null);
  }

  /**
   * A claim whose process died mid-run (a crash, the OOM killer): the run goes back to the queue for
   * another attempt, or is failed with `reason` once it has had `maxAttempts`.
   */
  async releaseCrashed(claim: Claim, reason: string, maxAttempts: number): Promise<"queued" | "failed" | "lost"> {
    if (claim.attempt >= maxAttempts) {
      const why = claim.attempt > 1 ? `${reason}; gave up after ${claim.attempt} attempt(s)` : reason;
      return (await this.failRun(claim, why, null)) ? "failed" : "lost";
    }
    const changed = await this.db.run(`UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL, error = ? WHERE ${HELD}`, [
      reason,
      ...held(claim),
    ]);
    return changed === 1 ? "queued" : "lost";
  }

  /**
   * Running runs whose heartbeat, on the database's clock, is older than `graceMs`: each goes back to the
   * queue (the next claim is attempt + 1, which fences off the old one's writes), or is failed once it has
   * had `maxAttempts`. Any worker may call this; each stale run is handled by exactly one.
   * On SQLite (a file on one machine) a run whose owner `isOwnerDead` says is gone is stale at once, not
   * after the grace period; on PostgreSQL owners on other machines (or containers sharing a host name)
   * cannot be judged that way, so heartbeats alone decide.
   */
  async requeueStaleRuns(graceMs: number, maxAttempts: number, isOwnerDead?: (owner: string) => boolean): Promise<StaleRuns> {
    this.writable();
    // Judged from the later of the last heartbeat and the server's start: a restart is not everyone's death.
    const late = `(heartbeat_at IS NULL OR heartbeat_at < %NOW% - ?) AND ${this.d.serverStartMs} < %NOW% - ?`;
    return this.db.transaction(async (tx) => {
      const dead = this.d.name === "sqlite" && isOwnerDead !== undefined ? await this.deadOwnersRuns(tx, isOwnerDead) : [];
      const stale = `status = 'running' AND (${late}${dead.length > 0 ? ` OR id IN (${placeholders(dead.length)})` : ""})`;
      const params = [graceMs, graceMs, ...dead];
      const failed = await tx.all<{ id: string }>(
        this.sql(`UPDATE runs SET status = 'failed', finished_at = ?,
                    error = 'its worker stopped sending heartbeats ' || CAST(attempts AS TEXT) || ' time(s); gave up'
                  WHERE ${stale} AND attempts >= ? RETURNING id`),
        [now(), ...params, maxAttempts],
      );
      const requeued = await tx.all<{ id: string }>(
        this.sql(`UPDATE runs SET status = 'queued', owner = NULL, heartbeat_at = NULL,
                    error = 'attempt ' || CAST(attempts AS TEXT) || ': its worker stopped sending heartbeats'
                  WHERE ${stale} RETURNING id`),
        params,
      );
      return { requeued: requeued.map((r) => r.id).sort(), failed: failed.map((r) => r.id).sort() };
    });
  }

  /** Running runs whose owner process is gone, by the caller's judgement. */
  private async deadOwnersRuns(tx: Connection, isOwnerDead: (owner: string) => boolean): Promise<string[]> {
    const running = await tx.all<{ id: string; owner: string | null }>("SELECT id, owner FROM runs WHERE status = 'running'");
    return running.filter((r) => r.owner !== null && isOwnerDead(r.owner)).map((r) => r.id);
  }

  /** Where each of `ids` stands (ids the store does not hold are left out). */
  async runStates(ids: readonly string[]): Promise<Map<string, RunState>> {
    const states = new Map<string, RunState>();
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const rows = await this.db.all<{
        id: string;
        status: RunStatus;
        error: string | null;
        failed_epoch: number | null;
        attempts: number;
      }>(`SELECT id, status, error, failed_epoch, attempts FROM runs WHERE id IN (${placeholders(batch.length)})`, batch);
      for (const r of rows) states.set(r.id, { status: r.status, error: r.error, failedEpoch: r.failed_epoch, attempts: r.attempts });
    }
    return states;
  }

  /** How far the queue is: runs by status, and who runs what now (of one experiment, or all). */
  async queueProgress(experiment?: string): Promise<QueueProgress> {
    const where = experiment === undefined ? "" : "WHERE experiment = ?";
    const params = experiment === undefined ? [] : [experiment];
    const counts = await this.db.all<{ status: RunStatus; n: number }>(
      `SELECT status, COUNT(*) AS n FROM runs ${where} GROUP BY status`,
      params,
    );
    const running = await this.db.all<{
      id: string;
      model: string;
      seed: number;
      owner: string | null;
      attempts: number;
      silent_ms: number | null;
    }>(
      this.sql(`SELECT id, model, seed, owner, attempts, %NOW% - heartbeat_at AS silent_ms
                FROM runs ${where === "" ? "WHERE" : `${where} AND`} status = 'running' ORDER BY owner, id`),
      params,
    );
    const byStatus = { queued: 0, running: 0, completed: 0, failed: 0, interrupted: 0 };
    for (const c of counts) byStatus[c.status] = c.n;
    return {
      ...byStatus,
      inFlight: running.map(({ silent_ms, ...r }) => ({ ...r, owner: r.owner ?? "", sinceHeartbeatMs: Number(silent_ms ?? 0) })),
    };
  }

  /** A run's status and the config it was recorded with (the runner tells from it whether a result is stale). */
  async recordedRun(runId: string): Promise<{ status: RunStatus; config: unknown } | null> {
    const [row] = await this.db.all<{ status: RunStatus; config: string }>("SELECT status, config FROM runs WHERE id = ?", [runId]);
    return row === undefined ? null : { status: row.status, config: JSON.parse(row.config) as unknown };
  }

  async runStatus(runId: string): Promise<RunStatus | null> {
    const [row] = await this.db.all<{ status: RunStatus }>("SELECT status FROM runs WHERE id = ?", [runId]);
    return row?.status ?? null;
  }

  async listExperiments(): Promise<ExperimentInfo[]> {
    return (await this.db.all<Record<string, string>>("SELECT * FROM experiments ORDER BY name")).map(experimentInfo);
  }

  async experimentResults(name: string): Promise<ExperimentResults | null> {
    const [row] = await this.db.all<Record<string, string>>("SELECT * FROM experiments WHERE name = ?", [name]);
    if (row === undefined) return null;
    const runs = await this.db.all<RunRow>(`SELECT r.* FROM runs r WHERE r.experiment = ? ORDER BY ${this.d.insertionOrder}`, [name]);
    return { experiment: experimentInfo(row), runs: await readRuns(this.db, runs) };
  }

  /** Runs matching a filter; keys of `where` and `sort` may be run columns, test metrics or config keys. */
  async listRuns(filter: RunFilter = {}): Promise<RunResult[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      clauses.push(sql);
      params.push(value);
    };
    if (filter.experiment !== undefined) add("r.experiment = ?", filter.experiment);
    if (filter.model !== undefined) add("r.model = ?", filter.model);
    if (filter.status !== undefined) add("r.status = ?", filter.status);
    if (filter.seed !== undefined) add("r.seed = ?", filter.seed);
    for (const condition of filter.where ?? []) {
      const { sql, param } = conditionSql(condition, this.d);
      add(sql, param);
    }
    const first = this.d.insertionOrder;
    // NULLs sort first ascending in SQLite and last in PostgreSQL: say it, so both stores list alike.
    const order =
      filter.sort === undefined
        ? first
        : `${columnFor(filter.sort, this.d)} ${filter.descending ? "DESC NULLS LAST" : "ASC NULLS FIRST"}, ${first}`;
    const limit = filter.limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const rows = await this.db.all<RunRow>(
      `SELECT r.* FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test'
       ${clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : ""} ORDER BY ${order}${limit}`,
      params,
    );
    return readRuns(this.db, rows);
  }

  /**
   * Every run of an experiment, narrowly: status, the config keys and metrics of `query`, in one statement
   * (no epochs, no attention samples), in the order runs were recorded. What a sweep's strategy reads each
   * time it decides, so a sweep of thousands of runs does not read every epoch each step.
   */
  async runOutcomes(experiment: string, query: OutcomeQuery): Promise<RunOutcome[]> {
    const metrics = query.metrics.map((field) => {
      const entry = METRIC_CATALOGUE.find((m) => m.field === field);
      if (entry === undefined) throw new StoreError(`runOutcomes: no metric '${field}' in the catalogue`);
      return entry;
    });
    const keys = query.config ?? [];
    for (const key of keys) if (!/^[A-Za-z_]\w*$/.test(key)) throw new StoreError(`runOutcomes: '${key}' is not a config key`);
    const columns = [
      ...keys.map((key, i) => `${this.d.jsonText("r.config", key)} AS c${i}`),
      ...metrics.flatMap((m, i) => [`v.${m.column} AS v${i}`, `t.${m.column} AS t${i}`]),
    ];
    const rows = await this.db.all<Record<string, unknown> & { v_run: string | null; t_run: string | null }>(
      `SELECT r.id, r.model, r.seed, r.point, r.status, v.run_id AS v_run, t.run_id AS t_run${columns.map((c) => `, ${c}`).join("")}
       FROM runs r LEFT JOIN metrics v ON v.run_id = r.id AND v.split = 'val' LEFT JOIN metrics t ON t.run_id = r.id AND t.split = 'test'
       WHERE r.experiment = ? ORDER BY ${this.d.insertionOrder}`,
      [experiment],
    );
    const split = (row: Record<string, unknown>, prefix: "v" | "t") =>
      Object.fromEntries(metrics.map((m, i) => [m.field, metricValue(m, row[`${prefix}${i}`])]));
    return rows.map((row) => ({
      id: row.id as string,
      model: row.model as string,
      seed: row.seed as number,
      point: JSON.parse(row.point as string) as Record<string, unknown>,
      status: row.status as RunStatus,
      config: Object.fromEntries(
        keys.flatMap((key, i) => {
          const value = row[`c${i}`] == null ? null : (JSON.parse(row[`c${i}`] as string) as unknown);
          return value === null ? [] : [[key, value]];
        }),
      ),
      val: row.v_run === null ? null : split(row, "v"),
      test: row.t_run === null ? null : split(row, "t"),
    }));
  }

  /**
   * Runs whose id starts with `prefix`: the first `limit` by id, and how many match in all (the caller
   * decides what an ambiguous prefix means).
   */
  async findRunsByPrefix(prefix: string, limit = 10): Promise<{ runs: RunResult[]; total: number }> {
    if (!/^[0-9a-f]*$/i.test(prefix)) return { runs: [], total: 0 };
    const pattern = `${prefix.toLowerCase()}%`;
    const rows = await this.db.all<RunRow>("SELECT r.* FROM runs r WHERE r.id LIKE ? ORDER BY r.id LIMIT ?", [pattern, limit]);
    const [count] = await this.db.all<{ total: number }>("SELECT COUNT(*) AS total FROM runs WHERE id LIKE ?", [pattern]);
    return { runs: await readRuns(this.db, rows), total: count?.total ?? 0 };
  }

  /** Any read-only SQL (a user's query): refused before it runs if it would write (SQLite), or in a read-only transaction (PostgreSQL). */
  readOnlyQuery(sql: string): Promise<QueryResult> {
    return this.db.readOnlyQuery(sql);
  }
}

function experimentInfo(row: Record<string, string>): ExperimentInfo {
  return { name: row.name!, description: row.description!, file: row.file!, spec: JSON.parse(row.spec!), createdAt: row.created_at! };
}

/** Opens the store at `location`, a SQLite path or a `postgres://` URL (created and migrated if needed). */
export function openStore(location: string, options: OpenOptions = {}): Promise<Store> {
  return Store.open(location, options);
}
