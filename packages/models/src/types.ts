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

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** ROC AUC from the scores (rank-based). */
  rocAuc: number;
  /**
   * Balanced accuracy, the mean of the true positive and true negative rates: what the reference reported
   * as ROC AUC, computed from thresholded 0/1 predictions (stored as `roc_auc_thresholded` before schema 4).
   */
  balancedAccuracy: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Mean attention mass inside the true window over anomalous series; null for models without attention. */
  attentionMassInWindow: number | null;
  /** Share of anomalous series whose attention peak lies inside the true window; null without attention. */
  attentionPeakInWindow: number | null;
}

/** One test series with the attention weights the model gave it. */
export interface AttentionSample {
  seriesIndex: number;
  label: 0 | 1;
  window: [number, number] | null;
  signal: number[];
  weights: number[];
}
