import type { ModelName } from "@tsa/models";
import type { RunPlan } from "../experiment/index.js";

/**
 * Seconds per epoch of each model at one data size, as `yarn bench` measured them at the reference scale
 * on a 2-core machine (ffn 0.53, cnn 3.77, bilstm 5.98, bilstm-attention 6.51). Only their order and
 * rough ratios matter here.
 */
const EPOCH_SECONDS: Record<ModelName, number> = { ffn: 0.5, cnn: 3.8, bilstm: 6.0, "bilstm-attention": 6.5 };

/** A run's expected cost, in arbitrary units: its data's points × the epochs it may train × its model's epoch time. */
export function expectedCost(plan: RunPlan): number {
  return plan.data.size * plan.data.numPoints * plan.train.epochs * EPOCH_SECONDS[plan.model];
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
