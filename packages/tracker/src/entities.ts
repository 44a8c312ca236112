/**
 * The store's own entities: what a caller records about a run, in the store's words. The runner maps its
 * training results onto these; nothing here knows tfjs, models or datasets.
 */

/** One split's classification metrics (`val` or `test`). NaN is recorded as NULL and read back as NaN. */
export interface MetricsRow {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  rocAucThresholded: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  attentionMassInWindow: number | null;
  attentionPeakInWindow: number | null;
}

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
  label: 0 | 1;
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

/**
 * The metric columns, once: they drive the `metrics` table, its inserts, its reads and the test metrics
 * of `run_summary` (where `summary` names them; null: not in the view). Adding a metric is one line here
 * and a migration.
 */
export const METRIC_COLUMNS: ReadonlyArray<{ column: string; field: keyof MetricsRow; type: SqlType; summary: string | null }> = [
  { column: "n", field: "n", type: "integer", summary: null },
  { column: "accuracy", field: "accuracy", type: "real", summary: "test_accuracy" },
  { column: "precision", field: "precision", type: "real", summary: "test_precision" },
  { column: "recall", field: "recall", type: "real", summary: "test_recall" },
  { column: "f1", field: "f1", type: "real", summary: "test_f1" },
  { column: "roc_auc", field: "rocAuc", type: "real", summary: "test_roc_auc" },
  { column: "roc_auc_thresholded", field: "rocAucThresholded", type: "real", summary: "test_roc_auc_thresholded" },
  { column: "tp", field: "tp", type: "integer", summary: null },
  { column: "fp", field: "fp", type: "integer", summary: null },
  { column: "tn", field: "tn", type: "integer", summary: null },
  { column: "fn", field: "fn", type: "integer", summary: null },
  { column: "attention_mass_in_window", field: "attentionMassInWindow", type: "real", summary: "test_attention_mass" },
  { column: "attention_peak_in_window", field: "attentionPeakInWindow", type: "real", summary: "test_attention_peak" },
];

/** The epoch columns, once: table, inserts and reads. */
export const EPOCH_COLUMNS: ReadonlyArray<{ column: string; field: keyof EpochRow; type: SqlType }> = [
  { column: "train_loss", field: "trainLoss", type: "real" },
  { column: "val_loss", field: "valLoss", type: "real" },
  { column: "train_accuracy", field: "trainAccuracy", type: "real" },
  { column: "val_accuracy", field: "valAccuracy", type: "real" },
  { column: "duration_ms", field: "durationMs", type: "real" },
];

/** The resolved-config values `run_summary` shows as columns: a JSON path into a run's config. */
export const CONFIG_COLUMNS: ReadonlyArray<{ column: string; path: ReadonlyArray<string | number>; type: SqlType }> = [
  { column: "length_min", path: ["data", "length", 0], type: "real" },
  { column: "length_max", path: ["data", "length", 1], type: "real" },
  { column: "location_min", path: ["data", "location", 0], type: "real" },
  { column: "location_max", path: ["data", "location", 1], type: "real" },
  { column: "noise", path: ["data", "noise"], type: "real" },
  { column: "size", path: ["data", "size"], type: "integer" },
  { column: "num_points", path: ["data", "numPoints"], type: "integer" },
  { column: "encoder", path: ["parts", "encoder"], type: "text" },
  { column: "pooling", path: ["parts", "pooling"], type: "text" },
  { column: "units", path: ["parts", "units"], type: "integer" },
  { column: "attention_units", path: ["parts", "attentionUnits"], type: "integer" },
  { column: "hidden", path: ["parts", "hidden"], type: "integer" },
  { column: "normalize", path: ["parts", "normalize"], type: "text" },
  { column: "init", path: ["parts", "init"], type: "text" },
];
