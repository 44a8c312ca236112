// The query commands on a tuned experiment's runs as the runner stores them (config.tuning): the report's own
// fixture (`tunedResults`, @tsa/report/testing): 4 models at 2 lengths, 6 trials (normalize × patienceFrom) on
// tuning seeds 100 and 101, each model's choice on seeds 1–3. A trial's validation loss is 0.6 + 0.01 × trial,
// 0.2 for the winner (ffn: trial 2, normalize=zscore, patienceFrom=start), its test F1 0.05; ffn's trial 4
// failed at length 0.3–0.5. Evaluation runs score ffn 0.6, cnn 0.8, bilstm 0.7, attention 0.9 / 0.8 (± 0.01).
import { tunedResults } from "@tsa/report/testing";
import { describe, expect, it } from "vitest";
import { formatRows } from "../format/output.js";
import { summaryTable } from "../summary.js";
import { exportRecord } from "./export.js";
import { RUN_COLUMNS, runColumns } from "./runs.js";
import { showRunJson, showRunText } from "./show.js";
import { renderTables } from "./table.js";

const role = (run: { config: unknown }) => (run.config as { tuning: { role: string } }).tuning.role;
const atLong = (run: { point: Record<string, unknown> }) => String(run.point["data.length"]) === "0.3,0.5";

describe("the query commands on a tuned experiment", () => {
  const results = tunedResults();
  // ffn's trial 0 on tuning seed 100 at length 0.02–0.05; ffn's chosen trial on seed 1 there, and at 0.3–0.5.
  const trial = results.runs[0]!;
  const evaluation = results.runs.find((r) => role(r) === "evaluation" && r.model === "ffn" && !atLong(r))!;
  const partly = results.runs.find((r) => role(r) === "evaluation" && r.model === "ffn" && atLong(r))!;

  it("table: the verdict's tables count the evaluation runs only, then the chosen configurations and the trial grid", () => {
    const text = renderTables(results, { metrics: ["f1"], format: "md", markSignificant: false, paper: false });
    // The trial runs' test F1 of 0.05 is in no mean: each is that of seeds 1–3.
    expect(text).toContain("| 0.02–0.05 | 0.6000 ± 0.0100 | <ins>0.8000 ± 0.0100</ins> | 0.7000 ± 0.0100 | **0.9000 ± 0.0100** |");
    expect(text).toContain("**demo: the configuration chosen for each model (validation loss in brackets)**");
    expect(text).toContain(
      "| 0.3–0.5 | normalize=zscore, patienceFrom=start (0.2000) | normalize=none, patienceFrom=start (0.2000) | normalize=zscore, patienceFrom=learning (0.2000) | normalize=diff, patienceFrom=learning (0.2000) |",
    );
    expect(text).toContain("| 2: normalize=zscore, patienceFrom=start | **0.2000** | 0.6200 | 0.6200 | 0.6200 |");
    // ffn's failed trial 4 has no score at 0.3–0.5, so neither has the expected best of all 6 there.
    expect(text).toContain("| 4: normalize=diff, patienceFrom=start | – | 0.6400 | 0.6400 | 0.6400 |");
    expect(text).toContain("| *expected best of 6* | – | 0.3384 | 0.3350 | 0.3350 |");
    const csv = renderTables(results, { metrics: ["f1"], format: "csv", markSignificant: false, paper: false });
    expect(csv).toContain(
      'demo: the configuration chosen for each model (validation loss in brackets),0.02–0.05,ffn,0.2,,2,,,"normalize=zscore, patienceFrom=start (0.2000)"',
    );
    expect(renderTables(results, { metrics: ["f1"], format: "latex", markSignificant: false, paper: false })).toContain(
      "\\caption{demo: the configuration chosen for each model (validation loss in brackets)}",
    );
  });

  it("runs: a role column after the seed (trial t, chosen t; trial and evaluation as data), none for an untuned experiment", () => {
    const columns = runColumns(results.runs);
    expect(columns.map((c) => c.header).slice(3, 7)).toEqual(["point", "seed", "role", "trial"]);
    const table = formatRows([trial, evaluation], columns, "table");
    expect(table).toMatch(/seed +role +status/);
    expect(table).toMatch(/100 +trial 0 +completed/);
    expect(table).toMatch(/1 +chosen 2 +completed/);
    expect(formatRows([evaluation], columns, "jsonl")).toContain('"role":"evaluation","trial":2,');
    const untuned = { ...trial, config: { data: { size: 100 } } };
    expect(runColumns([untuned])).toBe(RUN_COLUMNS);
  });

  it("show: the trial, or the chosen trial with its validation score and the number of trials", () => {
    expect(showRunText(trial)).toContain("\ntuning trial 0 on a tuning seed: normalize=none, patienceFrom=start\n");
    expect(showRunText(evaluation)).toContain(
      "\ntuning chosen trial 2 on an evaluation seed: normalize=zscore, patienceFrom=start\nchosen on validation loss 0.2000 (the best of 6 trials; budget 6)\n",
    );
    expect(showRunText(partly)).toContain("(the best of 6 trials, 5 scored; budget 6)");
    expect(showRunJson(evaluation).tuning).toEqual({
      role: "evaluation",
      trial: 2,
      choice: { "model.normalize": "zscore", "train.patienceFrom": "start" },
      select: "val_loss",
      score: 0.2,
      scores: [0.6, 0.61, 0.2, 0.63, 0.64, 0.65],
      budget: 6,
    });
    expect(showRunJson({ ...trial, config: {} })).not.toHaveProperty("tuning");
  });

  it("export: role and trial for every run, and how an evaluation run's trial was chosen; nothing new for an untuned run", () => {
    expect(exportRecord(trial)).toMatchObject({ role: "trial", trial: 0 });
    expect(exportRecord(trial)).not.toHaveProperty("selected_on");
    expect(exportRecord(evaluation)).toMatchObject({
      role: "evaluation",
      trial: 2,
      selected_on: "val_loss",
      selection_score: 0.2,
      budget: 6,
    });
    const untuned = exportRecord({ ...trial, config: { data: { size: 100 } } });
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

  it("the end-of-sweep summary counts the verdict's runs: 3 of 3 evaluation runs a model and point, not of the 15 with its trials", () => {
    const lines = summaryTable(results).split("\n");
    expect(lines[2]).toMatch(/^0\.02–0\.05 +ffn +3\/3 +0\.6000 +0\.0100 +3\/3$/);
    expect(lines[9]).toMatch(/^0\.3–0\.5 +bilstm-attention +3\/3 +0\.8000 +0\.0100 +3\/3$/);
  });
});
