// How a variant's runs learn, from their validation-loss curves: when they leave chance, how much the loss
// jumps between epochs once they have, and how low it gets. Issue 11 asked whether our runs stop earlier
// because their validation loss jumps more than PyTorch's; these numbers answer it per variant.
import { isBelowChance } from "@tsa/models";
import { mean } from "@tsa/report";
import { median } from "../scale.js";
import type { SeedResult } from "./results.js";

/** A rise of the validation loss by more than this factor from one epoch to the next counts as a jump. */
export const JUMP_FACTOR = 1.25;

export interface LearningDynamics {
  /** Runs whose validation loss went below chance, of all runs. */
  learned: number;
  runs: number;
  /** Mean over those runs of the first epoch below chance. */
  firstEpochBelowChance: number;
  /** Mean over those runs of the mean |ln(loss_e / loss_e−1)| from that epoch on: how rough the curve is. */
  meanLogStep: number;
  /** Mean over those runs of the share of epochs (from that epoch on) whose loss rose by more than JUMP_FACTOR. */
  jumpShare: number;
  /** Median of every run's lowest validation loss (the weights that are tested). */
  bestLoss: number;
}

export function learningDynamics(runs: readonly SeedResult[]): LearningDynamics {
  const phases = runs.flatMap((r) => {
    const start = r.valLoss.findIndex((loss) => isBelowChance(loss));
    return start < 0 ? [] : [{ start, steps: logSteps(r.valLoss.slice(start)) }];
  });
  const withSteps = phases.filter((p) => p.steps.length > 0);
  return {
    learned: phases.length,
    runs: runs.length,
    firstEpochBelowChance: mean(phases.map((p) => p.start + 1)),
    meanLogStep: mean(withSteps.map((p) => mean(p.steps.map(Math.abs)))),
    jumpShare: mean(withSteps.map((p) => p.steps.filter((s) => s > Math.log(JUMP_FACTOR)).length / p.steps.length)),
    bestLoss: runs.length === 0 ? Number.NaN : median(runs.map((r) => Math.min(...r.valLoss))),
  };
}

const logSteps = (losses: readonly number[]) => losses.slice(1).map((loss, i) => Math.log(loss / losses[i]!));
