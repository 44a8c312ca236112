import { describe, expect, it } from "vitest";
import { expectedBestCurve } from "./expected-best.js";
import { selectTrial, type TrialOutcome } from "./select.js";
import { TuneSchema, tuneProblems } from "./space.js";
import { gridSize, tuningTrials } from "./trials.js";

describe("tuningTrials", () => {
  const space = { "model.normalize": ["none", "zscore", "diff"], "train.patienceFrom": ["start", "learning"] };

  it("is the whole grid, last key fastest, when it fits the budget", () => {
    expect(gridSize(space)).toBe(6);
    expect(tuningTrials({ space, budget: 6 })).toEqual([
      { "model.normalize": "none", "train.patienceFrom": "start" },
      { "model.normalize": "none", "train.patienceFrom": "learning" },
      { "model.normalize": "zscore", "train.patienceFrom": "start" },
      { "model.normalize": "zscore", "train.patienceFrom": "learning" },
      { "model.normalize": "diff", "train.patienceFrom": "start" },
      { "model.normalize": "diff", "train.patienceFrom": "learning" },
    ]);
  });

  it("samples the grid without replacement past the budget, the same trials every time", () => {
    const trials = tuningTrials({ space, budget: 4 });
    expect(trials).toHaveLength(4);
    expect(new Set(trials.map((t) => JSON.stringify(t))).size).toBe(4);
    expect(tuningTrials({ space, budget: 4 })).toEqual(trials);
    const grid = tuningTrials({ space, budget: 6 }).map((t) => JSON.stringify(t));
    for (const t of trials) expect(grid).toContain(JSON.stringify(t));
  });

  it("draws log ranges log-uniformly inside their bounds, reproducibly", () => {
    const tune = { space: { "train.lr": { log: [1e-4, 1e-2] as [number, number] } }, budget: 200 };
    const lrs = tuningTrials(tune).map((t) => t["train.lr"] as number);
    expect(lrs.every((lr) => lr >= 1e-4 && lr <= 1e-2)).toBe(true);
    // Log-uniform: about half of the draws below the geometric middle, 1e-3 (binomial sd ≈ 7 of 200).
    expect(Math.abs(lrs.filter((lr) => lr < 1e-3).length - 100)).toBeLessThan(30);
    expect(tuningTrials(tune)).toEqual(tuningTrials(tune));
  });
});

describe("selectTrial", () => {
  const trials = [{ a: 1 }, { a: 2 }, { a: 3 }];
  const outcome = (trial: number, seed: number, loss: number, f1: number): TrialOutcome => ({
    trial,
    seed,
    validation: { loss, f1, rocAuc: f1 },
  });
  const outcomes = [
    outcome(0, 10, 0.5, 0.7),
    outcome(0, 11, 0.3, 0.9),
    outcome(1, 10, 0.35, 0.8),
    outcome(1, 11, 0.35, 0.85),
    outcome(2, 10, 0.6, 0.6),
  ];

  it("takes the best mean validation score over the tuning seeds", () => {
    expect(selectTrial(trials, outcomes, "val_loss")).toMatchObject({ trial: 1, score: 0.35 });
    expect(selectTrial(trials, outcomes, "val_f1")?.trial).toBe(1);
    expect(selectTrial(trials, outcomes, "val_loss")?.scores).toEqual([0.4, 0.35, 0.6]);
  });

  it("breaks a tie for the trial listed first, whatever order the runs finished in", () => {
    const tied = [outcome(2, 10, 0.2, 0.9), outcome(1, 10, 0.2, 0.9)];
    expect(selectTrial(trials, tied, "val_loss")?.trial).toBe(1);
    expect(selectTrial(trials, [...tied].reverse(), "val_loss")?.trial).toBe(1);
  });

  it("sees validation only: runs whose test metrics are scrambled give the same choices", () => {
    // Stored runs as the store gives them, test metrics beside validation ones; selection reads validation.
    const runs = outcomes.map((o, i) => ({ ...o, test: { f1: i / 10, loss: 1 - i / 10 } }));
    const scrambled = runs.map((r, i) => ({ ...r, test: runs[(i + 2) % runs.length]!.test }));
    for (const metric of ["val_loss", "val_f1", "val_roc_auc"] as const)
      expect(selectTrial(trials, scrambled, metric)).toEqual(selectTrial(trials, runs, metric));
  });

  it("skips trials without a score and returns null when none has one", () => {
    const missing: TrialOutcome[] = [{ trial: 0, seed: 1, validation: { loss: null, f1: null, rocAuc: null } }];
    expect(selectTrial(trials, missing, "val_loss")).toBeNull();
  });
});

describe("expectedBestCurve (Dodge et al. 2019)", () => {
  it("matches a hand-computed case", () => {
    // Scores 0.2, 0.5, 0.9: n = 1 is their mean; n = 2 weighs them 1/9, 3/9, 5/9; n = 3 weighs them 1/27, 7/27, 19/27.
    const curve = expectedBestCurve([0.5, 0.9, 0.2], true);
    expect(curve[0]).toBeCloseTo(1.6 / 3, 12);
    expect(curve[1]).toBeCloseTo(6.2 / 9, 12);
    expect(curve[2]).toBeCloseTo(20.8 / 27, 12);
  });

  it("takes the lowest for a loss, and never falls as the budget grows", () => {
    const curve = expectedBestCurve([0.9, 0.5, 0.2], false);
    expect(curve[1]).toBeCloseTo(3.4 / 9, 12);
    for (let i = 1; i < curve.length; i++) expect(curve[i]!).toBeLessThanOrEqual(curve[i - 1]!);
  });
});

describe("the tune: block", () => {
  const parse = (block: unknown) => TuneSchema.parse(block);

  it("defaults to selection on validation loss, tuned at every point", () => {
    expect(parse({ space: { "model.normalize": ["none"] }, budget: 1, seeds: [100] })).toMatchObject({ select: "val_loss", per: "point" });
  });

  it("names each bad value, an empty range and tuning seeds shared with the evaluation seeds", () => {
    const tune = parse({
      space: { "model.normalize": ["none", "softmax"], "train.lr": { log: [1e-2, 1e-4] }, "model.colour": ["red"] },
      budget: 3,
      seeds: [1, 100],
    });
    expect(tuneProblems(tune, [1, 2, 3])).toEqual([
      { path: "space.model.normalize[1]", expected: "a valid model.normalize", found: '"softmax"' },
      { path: "space.train.lr", expected: "[low, high] with low < high", found: "[0.01,0.0001]" },
      { path: "space.model.colour", expected: "a model part or train setting", found: '"model.colour"' },
      { path: "seeds", expected: "tuning seeds disjoint from the evaluation seeds", found: "1 in both" },
    ]);
  });

  it("refuses keys outside model.* and train.*, a budget below 1 and unknown keys", () => {
    expect(TuneSchema.safeParse({ space: { "data.noise": [0] }, budget: 1, seeds: [1] }).success).toBe(false);
    expect(TuneSchema.safeParse({ space: { "train.lr": [0.001] }, budget: 0, seeds: [1] }).success).toBe(false);
    expect(TuneSchema.safeParse({ space: { "train.lr": [0.001] }, budget: 1, seeds: [1], trials: 3 }).success).toBe(false);
  });
});
