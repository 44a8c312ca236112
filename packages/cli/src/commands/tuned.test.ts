// The query commands on a tuned experiment's runs, as the runner stores them (config.tuning), built by hand:
// 2 models, no sweep, 2 trials (normalize none / zscore) on tuning seed 100, the chosen one on seeds 1 and 2.
import { METRIC_CATALOGUE, type ExperimentResults, type MetricsRow, type RunResult } from "@tsa/tracker";
import { describe, expect, it } from "vitest";
import { formatRows } from "../format/output.js";
import { summaryTable } from "../summary.js";
import { exportRecord } from "./export.js";
import { RUN_COLUMNS, runColumns } from "./runs.js";
import { showRunJson, showRunText } from "./show.js";
import { renderTables } from "./table.js";

const metrics = (score: number): MetricsRow =>
  ({
    ...Object.fromEntries(METRIC_CATALOGUE.map((m) => [m.field, m.nullable ? null : score])),
    n: 10,
    tp: 4,
    fp: 1,
    tn: 4,
    fn: 1,
  }) as unknown as MetricsRow;

const TRIALS = [{ "model.normalize": "none" }, { "model.normalize": "zscore" }];
/** Validation loss of each model's trials: ffn does best with zscore, attention with none. */
const LOSS: Record<string, number[]> = { ffn: [0.5, 0.3], "bilstm-attention": [0.2, 0.4] };
const chosen = (model: string) => (LOSS[model]![0]! < LOSS[model]![1]! ? 0 : 1);

function run(model: string, seed: number, tuning: Record<string, unknown>, testF1: number, valLoss: number): RunResult {
  return {
    id: `${model}-${seed}-${String(tuning.role)}-${String(tuning.trial)}`,
    experiment: "tuned",
    model,
    seed,
    point: {},
    status: "completed",
    error: null,
    failedEpoch: null,
    config: { data: { size: 100 }, train: { lr: 0.001 }, parts: { normalize: TRIALS[tuning.trial as number]!["model.normalize"] }, tuning },
    backend: "wasm",
    kernels: "native",
    gitCommit: "0123456789abcdef",
    versions: { node: "v20" },
    startedAt: "2026-12-06T06:00:00Z",
    finishedAt: "2026-12-06T06:00:05Z",
    durationMs: 5000,
    trainDurationMs: 4000,
    epochsRun: 3,
    bestEpoch: 3,
    stoppedEarly: false,
    didNotLearn: false,
    test: metrics(testF1),
    val: { ...metrics(0.8), logLoss: valLoss },
    epochs: [],
    attention: [],
  };
}

function tunedResults(): ExperimentResults {
  const models = Object.keys(LOSS);
  const trials = models.flatMap((model) =>
    TRIALS.map((choice, trial) => run(model, 100, { role: "trial", trial, choice }, 0.01, LOSS[model]![trial]!)),
  );
  const evaluations = models.flatMap((model) =>
    [1, 2].map((seed) => {
      const trial = chosen(model);
      const tuning = {
        role: "evaluation",
        trial,
        choice: TRIALS[trial],
        select: "val_loss",
        score: LOSS[model]![trial],
        scores: LOSS[model],
        budget: 2,
      };
      return run(model, seed, tuning, model === "ffn" ? 0.7 + seed / 100 : 0.9 + seed / 100, 0.25);
    }),
  );
  const tune = { space: { "model.normalize": ["none", "zscore"] }, budget: 2, select: "val_loss", seeds: [100], per: "point" };
  return {
    experiment: {
      name: "tuned",
      description: "",
      file: "experiments/tuned.yaml",
      createdAt: "2026-12-06T06:00:00Z",
      spec: { name: "tuned", seeds: [1, 2], tune },
    },
    runs: [...trials, ...evaluations],
  };
}

describe("the query commands on a tuned experiment", () => {
  const results = tunedResults();
  const [trial, , , , evaluation] = results.runs;

  it("table: the verdict's tables count the evaluation runs only, then the chosen configurations and the trial grid", () => {
    const text = renderTables(results, { metrics: ["f1"], format: "md", markSignificant: false, paper: false });
    // The trial runs' test F1 of 0.01 is in no mean: ffn's is that of seeds 1 and 2 (0.71, 0.72).
    expect(text).toContain("| ffn | <ins>0.7150 ± 0.0071</ins> |");
    expect(text).toContain("| bilstm-attention | **0.9150 ± 0.0071** |");
    expect(text).toContain("**tuned: the configuration chosen for each model (validation loss in brackets)**");
    expect(text).toContain("| the whole experiment | normalize=zscore (0.3000) | normalize=none (0.2000) |");
    expect(text).toContain("| 0: normalize=none | 0.5000 | **0.2000** |");
    expect(text).toContain("| *expected best of 2* | 0.3500 | 0.2500 |");
    const csv = renderTables(results, { metrics: ["f1"], format: "csv", markSignificant: false, paper: false });
    expect(csv.split("\n").filter((l) => l.startsWith("table,"))).toHaveLength(1);
    expect(csv).toContain("tuned: mean validation loss of every trial,1: normalize=zscore,ffn,0.3,,1,,,0.3000");
    expect(renderTables(results, { metrics: ["f1"], format: "latex", markSignificant: false, paper: false })).toContain(
      "\\caption{tuned: the configuration chosen for each model (validation loss in brackets)}",
    );
  });

  it("runs: a role column after the seed (trial t, chosen t; trial and evaluation as data), none for an untuned experiment", () => {
    const columns = runColumns(results.runs);
    expect(columns.map((c) => c.header).slice(3, 7)).toEqual(["point", "seed", "role", "trial"]);
    const table = formatRows([trial!, evaluation!], columns, "table");
    expect(table).toMatch(/seed +role +status/);
    expect(table).toMatch(/100 +trial 0 +completed/);
    expect(table).toMatch(/1 +chosen 1 +completed/);
    expect(formatRows([evaluation!], columns, "jsonl")).toContain('"role":"evaluation","trial":1,');
    const untuned = { ...trial!, config: { data: { size: 100 } } };
    expect(runColumns([untuned])).toBe(RUN_COLUMNS);
  });

  it("show: the trial, or the chosen trial with its validation score and the number of trials", () => {
    expect(showRunText(trial!)).toContain("\ntuning trial 0 on a tuning seed: normalize=none\n");
    expect(showRunText(evaluation!)).toContain(
      "\ntuning chosen trial 1 on an evaluation seed: normalize=zscore\nchosen on validation loss 0.3000 (the best of 2 trials; budget 2)\n",
    );
    const partly = { ...evaluation!, config: { tuning: { ...(evaluation!.config as { tuning: object }).tuning, scores: [null, 0.3] } } };
    expect(showRunText(partly)).toContain("(the best of 2 trials, 1 scored; budget 2)");
    expect(showRunJson(evaluation!).tuning).toEqual({
      role: "evaluation",
      trial: 1,
      choice: { "model.normalize": "zscore" },
      select: "val_loss",
      score: 0.3,
      scores: [0.5, 0.3],
      budget: 2,
    });
    expect(showRunJson({ ...trial!, config: {} })).not.toHaveProperty("tuning");
  });

  it("export: role and trial for every run, and how an evaluation run's trial was chosen; nothing new for an untuned run", () => {
    expect(exportRecord(trial!)).toMatchObject({ role: "trial", trial: 0, "model.normalize": "none" });
    expect(exportRecord(trial!)).not.toHaveProperty("selected_on");
    expect(exportRecord(evaluation!)).toMatchObject({
      role: "evaluation",
      trial: 1,
      selected_on: "val_loss",
      selection_score: 0.3,
      budget: 2,
    });
    const untuned = exportRecord({ ...trial!, config: { data: { size: 100 } } });
    expect(Object.keys(untuned).slice(0, 8)).toEqual([
      "id",
      "experiment",
      "model",
      "seed",
      "status",
      "did_not_learn",
      "error",
      "data.size",
    ]);
  });

  it("the end-of-sweep summary counts the verdict's runs: 2 of 2 evaluation runs a model, not of the 4 with its trials", () => {
    const lines = summaryTable(results).split("\n");
    expect(lines[2]).toMatch(/^all runs +ffn +2\/2 +0\.7150 /);
    expect(lines[3]).toMatch(/^all runs +bilstm-attention +2\/2 +0\.9150 /);
  });
});
