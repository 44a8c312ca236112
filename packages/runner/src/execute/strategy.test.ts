import type { RunOutcome, RunState } from "@tsa/tracker";
import { describe, expect, it } from "vitest";
import { parseExperiment } from "../experiment/load.js";
import { expandTrials, isTuned } from "../experiment/tuned.js";
import { wantedRuns, type Stored } from "./strategy.js";

const FILE = `
name: tuned
data: { size: 100, numPoints: 32 }
models: [ffn]
seeds: [1, 2]
tune:
  space: { model.normalize: [none, zscore, diff] }
  budget: 3
  seeds: [100]
`;

function experiment() {
  const e = parseExperiment(FILE, "tuned.yaml");
  if (!isTuned(e)) throw new Error("not tuned");
  return e;
}

/** A stored run as the strategy reads it (`Store.runOutcomes`): id, model, point, status, tuning record and validation metrics. */
const stored = (id: string, valLoss: number | null, config: Record<string, unknown> = {}): RunOutcome => ({
  id,
  model: "ffn",
  seed: 0,
  point: {},
  status: "completed",
  config,
  val: valLoss === null ? null : { logLoss: valLoss, f1: 0, rocAuc: 0 },
  test: null,
});

function store(runs: RunOutcome[], states: Record<string, RunState["status"]>): Stored {
  return {
    states: new Map(Object.entries(states).map(([id, status]) => [id, { status } as RunState])),
    runs: async () => runs.map((r) => ({ ...r, status: states[r.id] ?? r.status })),
  };
}

describe("wantedRuns for a tuned file", () => {
  const e = experiment();
  const trials = expandTrials(e);
  const settled = Object.fromEntries(trials.map((p) => [p.id, "completed" as const]));

  it("wants the trials until they have settled, then the choice on the evaluation seeds", async () => {
    expect((await wantedRuns(e, store([], {}))).plans).toEqual(trials);
    const runs = trials.map((p, i) => stored(p.id, [0.5, 0.2, 0.4][i]!));
    const wanted = await wantedRuns(e, store(runs, settled));
    const evaluations = wanted.plans.filter((p) => p.tuning?.role === "evaluation");
    expect(evaluations.map((p) => [p.seed, p.spec.normalize])).toEqual([
      [1, "zscore"],
      [2, "zscore"],
    ]);
    expect(wanted.choices).toEqual([{ model: "ffn", point: {}, choice: { "model.normalize": "zscore" }, score: 0.2 }]);
  });

  it("keeps a choice its evaluation runs recorded, though a retried trial now scores better", async () => {
    // The first sweep chose trial 2 (diff) while trial 1 had failed; trial 1 was retried and is now the best.
    const recorded = {
      tuning: {
        role: "evaluation",
        trial: 2,
        choice: { "model.normalize": "diff" },
        select: "val_loss",
        score: 0.4,
        scores: [0.5, null, 0.4],
        budget: 3,
      },
    };
    const runs = [...trials.map((p, i) => stored(p.id, [0.5, 0.2, 0.4][i]!)), stored("earlier-evaluation", 0.3, recorded)];
    const wanted = await wantedRuns(e, store(runs, settled));
    const evaluations = wanted.plans.filter((p) => p.tuning?.role === "evaluation");
    expect(evaluations.map((p) => p.spec.normalize)).toEqual(["diff", "diff"]);
    expect(evaluations[0]!.tuning).toMatchObject({ trial: 2, score: 0.4, scores: [0.5, null, 0.4] });
  });

  it("ignores a recorded choice of an edited space (the trial index names another configuration)", async () => {
    const edited = {
      tuning: { role: "evaluation", trial: 2, choice: { "model.normalize": "max" }, select: "val_loss", score: 0.1, scores: [], budget: 3 },
    };
    const runs = [...trials.map((p, i) => stored(p.id, [0.5, 0.2, 0.4][i]!)), stored("old", 0.3, edited)];
    const evaluations = (await wantedRuns(e, store(runs, settled))).plans.filter((p) => p.tuning?.role === "evaluation");
    expect(evaluations.map((p) => p.spec.normalize)).toEqual(["zscore", "zscore"]);
  });
});
