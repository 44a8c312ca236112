import { expectedBestCurve, higherIsBetter, tuningTrials, type SelectMetric, type Trial } from "@tsa/runner/tune";
import type { RunResult } from "@tsa/tracker";
import { mean } from "./stats.js";
import { axisLabel, learned, pointKey, scored, type SweepPoint } from "./results.js";
import { SELECT_TEXT, choiceText, tuningRecord, validationScore, type Choice, type EvaluationRecord } from "./run-tuning.js";
import type { ResultsView, TunedRuns } from "./view.js";

/** Where a model was tuned: one sweep point (`per: point`), or the whole sweep at once (`per: experiment`, point null). */
export interface TuningCell {
  model: string;
  point: SweepPoint | null;
  /** Each trial's mean validation score over its tuning runs (seeds, and points when pooled); null where none finished. */
  scores: (number | null)[];
  /** Each trial's finished tuning runs. */
  runs: number[];
  /** Expected best validation score of n = 1 … N trials, over the N trials with a score (Dodge et al. 2019). */
  curve: number[];
  /** The configuration the runner chose, as its evaluation runs record it; null before any evaluation run exists. */
  chosen: Pick<EvaluationRecord, "trial" | "choice" | "score" | "scores" | "budget"> | null;
  /**
   * Of the chosen configuration's scored evaluation runs (n), how many learned (k). Selection never sees it: it
   * tells the reader afterwards whether a choice made on few tuning seeds holds on the others.
   */
  evaluated: { k: number; n: number };
}

/** A tuned experiment's tuning: the trials every model got, what selection looked at, and each model's outcome. */
export interface TuningSummary {
  trials: Trial[];
  select: SelectMetric;
  /** Tuned once across the sweep (`per: experiment`) rather than at every point. */
  pooled: boolean;
  budget: number;
  /** Tuning seeds, as the file lists them. */
  seeds: readonly number[];
  /** By point (null when pooled) then model, in drawing order. */
  cells: TuningCell[];
}

const cache = new WeakMap<TunedRuns, TuningSummary>();

/** The tuning of a view's experiment, computed once; null for an experiment without `tune:`. */
export function tuningSummaryOf(view: ResultsView): TuningSummary | null {
  const tuned = view.tuning;
  if (tuned === null) return null;
  if (!cache.has(tuned)) cache.set(tuned, summarizeTuning(tuned));
  return cache.get(tuned)!;
}

function summarizeTuning(tuned: TunedRuns): TuningSummary {
  const { tune } = tuned;
  const trials = tuningTrials(tune);
  const pooled = tune.per === "experiment";
  const where = (run: RunResult) => (pooled ? "" : pointKey(run.point));
  const points: (SweepPoint | null)[] = pooled ? [null] : [...tuned.points];
  const cells = points.flatMap((point) =>
    tuned.models.map((model): TuningCell => {
      const here = (run: RunResult) => run.model === model && where(run) === (point?.key ?? "");
      const byTrial = trials.map((_, t) =>
        tuned.trials
          .filter((run) => here(run) && tuningRecord(run)?.trial === t)
          .map((run) => validationScore(run, tune.select))
          .filter((v): v is number => v !== null),
      );
      const scores = byTrial.map((values) => (values.length === 0 ? null : mean(values)));
      const evaluations = tuned.evaluations.filter(here);
      const record = evaluations.map(tuningRecord).find((r): r is EvaluationRecord => r?.role === "evaluation");
      return {
        model,
        point,
        scores,
        runs: byTrial.map((values) => values.length),
        curve: expectedBestCurve(
          scores.filter((s): s is number => s !== null),
          higherIsBetter(tune.select),
        ),
        chosen:
          record === undefined
            ? null
            : { trial: record.trial, choice: record.choice, score: record.score, scores: record.scores, budget: record.budget },
        evaluated: { k: evaluations.filter(learned).length, n: evaluations.filter(scored).length },
      };
    }),
  );
  return { trials, select: tune.select, pooled, budget: tune.budget, seeds: tune.seeds, cells };
}

/** `ffn normalize=zscore, patienceFrom=start`, or per point where the choice differs: `bilstm normalize=diff at length 0.1, but normalize=none at 0.3`. */
function modelChoiceText(summary: TuningSummary, model: string, axes: readonly string[]): string | null {
  const chosen = summary.cells.filter((c) => c.model === model && c.chosen !== null);
  if (chosen.length === 0) return null;
  const groups = new Map<string, { choice: Choice; points: SweepPoint[] }>();
  for (const cell of chosen) {
    const text = choiceText(cell.chosen!.choice);
    const group = groups.get(text) ?? { choice: cell.chosen!.choice, points: [] };
    if (cell.point !== null) group.points.push(cell.point);
    groups.set(text, group);
  }
  if (groups.size === 1) return `${model} ${[...groups.keys()][0]!}`;
  const prefix = axes.length === 1 ? `${axisLabel(axes[0]!)} ` : "";
  // Models are separated by `;` and a choice holds commas: points of several axes are joined by `and`, choices by `but`.
  const parts = [...groups.entries()].map(
    ([text, { points }], i) => `${text} at ${i === 0 ? prefix : ""}${points.map((p) => p.label).join(axes.length === 1 ? ", " : " and ")}`,
  );
  return `${model} ${parts.join(", but ")}`;
}

/**
 * The clause the headline adds for a tuned experiment: `with every model at its best (chosen on validation
 * loss from 6 trials: ffn normalize=zscore, patienceFrom=start; …)`; null before any configuration is chosen.
 */
export function tuningClause(view: ResultsView): string | null {
  const summary = tuningSummaryOf(view);
  if (summary === null) return null;
  const choices = view.tuning!.models.map((m) => modelChoiceText(summary, m, view.axes)).filter((t): t is string => t !== null);
  if (choices.length === 0) return null;
  const where = summary.pooled || view.axes.length === 0 ? "" : " at each sweep point";
  return `with every model at its best (chosen on ${SELECT_TEXT[summary.select]} from ${summary.trials.length} trials${where}: ${choices.join("; ")})`;
}
