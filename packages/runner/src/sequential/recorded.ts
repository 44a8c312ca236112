import type { DifferenceSampler } from "./simulate.js";

/** A recorded run as the simulations resample it: where it ran and what it scored on test. */
export interface RecordedRun {
  model: string;
  noise: number;
  f1: number;
  didNotLearn: 0 | 1;
}

/**
 * Null comparisons with the shape of real runs: at each noise level, both members of a pair are drawn (with
 * replacement) from the same pool of recorded runs there, every model and configuration together, so a
 * difference is a "learned" run against one that stayed at chance as often as the runs say. No true
 * difference by construction; the shape (bimodal, ties at 0 and 1) is the recorded one.
 */
export function recordedNullSamplers(runs: readonly RecordedRun[]): DifferenceSampler[] {
  return poolsByNoise(runs).map((pool) => (rng) => draw(pool, rng) - draw(pool, rng));
}

/**
 * Comparisons with a real effect, from the same runs: the treatment drawn from the runs that learned, the
 * control from all runs at that noise level. Its true difference is the difference of the two pools' means.
 */
export function recordedEffectSamplers(runs: readonly RecordedRun[]): { sampler: DifferenceSampler; trueDifference: number }[] {
  return poolsByNoise(runs).flatMap((pool) => {
    const learned = pool.filter((r) => r.didNotLearn === 0);
    if (learned.length === 0 || learned.length === pool.length) return [];
    return [{ sampler: (rng) => draw(learned, rng) - draw(pool, rng), trueDifference: mean(learned) - mean(pool) }];
  });
}

function poolsByNoise(runs: readonly RecordedRun[]): RecordedRun[][] {
  const pools = new Map<number, RecordedRun[]>();
  for (const run of runs) pools.set(run.noise, [...(pools.get(run.noise) ?? []), run]);
  return [...pools.keys()].sort((a, b) => a - b).map((noise) => pools.get(noise)!);
}

const draw = (pool: readonly RecordedRun[], rng: { uniform(): number }) => pool[Math.floor(rng.uniform() * pool.length)]!.f1;
const mean = (pool: readonly RecordedRun[]) => pool.reduce((sum, r) => sum + r.f1, 0) / pool.length;
