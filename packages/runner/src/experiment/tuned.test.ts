import type { DataConfig } from "@tsa/data";
import { describe, expect, it } from "vitest";
import { chooseConfigurations, type FinishedTrial } from "../tune/choose.js";
import { expandRuns, resolvedConfig } from "./expand.js";
import { parseExperiment } from "./load.js";
import { expandEvaluations, expandTrials, isTuned, plannedRunCount, possibleRuns, selectionKey, trialsOf } from "./tuned.js";

const FILE = `
name: tuned
data: { size: 100, numPoints: 32 }
sweep:
  data.noise: [0, 0.2]
models: [ffn, cnn]
seeds: [1, 2]
tune:
  space:
    model.normalize: [none, diff]
    train.lr: [0.001, 0.01]
  budget: 4
  seeds: [100, 101]
`;

function tuned(text = FILE) {
  const experiment = parseExperiment(text, "tuned.yaml");
  if (!isTuned(experiment)) throw new Error("not tuned");
  return experiment;
}

/** A finished trial as the store gives it back: validation and test metrics side by side. */
const finished = (id: string, valLoss: number, testF1: number) => ({
  id,
  val: { logLoss: valLoss, f1: 1 - valLoss, rocAuc: 1 - valLoss },
  test: { logLoss: 1 - testF1, f1: testF1, rocAuc: testF1 },
});

describe("a tuned experiment's runs", () => {
  const experiment = tuned();
  const trials = expandTrials(experiment);

  it("tries every configuration for every model at every point on every tuning seed", () => {
    expect(trials).toHaveLength(2 * 2 * 4 * 2);
    expect(plannedRunCount(experiment)).toEqual({ trials: 32, evaluations: 8 });
    expect(new Set(trials.map((p) => p.id)).size).toBe(trials.length);
    expect(new Set(trials.map((p) => p.seed))).toEqual(new Set([100, 101]));
  });

  it("applies a trial's model and train values, keeps the sweep's point, and records the role", () => {
    const plan = trials.find((p) => p.model === "cnn" && p.point["data.noise"] === 0.2 && p.tuning?.trial === 3)!;
    expect(plan.tuning).toEqual({ role: "trial", trial: 3, choice: { "model.normalize": "diff", "train.lr": 0.01 } });
    expect(plan.spec.normalize).toBe("diff");
    expect(plan.train.lr).toBe(0.01);
    expect((plan.data as DataConfig).noise).toBe(0.2);
    expect(plan.point).toEqual({ "data.noise": 0.2 });
    expect(resolvedConfig(plan)).toMatchObject({ role: "trial", tuning: plan.tuning });
  });

  it("is never the same run as an untuned one: the role is part of the id", () => {
    const untuned = parseExperiment(FILE.replace(/tune:[\s\S]*$/, "").replace("seeds: [1, 2]", "seeds: [1, 2, 100, 101]"), "plain.yaml");
    const plainIds = new Set(expandRuns(untuned).map((p) => p.id));
    expect(trials.filter((p) => plainIds.has(p.id))).toEqual([]);
  });

  it("evaluates each model's chosen configuration on the evaluation seeds, with its scores recorded", () => {
    const choices = new Map([
      [selectionKey(experiment, "ffn", { "data.noise": 0 }), { trial: 1, score: 0.3, scores: [0.4, 0.3, null, 0.5] }],
      [selectionKey(experiment, "cnn", { "data.noise": 0 }), { trial: 2, score: 0.2, scores: [0.4, 0.3, 0.2, 0.5] }],
    ]);
    const evaluations = expandEvaluations(experiment, choices);
    // Models without a choice (here both at noise 0.2) get no evaluation.
    expect(evaluations.map((p) => `${p.model} ${p.seed}`)).toEqual(["ffn 1", "ffn 2", "cnn 1", "cnn 2"]);
    const ffn = evaluations[0]!;
    expect(ffn.spec.normalize).toBe("none");
    expect(ffn.train.lr).toBe(0.01);
    expect(ffn.tuning).toEqual({
      role: "evaluation",
      trial: 1,
      choice: { "model.normalize": "none", "train.lr": 0.01 },
      select: "val_loss",
      score: 0.3,
      scores: [0.4, 0.3, null, 0.5],
      budget: 4,
    });
  });

  it("lists every run a worker may be asked to train, whatever is chosen", () => {
    const possible = new Set(possibleRuns(experiment).map((p) => p.id));
    for (let trial = 0; trial < 4; trial++) {
      const keys = ["ffn", "cnn"].flatMap((model) => [0, 0.2].map((noise) => selectionKey(experiment, model, { "data.noise": noise })));
      const choices = new Map(keys.map((key) => [key, { trial, score: 1, scores: [] }]));
      for (const plan of expandEvaluations(experiment, choices)) expect(possible.has(plan.id)).toBe(true);
    }
  });
});

describe("chooseConfigurations", () => {
  const experiment = tuned();
  const plans = expandTrials(experiment);
  const trials = trialsOf(experiment);
  const keyOf = (plan: (typeof plans)[number]) => selectionKey(experiment, plan.model, plan.point);
  // Validation loss falls with the trial index for ffn and rises for cnn; test F1 says the opposite.
  const runs = plans.map((p) =>
    finished(
      p.id,
      p.model === "ffn" ? 0.5 - 0.1 * p.tuning!.trial + 0.01 * (p.seed - 100) : 0.2 + 0.1 * p.tuning!.trial,
      p.tuning!.trial / 4,
    ),
  );

  it("takes each model's best mean validation score at each point", () => {
    const choices = chooseConfigurations(trials, plans, runs, "val_loss", keyOf);
    expect(choices.get(selectionKey(experiment, "ffn", { "data.noise": 0.2 }))).toMatchObject({ trial: 3 });
    expect(choices.get(selectionKey(experiment, "cnn", { "data.noise": 0 }))).toMatchObject({ trial: 0, score: 0.2 });
    expect(choices.get(selectionKey(experiment, "ffn", { "data.noise": 0 }))!.score).toBeCloseTo(0.205, 12);
  });

  it("sees validation only: scrambling every test metric changes no choice", () => {
    const scrambled = runs.map((r, i) => ({ ...r, test: runs[(i * 7 + 3) % runs.length]!.test }));
    const reversed = runs.map((r) => ({ ...r, test: { logLoss: r.test.f1, f1: 1 - r.test.f1, rocAuc: 0 } }));
    const before = chooseConfigurations(trials, plans, runs, "val_loss", keyOf);
    expect(chooseConfigurations(trials, plans, scrambled, "val_loss", keyOf)).toEqual(before);
    expect(chooseConfigurations(trials, plans, reversed, "val_loss", keyOf)).toEqual(before);
  });

  it("counts only this file's trial runs, and none without validation metrics", () => {
    const stray: FinishedTrial = { id: "not-a-trial-id", val: { logLoss: 0, f1: 1, rocAuc: 1 } };
    const noVal = plans.filter((p) => p.model === "cnn").map((p): FinishedTrial => ({ id: p.id, val: null }));
    const choices = chooseConfigurations(trials, plans, [stray, ...noVal], "val_loss", keyOf);
    expect(choices.size).toBe(0);
  });

  it("pools a model's trials over the points with per: experiment", () => {
    const perExperiment = tuned(FILE.replace("seeds: [100, 101]", "seeds: [100, 101]\n  per: experiment"));
    const pooled = expandTrials(perExperiment);
    const key = (plan: (typeof pooled)[number]) => selectionKey(perExperiment, plan.model, plan.point);
    const byPoint = pooled.map((p) => finished(p.id, p.point["data.noise"] === 0 ? 0.1 * p.tuning!.trial : 0.5 - 0.2 * p.tuning!.trial, 0));
    const choices = chooseConfigurations(trials, pooled, byPoint, "val_loss", key);
    // Means over both points: 0.25, 0.2, 0.15, 0.1 → trial 3, for each model once.
    expect([...choices.keys()].length).toBe(2);
    expect(choices.get(selectionKey(perExperiment, "cnn", {}))).toMatchObject({ trial: 3 });
  });
});
