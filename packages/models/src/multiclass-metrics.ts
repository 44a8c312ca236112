/**
 * Metrics of a K-class classifier from its class probabilities, as the archive's literature reports them:
 * accuracy, balanced accuracy (mean per-class recall), macro-F1 (the unweighted mean of per-class F1, 0 for a
 * class never predicted nor present, as scikit-learn's zero_division=0) and log-loss (mean −ln p of the true
 * class, clipped at 1e-15 as scikit-learn's log_loss, so one confident mistake cannot make it infinite).
 */
export interface MulticlassMetrics {
  n: number;
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  /** Unweighted means of per-class precision and recall over all K classes (0 for a class never predicted or absent). */
  macroPrecision: number;
  macroRecall: number;
  logLoss: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

const CLIP = 1e-15;

/** The predicted class of each case: the most probable, the lowest index on a tie. */
export function argmaxRows(probabilities: ArrayLike<number>, classes: number): Int32Array {
  const n = probabilities.length / classes;
  return Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[i * classes + k]! > probabilities[i * classes + best]!) best = k;
    return best;
  });
}

/** `probabilities`: n × K, row-major, each row summing to 1; `labels`: class indices 0 … K−1. */
export function multiclassMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number): MulticlassMetrics {
  const n = labels.length;
  if (probabilities.length !== n * classes) throw new Error(`expected ${n} × ${classes} probabilities, got ${probabilities.length}`);
  const predicted = argmaxRows(probabilities, classes);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    confusion[y]![predicted[i]!]!++;
    logLoss -= Math.log(Math.min(1 - CLIP, Math.max(CLIP, probabilities[i * classes + y]!)));
  }
  const diagonal = confusion.reduce((sum, row, k) => sum + row[k]!, 0);
  const perClass = confusion.map((row, k) => {
    const actual = row.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, r) => sum + r[k]!, 0);
    const recall = actual > 0 ? row[k]! / actual : 0;
    const precision = predictedAs > 0 ? row[k]! / predictedAs : 0;
    return { present: actual > 0, precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0 };
  });
  const present = perClass.filter((c) => c.present);
  return {
    n,
    accuracy: n > 0 ? diagonal / n : 0,
    // Over the classes present in the labels, as scikit-learn's balanced_accuracy_score.
    balancedAccuracy: present.length > 0 ? present.reduce((s, c) => s + c.recall, 0) / present.length : 0,
    macroF1: perClass.reduce((s, c) => s + c.f1, 0) / classes,
    macroPrecision: perClass.reduce((s, c) => s + c.precision, 0) / classes,
    macroRecall: perClass.reduce((s, c) => s + c.recall, 0) / classes,
    logLoss: n > 0 ? logLoss / n : 0,
    confusion,
  };
}

/**
 * The validation loss of a model that learned nothing but the class shares of its training data: the entropy
 * of that prior, −Σ p_k ln p_k. ln 2 for a balanced binary problem, the reference's chance line.
 */
export function priorEntropy(trainLabels: ArrayLike<number>, classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < trainLabels.length; i++) counts[trainLabels[i]!]!++;
  return counts.reduce((h, c) => (c === 0 ? h : h - (c / trainLabels.length) * Math.log(c / trainLabels.length)), 0);
}
