import { describe, expect, it } from "vitest";
import { learningDynamics } from "./dynamics.js";
import type { SeedResult } from "./results.js";

const run = (seed: number, valLoss: number[]): SeedResult => ({
  variant: "tsa",
  seed,
  testF1: 0.9,
  testRocAuc: 0.9,
  testAccuracy: 0.9,
  epochsRun: valLoss.length,
  bestEpoch: 1,
  seconds: 1,
  valLoss,
});

describe("learningDynamics", () => {
  it("measures each curve from its first epoch below chance: the steps between epochs, the jumps, the best loss", () => {
    // Below chance (ln 2 − 0.02 ≈ 0.673) from epoch 3; then × 0.5, × 1.6 (a jump), × 0.5.
    const d = learningDynamics([run(0, [0.69, 0.7, 0.5, 0.25, 0.4, 0.2])]);
    expect(d).toMatchObject({ learned: 1, runs: 1, firstEpochBelowChance: 3 });
    expect(d.meanLogStep).toBeCloseTo((2 * Math.log(2) + Math.log(1.6)) / 3, 12);
    expect(d.jumpShare).toBeCloseTo(1 / 3, 12);
    expect(d.bestLoss).toBe(0.2);
  });

  it("leaves a run that never learned out of the curve's numbers but not out of the count or the best loss", () => {
    const d = learningDynamics([run(0, [0.6, 0.3]), run(1, [0.69, 0.694, 0.68]), run(2, [0.68, 0.5])]);
    expect(d).toMatchObject({ learned: 2, runs: 3, firstEpochBelowChance: 1.5 });
    // Run 2 learned at its last epoch: no step after it, so only run 0's step (× 0.5) is in the means.
    expect(d.meanLogStep).toBeCloseTo(Math.log(2), 12);
    expect(d.jumpShare).toBe(0);
    expect(d.bestLoss).toBe(0.5);
  });

  it("has no numbers for a variant where nothing learned", () => {
    const d = learningDynamics([run(0, [0.69, 0.7])]);
    expect(d.learned).toBe(0);
    expect(d.firstEpochBelowChance).toBeNaN();
    expect(d.meanLogStep).toBeNaN();
  });
});
