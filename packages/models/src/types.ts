/** One epoch of training: mean training loss over its batches, validation loss after it. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  trainAccuracy: number;
  valAccuracy: number;
  /** Wall time of the training pass alone (no validation), comparable with the reference's epoch_s. */
  durationMs: number;
}

/** Declared beside its computation, so a new metric is one file in this package. */
export type { ClassificationMetrics } from "./metrics.js";

/** One test series with the attention weights the model gave it (a multichannel series: its first channel). */
export interface AttentionSample {
  seriesIndex: number;
  /** Its class index (the anomaly task: 1 = anomalous). */
  label: number;
  window: [number, number] | null;
  signal: number[];
  weights: number[];
}
