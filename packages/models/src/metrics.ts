import { multiclassMetrics } from "./multiclass-metrics.js";

/**
 * One split's classification metrics; their names, labels and storage are the store's metric catalogue's.
 * Two classes: of the positive class (label 1). K > 2 (`multiclassClassificationMetrics`): precision, recall
 * and F1 are macro averages over the classes, ROC AUC the macro one-vs-rest mean, and the binary confusion
 * cells NaN.
 */
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
  /** Mean binary cross-entropy of the scores (natural log), each clipped to [1e-15, 1 − 1e-15]; lower is better. */
  logLoss: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Mean attention mass inside the true window over anomalous series; null for models without attention. */
  attentionMassInWindow: number | null;
  /** Share of anomalous series whose attention peak lies inside the true window; null without attention. */
  attentionPeakInWindow: number | null;
}

type Localisation = Pick<ClassificationMetrics, "attentionMassInWindow" | "attentionPeakInWindow">;

/** Binary classification metrics at threshold 0.5 on `scores` (probabilities of the anomalous class). */
export function classificationMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  localisation: Localisation = { attentionMassInWindow: null, attentionPeakInWindow: null },
): ClassificationMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = (scores[i] as number) > 0.5;
    const actual = labels[i] === 1;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
  }
  const n = labels.length;
  // No positive predictions (or no positives) gives 0, as scikit-learn's zero_division=0 does.
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const tpr = tp + fn > 0 ? tp / (tp + fn) : 0;
  const tnr = tn + fp > 0 ? tn / (tn + fp) : 0;
  return {
    n,
    accuracy: n > 0 ? (tp + tn) / n : 0,
    precision,
    recall,
    f1,
    rocAuc: rocAuc(labels, scores),
    // The reference passed 0/1 predictions to roc_auc_score; that AUC is the mean of TPR and TNR.
    balancedAccuracy: (tpr + tnr) / 2,
    logLoss: logLoss(labels, scores),
    tp,
    fp,
    tn,
    fn,
    ...localisation,
  };
}

/** A confident wrong score of exactly 0 or 1 costs −ln(1e-15) ≈ 34.5, not infinity (scikit-learn's old eps). */
const LOG_LOSS_EPS = 1e-15;

/** Mean binary cross-entropy of probabilities against 0/1 labels; NaN for no series. */
export function logLoss(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, scores[i] as number));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/**
 * ROC AUC as the Mann–Whitney statistic: the probability that a random positive scores above a random
 * negative, ties counting one half (average ranks). NaN when one class is absent.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let rankSumPositives = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    const value = scores[order[start] as number];
    while (end < order.length && scores[order[end] as number] === value) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    start = end;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The metrics of a K-class classifier (K > 2) from its class probabilities (n × K, row-major), in the binary
 * record's keys: accuracy, balanced accuracy and log-loss as `multiclassMetrics`; precision, recall and F1
 * their macro averages (scikit-learn's average='macro'); ROC AUC the mean over classes of each class's AUC
 * against the rest (scikit-learn's multi_class='ovr', average='macro', NaN if a class is absent); the binary
 * confusion cells (tp, fp, tn, fn) have no meaning here and are NaN.
 */
export function multiclassClassificationMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes: number,
  localisation: Localisation = { attentionMassInWindow: null, attentionPeakInWindow: null },
): ClassificationMetrics {
  const m = multiclassMetrics(labels, probabilities, classes);
  return {
    n: m.n,
    accuracy: m.accuracy,
    precision: m.macroPrecision,
    recall: m.macroRecall,
    f1: m.macroF1,
    rocAuc: oneVsRestRocAuc(labels, probabilities, classes),
    balancedAccuracy: m.balancedAccuracy,
    logLoss: m.logLoss,
    tp: Number.NaN,
    fp: Number.NaN,
    tn: Number.NaN,
    fn: Number.NaN,
    ...localisation,
  };
}

/** The mean over classes of the ROC AUC of "class k" against the rest, scored by p(k). */
function oneVsRestRocAuc(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number): number {
  let sum = 0;
  for (let k = 0; k < classes; k++) {
    const isClass = Array.from(labels, (y) => (y === k ? 1 : 0));
    const scores = Array.from(labels, (_, i) => probabilities[i * classes + k] as number);
    sum += rocAuc(isClass, scores);
  }
  return sum / classes;
}
