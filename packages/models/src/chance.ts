import type { EpochRecord } from "./types.js";

/**
 * A validation loss that never went below chance − this did not learn: chance is the cross-entropy of a
 * model that learned only the class shares of its training data (`priorEntropy`: ln 2 for balanced binary
 * classes, the reference's line); 0.02 below it is the least progress we call learning.
 */
export const CHANCE_LOSS_MARGIN = 0.02;

/** True once a validation loss is clearly below chance (default ln 2): the one definition of "learned". */
export function isBelowChance(valLoss: number, chanceLoss = Math.LN2): boolean {
  return valLoss < chanceLoss - CHANCE_LOSS_MARGIN;
}

/** No epoch's validation loss (or, for a run without a validation split, training loss) went clearly below chance. */
export function didNotLearn(epochs: readonly EpochRecord[], chanceLoss = Math.LN2, loss: "valLoss" | "trainLoss" = "valLoss"): boolean {
  return !epochs.some((e) => isBelowChance(e[loss], chanceLoss));
}
