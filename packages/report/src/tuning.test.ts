import { UserInputError } from "@tsa/errors";
import type { ExperimentResults } from "@tsa/tracker";
import { describe, expect, it } from "vitest";
import { experimentHeadline } from "./ablation.js";
import { attentionAdvantage, criticalDifference, summarize } from "./analysis.js";
import { sweepResults, tunedResults } from "./fixture.test-support.js";
import { tuningRecord } from "./run-tuning.js";
import { buildMetricTable, buildPaperTable, toCsv, toMarkdown } from "./tables.js";
import { buildTuningTables } from "./tuning-tables.js";
import { tuningClause, tuningSummaryOf } from "./tuning.js";
import { readExperiment, viewOf } from "./view.js";

/** The tuned fixture's evaluation runs alone, as an experiment without `tune:`. */
function evaluationsAlone(results: ExperimentResults): ExperimentResults {
  const { tune: _tune, ...spec } = results.experiment.spec as Record<string, unknown>;
  return {
    experiment: { ...results.experiment, spec },
    runs: results.runs.filter((r) => tuningRecord(r)?.role === "evaluation"),
  };
}

describe("a tuned experiment's verdict counts its evaluation runs only", () => {
  const tuned = tunedResults();
  const alone = evaluationsAlone(tuned);

  it("gives the same summaries, comparisons, rankings and tables as the evaluation runs alone", () => {
    expect(tuned.runs.length).toBe(24 + 4 * 2 * 6 * 2);
    for (const view of [{}, { learnedOnly: true }]) {
      expect(summarize(tuned, "f1", view)).toEqual(summarize(alone, "f1", view));
      expect(attentionAdvantage(tuned, "f1", view)).toEqual(attentionAdvantage(alone, "f1", view));
      expect(criticalDifference(tuned, "f1", view)).toEqual(criticalDifference(alone, "f1", view));
      expect(buildMetricTable(tuned, { metrics: ["f1", "logLoss"], ...view })).toEqual(
        buildMetricTable(alone, { metrics: ["f1", "logLoss"], ...view }),
      );
      expect(buildPaperTable(tuned, 4, view)).toEqual(buildPaperTable(alone, 4, view));
    }
    // The trial runs' test F1 of 0.05 would drag every mean down: none shows.
    expect(summarize(tuned, "f1").every((c) => c.n === 3 && c.mean > 0.5)).toBe(true);
  });

  it("keeps today's verdict and names each model's chosen configuration, per point where it differs", () => {
    const verdict = experimentHeadline(alone);
    expect(verdict).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline at length 0.02–0.05; no clear difference at length 0.3–0.5 (test F1 of every completed run, paired t over 3 seeds, Holm-corrected over 2 points, α = 0.05).",
    );
    expect(experimentHeadline(tuned)).toBe(
      verdict.replace(
        /\.$/,
        ", with every model at its best (chosen on validation loss from 6 trials at each sweep point: ffn normalize=zscore, patienceFrom=start; " +
          "cnn normalize=none, patienceFrom=start; bilstm normalize=diff, patienceFrom=learning at length 0.02–0.05, but normalize=zscore, patienceFrom=learning at 0.3–0.5; " +
          "bilstm-attention normalize=diff, patienceFrom=learning).",
      ),
    );
    expect(experimentHeadline(tunedResults({ per: "experiment" }))).toContain(
      "(chosen on validation loss from 6 trials: ffn normalize=zscore, patienceFrom=start; cnn normalize=none, patienceFrom=start; bilstm normalize=diff, patienceFrom=learning; bilstm-attention",
    );
  });

  it("leaves an experiment without tune: exactly as it was", () => {
    const results = sweepResults();
    const view = viewOf(results);
    expect(view.tuning).toBeNull();
    expect(view.results).toBe(results);
    expect(tuningClause(view)).toBeNull();
    expect(experimentHeadline(results)).not.toContain("at its best");
  });

  it("says nothing of choices while only trials have run", () => {
    const trialsOnly = { ...tuned, runs: tuned.runs.filter((r) => tuningRecord(r)?.role === "trial") };
    expect(tuningClause(viewOf(trialsOnly))).toBeNull();
    expect(experimentHeadline(trialsOnly)).toMatch(/^No comparison yet/);
  });
});

describe("the tuning summary", () => {
  it("has each trial's mean validation score per model and point, its runs, Dodge's curve and the runner's choice", () => {
    const summary = tuningSummaryOf(viewOf(tunedResults()))!;
    expect(summary).toMatchObject({ select: "val_loss", pooled: false, budget: 6, seeds: [100, 101] });
    expect(summary.trials).toHaveLength(6);
    expect(summary.cells.map((c) => [c.point?.label, c.model, c.chosen?.trial])).toEqual([
      ["0.02–0.05", "ffn", 2],
      ["0.02–0.05", "cnn", 0],
      ["0.02–0.05", "bilstm", 5],
      ["0.02–0.05", "bilstm-attention", 5],
      ["0.3–0.5", "ffn", 2],
      ["0.3–0.5", "cnn", 0],
      ["0.3–0.5", "bilstm", 3],
      ["0.3–0.5", "bilstm-attention", 5],
    ]);
    const ffnLate = summary.cells[4]!;
    // Seeds 100 and 101 sit 0.01 above and below each trial's loss: the mean is the trial's.
    expect(ffnLate.scores.map((s) => (s === null ? null : Number(s.toFixed(6))))).toEqual([0.6, 0.61, 0.2, 0.63, null, 0.65]);
    expect(ffnLate.runs).toEqual([2, 2, 2, 2, 0, 2]);
    // The curve runs over the 5 trials with a score: one trial is their mean, five the best of them.
    expect(ffnLate.curve).toHaveLength(5);
    expect(ffnLate.curve[0]).toBeCloseTo((0.6 + 0.61 + 0.2 + 0.63 + 0.65) / 5, 12);
    expect(ffnLate.curve[4]).toBeGreaterThan(0.2);
    expect(ffnLate.curve.every((v, i) => i === 0 || v <= ffnLate.curve[i - 1]!)).toBe(true);
    // The runner's record and the trial runs agree: the grid shows what selection saw.
    expect(ffnLate.chosen!.scores.map((s) => (s === null ? null : Number(s.toFixed(6))))).toEqual([0.6, 0.61, 0.2, 0.63, null, 0.65]);
  });

  it("pools the points when the file tunes once per model (per: experiment)", () => {
    const summary = tuningSummaryOf(viewOf(tunedResults({ per: "experiment" })))!;
    expect(summary.pooled).toBe(true);
    expect(summary.cells.map((c) => [c.point, c.model, c.runs])).toEqual([
      [null, "ffn", [4, 4, 4, 4, 2, 4]],
      [null, "cnn", [4, 4, 4, 4, 4, 4]],
      [null, "bilstm", [4, 4, 4, 4, 4, 4]],
      [null, "bilstm-attention", [4, 4, 4, 4, 4, 4]],
    ]);
  });
});

describe("reading what the runner stored", () => {
  const run = (tuning: unknown) => ({ id: "abc123", config: { data: {}, tuning } });

  it("reads trial and evaluation records, and no record on an untuned run", () => {
    expect(tuningRecord({ id: "x", config: { data: {} } })).toBeNull();
    expect(tuningRecord(run({ role: "trial", trial: 3, choice: { "model.normalize": "zscore" } }))).toEqual({
      role: "trial",
      trial: 3,
      choice: { "model.normalize": "zscore" },
    });
    const evaluation = { role: "evaluation", trial: 1, choice: {}, select: "val_f1", score: 0.9, scores: [0.8, 0.9, null], budget: 3 };
    expect(tuningRecord(run(evaluation))).toEqual(evaluation);
  });

  it.each([
    ["x", 'config.tuning: expected the run\'s tuning record (an object), got "x"'],
    [{ role: "trial", trial: -1, choice: {} }, "config.tuning.trial: expected a trial index (an integer from 0), got -1"],
    [{ role: "judge", trial: 0, choice: {} }, "config.tuning.role: expected 'trial' or 'evaluation', got \"judge\""],
    [
      { role: "evaluation", trial: 0, choice: {}, select: "test_f1", score: 1, scores: [], budget: 1 },
      'config.tuning.select: expected one of val_loss, val_f1, val_roc_auc, got "test_f1"',
    ],
  ])("names the run and key of a malformed record: %j", (tuning, message) => {
    expect(() => tuningRecord(run(tuning))).toThrow(UserInputError);
    expect(() => tuningRecord(run(tuning))).toThrow(`run abc123: ${message}`);
  });

  it("refuses a malformed tune: block in the stored spec, naming the key", () => {
    const experiment = {
      ...sweepResults().experiment,
      spec: { name: "demo", tune: { space: { "model.normalize": ["none"] }, budget: 0, seeds: [9] } },
    };
    expect(() => readExperiment(experiment)).toThrow(
      /experiments\/demo.yaml \(experiment 'demo' as stored\): tune.budget: expected .*, got 0/,
    );
  });
});

describe("the tuning tables", () => {
  it("give the chosen configuration per model and point, and each point's trial grid with the choice in bold and Dodge's curve below", () => {
    const [chosen, ...grids] = buildTuningTables(tunedResults());
    expect(chosen!.rows.map((r) => [r.label, ...r.cells.map((c) => c.text)])).toEqual([
      [
        "0.02–0.05",
        "normalize=zscore, patienceFrom=start (0.2000)",
        "normalize=none, patienceFrom=start (0.2000)",
        "normalize=diff, patienceFrom=learning (0.2000)",
        "normalize=diff, patienceFrom=learning (0.2000)",
      ],
      [
        "0.3–0.5",
        "normalize=zscore, patienceFrom=start (0.2000)",
        "normalize=none, patienceFrom=start (0.2000)",
        "normalize=zscore, patienceFrom=learning (0.2000)",
        "normalize=diff, patienceFrom=learning (0.2000)",
      ],
    ]);
    expect(grids.map((g) => g.title)).toEqual([
      "demo: mean validation loss of every trial at length 0.02–0.05",
      "demo: mean validation loss of every trial at length 0.3–0.5",
    ]);
    const late = grids[1]!;
    expect(late.rows.map((r) => r.label)[4]).toBe("4: normalize=diff, patienceFrom=start");
    // ffn's trial 4 failed there: no score; the bold cells are the runner's choices.
    expect(late.rows[4]!.cells[0]).toMatchObject({ text: "–", mean: null, n: 0 });
    expect(late.rows.map((r) => r.cells.map((c) => c.bold))).toEqual([
      [false, true, false, false],
      [false, false, false, false],
      [true, false, false, false],
      [false, false, true, false],
      [false, false, false, false],
      [false, false, false, true],
    ]);
    // Dodge's curve per model: n = 1 is the mean of the trials with a score; ffn has 5 of them there.
    expect(late.footer.map((f) => f.label)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `expected best of ${n}`));
    expect(late.footer[0]!.values[0]).toBeCloseTo((0.6 + 0.61 + 0.2 + 0.63 + 0.65) / 5, 12);
    expect(late.footer[5]!.cells[0]).toBe("–");
    expect(toMarkdown(late)).toContain("| 2: normalize=zscore, patienceFrom=start | **0.2000** | 0.6200 | 0.6200 | 0.6200 |");
    expect(toCsv(chosen!).split("\n")[1]).toBe(
      'demo: the configuration chosen for each model (validation loss in brackets),0.02–0.05,ffn,0.2,,2,,,"normalize=zscore, patienceFrom=start (0.2000)"',
    );
  });

  it("give one row and one grid, over every point, when the models were tuned once across the sweep", () => {
    const [chosen, ...grids] = buildTuningTables(tunedResults({ per: "experiment" }));
    expect(chosen!.rows.map((r) => r.label)).toEqual(["the whole experiment"]);
    expect(grids.map((g) => g.title)).toEqual(["demo: mean validation loss of every trial"]);
    // Each cell pools the two points' tuning runs: 2 seeds × 2 points.
    expect(grids[0]!.rows[0]!.cells.map((c) => c.n)).toEqual([4, 4, 4, 4]);
  });

  it("say where a choice did not learn on every evaluation seed, and why more tuning seeds would help", () => {
    const results = tunedResults();
    // Attention's choice at the first point learns on seed 1 only: its other evaluation runs stay at chance.
    for (const run of results.runs)
      if (
        tuningRecord(run)?.role === "evaluation" &&
        run.model === "bilstm-attention" &&
        run.point["data.length"]?.toString() === "0.02,0.05"
      )
        run.didNotLearn = run.seed > 1;
    const [chosen] = buildTuningTables(results);
    expect(chosen!.rows[0]!.cells[3]!.text).toBe("normalize=diff, patienceFrom=learning (0.2000), learned in 1/3 evaluation runs");
    expect(chosen!.rows[1]!.cells[3]!.text).toBe("normalize=diff, patienceFrom=learning (0.2000)");
    expect(chosen!.notes.at(-1)).toMatch(
      /^a choice that did not learn in every evaluation run was made on tuning seeds 100, 101: .*`tune.seeds`/,
    );
    // Trial runs that did not learn are the tuning's own business: they do not make a choice fragile.
    const trialsFailed = tunedResults();
    for (const run of trialsFailed.runs) if (tuningRecord(run)?.role === "trial") run.didNotLearn = true;
    const [untouched] = buildTuningTables(trialsFailed);
    expect(untouched!.notes.some((n) => n.includes("did not learn"))).toBe(false);
    expect(untouched!.rows.flatMap((r) => r.cells).some((c) => c.text.includes("learned in"))).toBe(false);
  });

  it("are none for an experiment without tune:", () => {
    expect(buildTuningTables(sweepResults())).toEqual([]);
  });
});
