import { UserInputError } from "@tsa/errors";
import { SELECT_METRICS, type SelectMetric } from "@tsa/runner/tune";
import type { RunResult } from "@tsa/tracker";
import { axisLabel, formatValue } from "./results.js";

/** A tuned key's value in a trial, `{ "model.normalize": "zscore", "train.patienceFrom": "learning" }`. */
export type Choice = Record<string, unknown>;

/** A tuning run: one trial of the space, trained on a tuning seed; its validation score is selection's evidence. */
export interface TrialRecord {
  role: "trial";
  /** Index into the experiment's trial list. */
  trial: number;
  choice: Choice;
}

/** A run of the chosen configuration on an evaluation seed: the verdict's evidence, with how it was chosen. */
export interface EvaluationRecord {
  role: "evaluation";
  trial: number;
  choice: Choice;
  select: SelectMetric;
  /** The chosen trial's mean validation score over the tuning seeds. */
  score: number;
  /** Every trial's mean validation score, by trial index; null where no tuning run finished. */
  scores: (number | null)[];
  budget: number;
}

export type TuningRecord = TrialRecord | EvaluationRecord;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/**
 * The tuning record the runner stores in a tuned run's config (`config.tuning`); null for a run of an
 * experiment without `tune:`. A malformed record (another runner's, or edited by hand) is a typed error
 * naming the run and the key, not a crash in a chart.
 */
export function tuningRecord(run: Pick<RunResult, "id" | "config">): TuningRecord | null {
  const tuning = isRecord(run.config) ? run.config.tuning : undefined;
  if (tuning === undefined) return null;
  const fail = (key: string, expected: string, found: unknown): never => {
    throw new UserInputError(`run ${run.id}: config.tuning${key}: expected ${expected}, got ${JSON.stringify(found) ?? "nothing"}`);
  };
  if (!isRecord(tuning)) return fail("", "the run's tuning record (an object)", tuning);
  if (!isIndex(tuning.trial)) fail(".trial", "a trial index (an integer from 0)", tuning.trial);
  if (!isRecord(tuning.choice)) fail(".choice", "the trial's tuned keys and values (an object)", tuning.choice);
  const base = { trial: tuning.trial as number, choice: tuning.choice as Choice };
  if (tuning.role === "trial") return { role: "trial", ...base };
  if (tuning.role !== "evaluation") return fail(".role", "'trial' or 'evaluation'", tuning.role);
  if (!(SELECT_METRICS as readonly unknown[]).includes(tuning.select))
    fail(".select", `one of ${SELECT_METRICS.join(", ")}`, tuning.select);
  if (typeof tuning.score !== "number") fail(".score", "the chosen trial's validation score (a number)", tuning.score);
  const scores = tuning.scores;
  if (!Array.isArray(scores) || !scores.every((s) => s === null || typeof s === "number"))
    fail(".scores", "every trial's validation score (numbers or null)", scores);
  if (!Number.isInteger(tuning.budget) || (tuning.budget as number) < 1)
    fail(".budget", "the trials per model (an integer from 1)", tuning.budget);
  return {
    role: "evaluation",
    ...base,
    select: tuning.select as SelectMetric,
    score: tuning.score as number,
    scores: scores as (number | null)[],
    budget: tuning.budget as number,
  };
}

/** A trial run: tuning evidence, left out of the verdict. Runs of an untuned experiment are none. */
export const isTrial = (run: Pick<RunResult, "id" | "config">): boolean => tuningRecord(run)?.role === "trial";

/** A tuned run's part in a listing: `trial 3` (trial 3 on a tuning seed) or `chosen 3` (chosen trial 3 on an evaluation seed); `–` untuned. */
export function roleText(run: Pick<RunResult, "id" | "config">): string {
  const record = tuningRecord(run);
  return record === null ? "–" : `${record.role === "trial" ? "trial" : "chosen"} ${record.trial}`;
}

/** `seed 100` or `seeds 100, 101`. */
export const seedsText = (seeds: readonly number[]) => `${seeds.length === 1 ? "seed" : "seeds"} ${seeds.map(formatValue).join(", ")}`;

/** What selection looked at, in a reader's words. */
export const SELECT_TEXT: Record<SelectMetric, string> = {
  val_loss: "validation loss",
  val_f1: "validation F1",
  val_roc_auc: "validation ROC AUC",
};

/** A run's validation score on the selection metric (the stored `val` metrics; loss is the log loss); null without one. */
export function validationScore(run: RunResult, select: SelectMetric): number | null {
  if (run.status !== "completed" || run.val === null) return null;
  const value = { val_loss: run.val.logLoss, val_f1: run.val.f1, val_roc_auc: run.val.rocAuc }[select];
  return Number.isFinite(value) ? value : null;
}

/** `normalize=zscore, patienceFrom=start`: a choice as the headline, tables and `show` write it. */
export function choiceText(choice: Choice): string {
  return Object.entries(choice)
    .map(([key, value]) => `${axisLabel(key)}=${formatValue(value)}`)
    .join(", ");
}
