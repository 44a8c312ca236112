import type { EpochRecord } from "./types.js";

/**
 * A validation loss that never went below this stayed at chance: ln 2 is the cross-entropy of always
 * answering ½ on balanced classes; 0.02 below it is the least progress we call learning.
 */
export const CHANCE_LOSS_MARGIN = 0.02;

/** True once a validation loss is clearly below chance: the one definition of "learned". */
export function isBelowChance(valLoss: number): boolean {
  return valLoss < Math.LN2 - CHANCE_LOSS_MARGIN;
}

export function didNotLearn(epochs: readonly EpochRecord[]): boolean {
  return !epochs.some((e) => isBelowChance(e.valLoss));
}
