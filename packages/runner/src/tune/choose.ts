import type { Choice, RunPlan } from "../experiment/index.js";
import { selectTrial, type TrialOutcome } from "./select.js";
import type { SelectMetric } from "./space.js";
import type { Trial } from "./trials.js";

/** A finished trial run as the store gives it back: what it was (its plan) and its validation metrics. */
export interface FinishedTrial {
  id: string;
  val: { logLoss: number | null; f1: number | null; rocAuc: number | null } | null;
}

/**
 * The configuration chosen for each selection key (a model, at a point or across the sweep), from the trial
 * runs that finished. Only a trial plan of the current file counts (a stored run of an edited space is
 * another id), and only its validation metrics reach the choice: `selectTrial` is given nothing else.
 */
export function chooseConfigurations(
  trials: readonly Trial[],
  plans: readonly RunPlan[],
  finished: readonly FinishedTrial[],
  select: SelectMetric,
  keyOf: (plan: RunPlan) => string,
): Map<string, Choice> {
  const byId = new Map(plans.map((plan) => [plan.id, plan]));
  const outcomes = new Map<string, TrialOutcome[]>();
  for (const run of finished) {
    const plan = byId.get(run.id);
    if (plan?.tuning?.role !== "trial" || run.val === null) continue;
    const key = keyOf(plan);
    const validation = { loss: run.val.logLoss, f1: run.val.f1, rocAuc: run.val.rocAuc };
    outcomes.set(key, [...(outcomes.get(key) ?? []), { trial: plan.tuning.trial, seed: plan.seed, validation }]);
  }
  const choices = new Map<string, Choice>();
  for (const [key, ofKey] of outcomes) {
    const selection = selectTrial(trials, ofKey, select);
    if (selection !== null) choices.set(key, selection);
  }
  return choices;
}
