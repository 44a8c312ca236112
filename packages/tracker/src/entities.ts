import type { MetricsRow } from "./catalogue.js";

export type { MetricsRow } from "./catalogue.js";

/**
 * The store's own entities: what a caller records about a run, in the store's words. The runner maps its
 * training results onto these; nothing here knows tfjs, models or datasets.
 */

/** One epoch of training. */
export interface EpochRow {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  trainAccuracy: number;
  valAccuracy: number;
  durationMs: number;
}

/** One test series with the attention weights a model gave it, and where its anomaly truly was. */
export interface AttentionRow {
  seriesIndex: number;
  /** Its class index (the anomaly task: 1 = anomalous, 0 = normal). */
  label: number;
  window: [number, number] | null;
  signal: number[];
  weights: number[];
}

/** Everything a finished run records, in one transaction. */
export interface RunRecord {
  metrics: { val: MetricsRow; test: MetricsRow };
  epochs: EpochRow[];
  attention: AttentionRow[];
  trainDurationMs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  didNotLearn: boolean;
  backend: string;
  kernels: string;
}

type SqlType = "integer" | "real" | "text";

/** The epoch columns, once: table, inserts and reads. */
export const EPOCH_COLUMNS: ReadonlyArray<{ column: string; field: keyof EpochRow; type: SqlType }> = [
  { column: "train_loss", field: "trainLoss", type: "real" },
  { column: "val_loss", field: "valLoss", type: "real" },
  { column: "train_accuracy", field: "trainAccuracy", type: "real" },
  { column: "val_accuracy", field: "valAccuracy", type: "real" },
  { column: "duration_ms", field: "durationMs", type: "real" },
];
