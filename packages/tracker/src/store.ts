import type Database from "better-sqlite3";
import { StoreError } from "@tsa/errors";
import type { ClassificationMetrics, EpochRecord, RunOutcome } from "@tsa/models";
import { columnFor, conditionSql } from "./columns.js";
import { openDatabase, storeError, type OpenOptions } from "./open.js";
import { readRuns, type RunRow } from "./rows.js";
import type { ExperimentInfo, ExperimentResults, NewRun, QueryResult, RunFilter, RunResult, RunStatus } from "./types.js";

/** A running run whose heartbeat is older than this belongs to a process that died. */
export const DEFAULT_STALE_AFTER_MS = 60_000;

const now = () => new Date().toISOString();

/**
 * The run database. Synchronous (better-sqlite3): every write is one statement or one transaction, so a
 * process killed at any point leaves the file consistent and what was written stays written.
 */
export class Store {
  private readonly db: Database.Database;
  private readonly path: string;
  private readonly statements;

  constructor(path: string, options: OpenOptions = {}) {
    this.path = path;
    this.db = openDatabase(path, options);
    this.statements = options.readonly ? null : this.prepareWrites();
  }

  private prepareWrites() {
    const db = this.db;
    return {
      upsertExperiment: db.prepare(
        `INSERT INTO experiments (name, description, file, spec, created_at, updated_at)
         VALUES (@name, @description, @file, @spec, @now, @now)
         ON CONFLICT (name) DO UPDATE SET description = @description, file = @file, spec = @spec, updated_at = @now`,
      ),
      runState: db.prepare("SELECT status, heartbeat_at, config FROM runs WHERE id = ?"),
      insertRun: db.prepare(
        `INSERT INTO runs (id, experiment, model, seed, point, config, status, owner, heartbeat_at, attempts, started_at,
                           backend, kernels, git_commit, versions)
         VALUES (@id, @experiment, @model, @seed, @point, @config, 'running', @owner, @heartbeat, 1, @now,
                 @backend, @kernels, @gitCommit, @versions)`,
      ),
      retakeRun: db.prepare(
        `UPDATE runs SET status = 'running', owner = @owner, heartbeat_at = @heartbeat, attempts = attempts + 1,
           started_at = @now, finished_at = NULL, duration_ms = NULL, train_duration_ms = NULL, error = NULL,
           failed_epoch = NULL, epochs_run = NULL, best_epoch = NULL, stopped_early = NULL, did_not_learn = 0,
           point = @point, config = @config, backend = @backend, kernels = @kernels, git_commit = @gitCommit,
           versions = @versions
         WHERE id = @id`,
      ),
      clearEpochs: db.prepare("DELETE FROM epochs WHERE run_id = ?"),
      clearMetrics: db.prepare("DELETE FROM metrics WHERE run_id = ?"),
      clearAttention: db.prepare("DELETE FROM attention WHERE run_id = ?"),
      // Writes of a run in progress name their owner: a process that lost its run (reaped after it hung,
      // then retaken by another sweep) must not write into the new attempt.
      isOwner: db.prepare("SELECT 1 FROM runs WHERE id = ? AND owner = ? AND status = 'running'"),
      heartbeat: db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND owner = ? AND status = 'running'"),
      insertEpoch: db.prepare(
        `INSERT OR REPLACE INTO epochs (run_id, epoch, train_loss, val_loss, train_accuracy, val_accuracy, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMetrics: db.prepare(
        `INSERT OR REPLACE INTO metrics (run_id, split, n, accuracy, precision, recall, f1, roc_auc, roc_auc_thresholded,
           tp, fp, tn, fn, attention_mass_in_window, attention_peak_in_window)
         VALUES (@runId, @split, @n, @accuracy, @precision, @recall, @f1, @rocAuc, @rocAucThresholded,
           @tp, @fp, @tn, @fn, @attentionMassInWindow, @attentionPeakInWindow)`,
      ),
      insertAttention: db.prepare(
        `INSERT OR REPLACE INTO attention (run_id, series_index, label, window_start, window_end, signal, weights)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      complete: db.prepare(
        `UPDATE runs SET status = 'completed', finished_at = @now,
           duration_ms = (julianday(@now) - julianday(started_at)) * 86400000.0, train_duration_ms = @trainDurationMs,
           epochs_run = @epochsRun, best_epoch = @bestEpoch, stopped_early = @stoppedEarly, did_not_learn = @didNotLearn,
           backend = @backend, kernels = @kernels
         WHERE id = @id`,
      ),
      fail: db.prepare(
        `UPDATE runs SET status = 'failed', error = @error, failed_epoch = @epoch, finished_at = @now,
           duration_ms = (julianday(@now) - julianday(started_at)) * 86400000.0,
           epochs_run = (SELECT COUNT(*) FROM epochs WHERE run_id = @id)
         WHERE id = @id AND owner = @owner AND status = 'running'`,
      ),
      interruptOwned: db.prepare(
        `UPDATE runs SET status = 'interrupted', error = @error, finished_at = @now,
           epochs_run = (SELECT COUNT(*) FROM epochs WHERE run_id = @id)
         WHERE id = @id AND owner = @owner AND status = 'running'`,
      ),
      interrupt: db.prepare(
        `UPDATE runs SET status = 'interrupted', error = @error, finished_at = @now,
           epochs_run = (SELECT COUNT(*) FROM epochs WHERE run_id = @id)
         WHERE id = @id AND status = 'running'`,
      ),
      runningRuns: db.prepare("SELECT id, owner, heartbeat_at FROM runs WHERE status = 'running' ORDER BY id"),
    };
  }

  private get writes() {
    if (this.statements === null) throw new StoreError(`${this.path}: opened read-only; this command cannot write`);
    return this.statements;
  }

  /** Runs a write, turning SQLite's disk-full and read-only failures into a StoreError naming the file. */
  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw storeError(this.path, e);
    }
  }

  close(): void {
    this.db.close();
  }

  upsertExperiment(e: { name: string; description: string; file: string; spec: unknown }): void {
    this.write(() =>
      this.writes.upsertExperiment.run({
        name: e.name,
        description: e.description,
        file: e.file,
        spec: JSON.stringify(e.spec),
        now: now(),
      }),
    );
  }

  /**
   * Claims a run for `owner`, atomically (an immediate transaction: two sweeps can never both win).
   * A new run is inserted; a queued, failed or interrupted one, or a running one whose heartbeat is
   * stale, is taken over with its old rows cleared. A completed run, or one another live process is
   * training, is refused (false) — unless `outdated` says the completed result, judged by the config it
   * was recorded with, was made by code that would now give another result (checked under the lock, so
   * a result another sweep has just redone is kept).
   */
  claimRun(
    run: NewRun,
    owner: string,
    staleAfterMs = DEFAULT_STALE_AFTER_MS,
    options: { outdated?: (recordedConfig: unknown) => boolean } = {},
  ): boolean {
    const w = this.writes;
    const params = {
      id: run.id,
      experiment: run.experiment,
      model: run.model,
      seed: run.seed,
      point: JSON.stringify(run.point),
      config: JSON.stringify(run.config),
      owner,
      heartbeat: Date.now(),
      now: now(),
      backend: run.backend,
      kernels: run.kernels,
      gitCommit: run.gitCommit,
      versions: JSON.stringify(run.versions),
    };
    return this.write(() =>
      this.db
        .transaction(() => {
          const state = w.runState.get(run.id) as { status: RunStatus; heartbeat_at: number | null; config: string } | undefined;
          if (state === undefined) {
            w.insertRun.run(params);
            return true;
          }
          if (state.status === "completed" && options.outdated?.(JSON.parse(state.config) as unknown) !== true) return false;
          if (state.status === "running" && (state.heartbeat_at ?? 0) >= Date.now() - staleAfterMs) return false;
          w.clearEpochs.run(run.id);
          w.clearMetrics.run(run.id);
          w.clearAttention.run(run.id);
          w.retakeRun.run(params);
          return true;
        })
        .immediate(),
    );
  }

  /** False when `owner` no longer holds the run (it was reaped or retaken): the caller should stop. */
  heartbeat(runId: string, owner: string): boolean {
    return this.write(() => this.writes.heartbeat.run(Date.now(), runId, owner).changes === 1);
  }

  /** Writes one epoch at once, so epochs survive a killed process. False if `owner` lost the run. */
  recordEpoch(runId: string, owner: string, e: EpochRecord): boolean {
    const w = this.writes;
    // Immediate: a read-then-write transaction that starts deferred gets SQLITE_BUSY, without waiting,
    // when another process wrote after its read (WAL snapshots); taking the write lock first waits instead.
    return this.write(() =>
      this.db
        .transaction(() => {
          if (w.isOwner.get(runId, owner) === undefined) return false;
          w.insertEpoch.run(runId, e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy, e.durationMs);
          return true;
        })
        .immediate(),
    );
  }

  /** Metrics, attention samples and the run's summary, in one transaction. False if `owner` lost the run. */
  completeRun(runId: string, owner: string, outcome: RunOutcome): boolean {
    const w = this.writes;
    return this.write(() =>
      this.db
        .transaction(() => {
          if (w.isOwner.get(runId, owner) === undefined) return false;
          for (const split of ["val", "test"] as const) w.insertMetrics.run(metricsParams(runId, split, outcome.metrics[split]));
          for (const s of outcome.attention) {
            w.insertAttention.run(
              runId,
              s.seriesIndex,
              s.label,
              s.window?.[0] ?? null,
              s.window?.[1] ?? null,
              JSON.stringify(s.signal),
              JSON.stringify(s.weights),
            );
          }
          for (const e of outcome.epochs) {
            w.insertEpoch.run(runId, e.epoch, e.trainLoss, e.valLoss, e.trainAccuracy, e.valAccuracy, e.durationMs);
          }
          w.complete.run({
            id: runId,
            now: now(),
            trainDurationMs: outcome.trainDurationMs,
            epochsRun: outcome.epochs.length,
            bestEpoch: outcome.bestEpoch,
            stoppedEarly: outcome.stoppedEarly ? 1 : 0,
            didNotLearn: outcome.didNotLearn ? 1 : 0,
            backend: outcome.backend.backend,
            kernels: outcome.backend.kernels,
          });
          return true;
        })
        .immediate(),
    );
  }

  failRun(runId: string, owner: string, error: string, epoch: number | null): void {
    this.write(() => this.writes.fail.run({ id: runId, owner, error, epoch, now: now() }));
  }

  interruptRun(runId: string, owner: string, reason = "interrupted (Ctrl-C); run the sweep again to resume"): void {
    this.write(() => this.writes.interruptOwned.run({ id: runId, owner, error: reason, now: now() }));
  }

  /**
   * Marks running runs whose process is gone as interrupted: their heartbeat is older than
   * `staleAfterMs`, or `isOwnerDead(owner)` says so (the runner knows its processes). Returns their ids.
   */
  reapStaleRuns(staleAfterMs = DEFAULT_STALE_AFTER_MS, isOwnerDead: (owner: string) => boolean = () => false): string[] {
    const w = this.writes;
    return this.write(() =>
      this.db
        .transaction(() => {
          const running = w.runningRuns.all() as Array<{ id: string; owner: string | null; heartbeat_at: number | null }>;
          const ids = running
            .filter((r) => (r.heartbeat_at ?? 0) < Date.now() - staleAfterMs || (r.owner !== null && isOwnerDead(r.owner)))
            .map((r) => r.id);
          for (const id of ids) w.interrupt.run({ id, error: "its process stopped (no heartbeat); rerun to resume", now: now() });
          return ids;
        })
        .immediate(),
    );
  }

  /** A run's status and the config it was recorded with (the runner tells from it whether a result is stale). */
  recordedRun(runId: string): { status: RunStatus; config: unknown } | null {
    const row = this.db.prepare("SELECT status, config FROM runs WHERE id = ?").get(runId) as
      { status: RunStatus; config: string } | undefined;
    return row === undefined ? null : { status: row.status, config: JSON.parse(row.config) as unknown };
  }

  runStatus(runId: string): RunStatus | null {
    const row = this.db.prepare("SELECT status FROM runs WHERE id = ?").get(runId) as { status: RunStatus } | undefined;
    return row?.status ?? null;
  }

  listExperiments(): ExperimentInfo[] {
    const rows = this.db.prepare("SELECT * FROM experiments ORDER BY name").all() as Array<Record<string, string>>;
    return rows.map(experimentInfo);
  }

  experimentResults(name: string): ExperimentResults | null {
    const row = this.db.prepare("SELECT * FROM experiments WHERE name = ?").get(name) as Record<string, string> | undefined;
    if (row === undefined) return null;
    const runs = this.db.prepare("SELECT r.* FROM runs r WHERE r.experiment = ? ORDER BY r.rowid").all(name) as RunRow[];
    return { experiment: experimentInfo(row), runs: readRuns(this.db, runs) };
  }

  /** Runs matching a filter; keys of `where` and `sort` may be run columns, test metrics or config keys. */
  listRuns(filter: RunFilter = {}): RunResult[] {
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
      const { sql, param } = conditionSql(condition);
      add(sql, param);
    }
    const order = filter.sort === undefined ? "r.rowid" : `${columnFor(filter.sort)} ${filter.descending ? "DESC" : "ASC"}, r.rowid`;
    const limit = filter.limit === undefined ? "" : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const rows = this.db
      .prepare(
        `SELECT r.* FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test'
         ${clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : ""} ORDER BY ${order}${limit}`,
      )
      .all(...params) as RunRow[];
    return readRuns(this.db, rows);
  }

  /**
   * Runs whose id starts with `prefix`: the first `limit` by id, and how many match in all (the caller
   * decides what an ambiguous prefix means).
   */
  findRunsByPrefix(prefix: string, limit = 10): { runs: RunResult[]; total: number } {
    if (!/^[0-9a-f]*$/i.test(prefix)) return { runs: [], total: 0 };
    const pattern = `${prefix.toLowerCase()}%`;
    const rows = this.db.prepare("SELECT r.* FROM runs r WHERE r.id LIKE ? ORDER BY r.id LIMIT ?").all(pattern, limit) as RunRow[];
    const { total } = this.db.prepare("SELECT COUNT(*) AS total FROM runs WHERE id LIKE ?").get(pattern) as { total: number };
    return { runs: readRuns(this.db, rows), total };
  }

  /**
   * Any read-only SQL, for `yarn sql`. A statement that would write is refused before it runs, with the
   * database opened read-only as a second guard.
   */
  readOnlyQuery(sql: string, params: unknown[] = []): QueryResult {
    let statement: Database.Statement;
    try {
      statement = this.db.prepare(sql);
    } catch (e) {
      throw new StoreError(`SQL error: ${(e as Error).message}`);
    }
    if (!statement.readonly || !statement.reader) {
      throw new StoreError("yarn sql is read-only: only statements that return rows without writing (SELECT, WITH …) are allowed");
    }
    try {
      const columns = statement.columns().map((c) => c.name);
      const rows = statement.raw(true).all(...params) as unknown[][];
      return { columns, rows };
    } catch (e) {
      throw new StoreError(`SQL error: ${(e as Error).message}`);
    }
  }
}

function experimentInfo(row: Record<string, string>): ExperimentInfo {
  return { name: row.name!, description: row.description!, file: row.file!, spec: JSON.parse(row.spec!), createdAt: row.created_at! };
}

function metricsParams(runId: string, split: "val" | "test", m: ClassificationMetrics) {
  return { runId, split, ...m };
}

/** Opens the store at `path` (created and migrated if needed). */
export function openStore(path: string, options: OpenOptions = {}): Store {
  return new Store(path, options);
}
