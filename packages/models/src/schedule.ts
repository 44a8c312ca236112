import type { TrainConfig } from "./config.js";

/**
 * The learning rate of optimizer step `step` (0-based, counted over the whole run): a linear warm-up
 * over `warmupEpochs`, then constant or a half cosine that reaches 0 at the last step of `epochs`.
 * Without either key it is `lr` throughout (the reference).
 */
export function learningRateAt(config: TrainConfig, step: number, batchesPerEpoch: number): number {
  const warmupSteps = (config.warmupEpochs ?? 0) * batchesPerEpoch;
  if (step < warmupSteps) return (config.lr * (step + 1)) / warmupSteps;
  if (config.lrSchedule !== "cosine") return config.lr;
  const decaySteps = config.epochs * batchesPerEpoch - warmupSteps;
  if (decaySteps <= 0) return config.lr;
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return config.lr * 0.5 * (1 + Math.cos(Math.PI * progress));
}
