import { expectedEpochSeconds, presetSpec } from "@tsa/models/config";
import type { RunPlan } from "../spec/index.js";

/** A run's expected cost, in arbitrary units: its data's points × the epochs it may train × its model's epoch time (only the order and rough ratios matter). */
export function expectedCost(plan: RunPlan): number {
  return plan.data.size * plan.data.numPoints * plan.train.epochs * expectedEpochSeconds(presetSpec(plan.model));
}

/**
 * The runs in the order to start them: longest expected first, grid order among equals. With several
 * workers, a long run started last keeps one worker busy while the others sit idle; cheap runs last fill
 * the gaps instead (longest-processing-time-first scheduling).
 */
export function longestFirst(plans: readonly RunPlan[]): RunPlan[] {
  return plans
    .map((plan, index) => ({ plan, index, cost: expectedCost(plan) }))
    .sort((a, b) => b.cost - a.cost || a.index - b.index)
    .map(({ plan }) => plan);
}
