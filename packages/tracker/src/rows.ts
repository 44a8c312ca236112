import type { Connection } from "./connection.js";
import { METRIC_CATALOGUE, type MetricsRow } from "./catalogue.js";
import { EPOCH_COLUMNS, type AttentionRow, type EpochRow } from "./entities.js";
import type { RunResult, RunStatus } from "./types.js";

/** A `runs` row as the database returns it. */
export interface RunRow {
  id: string;
  experiment: string;
  model: string;
  seed: number;
  point: string;
  config: string;
  status: RunStatus;
  attempts: number;
  error: string | null;
  failed_epoch: number | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  train_duration_ms: number | null;
  epochs_run: number | null;
  best_epoch: number | null;
  stopped_early: number | null;
  did_not_learn: number;
  backend: string | null;
  kernels: string | null;
  git_commit: string | null;
  versions: string | null;
}

/** NaN is stored as NULL; metrics read back as NaN so arithmetic on them stays honest. */
const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);
const numOrNull = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** A metric as read: NULL is null for a metric a model may not have, NaN for one it always has. */
export const metricValue = (c: { nullable: boolean }, v: unknown): number | null => (c.nullable ? numOrNull(v) : num(v));

function metrics(row: Record<string, unknown> | undefined): MetricsRow | null {
  if (row === undefined) return null;
  const m: Record<string, number | null> = {};
  for (const c of METRIC_CATALOGUE) m[c.field] = metricValue(c, row[c.column]);
  return m as unknown as MetricsRow;
}

function epoch(row: Record<string, unknown>): EpochRow {
  const e: Record<string, number> = { epoch: row.epoch as number };
  for (const c of EPOCH_COLUMNS) e[c.field] = num(row[c.column]);
  return e as unknown as EpochRow;
}

/** Assembles RunResults: one query per child table for the whole set, grouped in memory. */
export async function readRuns(db: Connection, rows: RunRow[]): Promise<RunResult[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const placeholders = ids.map(() => "?").join(",");
  const group = async <T extends { run_id: string }>(sql: string) => {
    const map = new Map<string, T[]>();
    for (const row of await db.all<T>(sql.replace("(?)", `(${placeholders})`), ids)) {
      const list = map.get(row.run_id) ?? [];
      list.push(row);
      map.set(row.run_id, list);
    }
    return map;
  };
  const epochs = await group<{ run_id: string } & Record<string, number>>("SELECT * FROM epochs WHERE run_id IN (?) ORDER BY epoch");
  const metricRows = await group<{ run_id: string; split: string } & Record<string, unknown>>("SELECT * FROM metrics WHERE run_id IN (?)");
  const attention = await group<{ run_id: string } & Record<string, unknown>>(
    "SELECT * FROM attention WHERE run_id IN (?) ORDER BY label, series_index",
  );

  return rows.map((r) => {
    const m = metricRows.get(r.id) ?? [];
    return {
      id: r.id,
      experiment: r.experiment,
      model: r.model,
      seed: r.seed,
      point: JSON.parse(r.point) as Record<string, unknown>,
      status: r.status,
      error: r.error,
      failedEpoch: r.failed_epoch,
      config: JSON.parse(r.config) as unknown,
      backend: r.backend ?? "",
      kernels: r.kernels ?? "",
      gitCommit: r.git_commit,
      versions: r.versions === null ? {} : (JSON.parse(r.versions) as Record<string, string>),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationMs: r.duration_ms,
      trainDurationMs: r.train_duration_ms,
      epochsRun: r.epochs_run,
      bestEpoch: r.best_epoch,
      stoppedEarly: r.stopped_early === 1,
      didNotLearn: r.did_not_learn === 1,
      test: metrics(m.find((x) => x.split === "test")),
      val: metrics(m.find((x) => x.split === "val")),
      epochs: (epochs.get(r.id) ?? []).map(epoch),
      attention: (attention.get(r.id) ?? []).map((a): AttentionRow => ({
        seriesIndex: a.series_index as number,
        label: Number(a.label),
        window: a.window_start === null ? null : [a.window_start as number, a.window_end as number],
        signal: JSON.parse(a.signal as string) as number[],
        weights: JSON.parse(a.weights as string) as number[],
      })),
    };
  });
}
