import type { SelectMetric } from "./space.js";
import type { Trial } from "./trials.js";

/** What selection may see of a finished tuning run: its trial and its validation metrics, nothing of test. */
export interface TrialOutcome {
  trial: number;
  seed: number;
  validation: { loss: number | null; f1: number | null; rocAuc: number | null };
}

export interface Selection {
  /** Index of the chosen trial. */
  trial: number;
  /** Its mean validation score over the tuning seeds. */
  score: number;
  /** Every trial's mean validation score (null where no seed finished), by trial index. */
  scores: (number | null)[];
}

const SCORE: Record<SelectMetric, { of: (v: TrialOutcome["validation"]) => number | null; higherIsBetter: boolean }> = {
  val_loss: { of: (v) => v.loss, higherIsBetter: false },
  val_f1: { of: (v) => v.f1, higherIsBetter: true },
  val_roc_auc: { of: (v) => v.rocAuc, higherIsBetter: true },
};

export const higherIsBetter = (metric: SelectMetric) => SCORE[metric].higherIsBetter;

/**
 * Chooses a configuration from validation scores alone: each trial's mean over the tuning seeds that finished
 * with a score, the best mean wins, and a tie goes to the trial listed first (the grid's order, or the draw's),
 * so a choice never depends on the order runs finished in. Null when no trial has a score.
 */
export function selectTrial(trials: readonly Trial[], outcomes: readonly TrialOutcome[], metric: SelectMetric): Selection | null {
  const { of, higherIsBetter } = SCORE[metric];
  const scores = trials.map((_, t) => {
    const values = outcomes
      .filter((o) => o.trial === t)
      .map((o) => of(o.validation))
      .filter((v): v is number => v !== null && Number.isFinite(v));
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  });
  let best: number | null = null;
  scores.forEach((score, t) => {
    if (score === null) return;
    const bestScore = best === null ? null : scores[best]!;
    if (bestScore === null || (higherIsBetter ? score > bestScore : score < bestScore)) best = t;
  });
  return best === null ? null : { trial: best, score: scores[best]!, scores };
}
