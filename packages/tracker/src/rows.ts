import type Database from "better-sqlite3";
import type { AttentionSample, ClassificationMetrics, EpochRecord } from "@tsa/models";
import type { RunResult, RunStatus } from "./types.js";

/** A `runs` row as SQLite returns it. */
export interface RunRow {
  id: string;
  experiment: string;
  model: string;
  seed: number;
  point: string;
  config: string;
  status: RunStatus;
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

/** SQLite stores NaN as NULL; metrics read back as NaN so arithmetic on them stays honest. */
const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);
const numOrNull = (v: unknown): number | null => (typeof v === "number" ? v : null);

function metrics(row: Record<string, unknown> | undefined): ClassificationMetrics | null {
  if (row === undefined) return null;
  return {
    n: num(row.n),
    accuracy: num(row.accuracy),
    precision: num(row.precision),
    recall: num(row.recall),
    f1: num(row.f1),
    rocAuc: num(row.roc_auc),
    rocAucThresholded: num(row.roc_auc_thresholded),
    tp: num(row.tp),
    fp: num(row.fp),
    tn: num(row.tn),
    fn: num(row.fn),
    attentionMassInWindow: numOrNull(row.attention_mass_in_window),
    attentionPeakInWindow: numOrNull(row.attention_peak_in_window),
  };
}

/** Assembles RunResults: one query per child table for the whole set, grouped in memory. */
export function readRuns(db: Database.Database, rows: RunRow[]): RunResult[] {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const placeholders = ids.map(() => "?").join(",");
  const group = <T extends { run_id: string }>(sql: string) => {
    const map = new Map<string, T[]>();
    for (const row of db.prepare(sql.replace("(?)", `(${placeholders})`)).all(...ids) as T[]) {
      const list = map.get(row.run_id) ?? [];
      list.push(row);
      map.set(row.run_id, list);
    }
    return map;
  };
  const epochs = group<{ run_id: string } & Record<string, number>>("SELECT * FROM epochs WHERE run_id IN (?) ORDER BY epoch");
  const metricRows = group<{ run_id: string; split: string } & Record<string, unknown>>("SELECT * FROM metrics WHERE run_id IN (?)");
  const attention = group<{ run_id: string } & Record<string, unknown>>(
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
      epochs: (epochs.get(r.id) ?? []).map((e): EpochRecord => ({
        epoch: e.epoch!,
        trainLoss: num(e.train_loss),
        valLoss: num(e.val_loss),
        trainAccuracy: num(e.train_accuracy),
        valAccuracy: num(e.val_accuracy),
        durationMs: num(e.duration_ms),
      })),
      attention: (attention.get(r.id) ?? []).map((a): AttentionSample => ({
        seriesIndex: a.series_index as number,
        label: a.label === 1 ? 1 : 0,
        window: a.window_start === null ? null : [a.window_start as number, a.window_end as number],
        signal: JSON.parse(a.signal as string) as number[],
        weights: JSON.parse(a.weights as string) as number[],
      })),
    };
  });
}
