import type { ExperimentResults, RunResult } from "@tsa/tracker";
import { describe, expect, it } from "vitest";
import { ablationHeadline, ablationOf, buildAblationTable } from "./ablation.js";
import { completedRun, everyScore } from "./fixture.test-support.js";
import { toMarkdown } from "./tables.js";

const LENGTHS = [
  [0.05, 0.1],
  [0.3, 0.5],
];
const POOLINGS = ["mean", "last", "attention"];

function run(model: string, seed: number, point: Record<string, unknown>, f1: number, didNotLearn = false): RunResult {
  const m = {
    ...everyScore(f1),
    n: 100,
    tp: 1,
    fp: 1,
    tn: 1,
    fn: 1,
    attentionMassInWindow: null,
    attentionPeakInWindow: null,
  };
  return completedRun(model, seed, point, { experiment: "ablation", didNotLearn, test: m, val: m });
}

/**
 * bilstm with three poolings over two lengths, 3 seeds. Hand-set answers: at the short length, attention
 * learns on seed 1 only (0.95, then 0.5 and 0.5 at chance) and `last` is 0.1 ahead of mean on every seed
 * (0.6 + noise vs 0.5 + noise); at the long length, attention is 0.2 ahead of mean on every seed (paired
 * differences 0.2 exactly up to the same seed noise).
 */
function poolingResults(compare?: unknown): ExperimentResults {
  const noise = [0, 0.01, -0.01];
  const f1 = (pooling: string, length: number, seed: number): [number, boolean] => {
    if (pooling === "attention" && length === 0) return seed === 1 ? [0.95, false] : [0.5, true];
    const base = { mean: [0.5, 0.7], last: [0.6, 0.7], attention: [0, 0.9] }[pooling]![length]!;
    return [base + noise[seed - 1]!, false];
  };
  const runs = LENGTHS.flatMap((length, i) =>
    POOLINGS.flatMap((pooling) =>
      [1, 2, 3].map((seed) => run("bilstm", seed, { "data.length": length, "model.pooling": pooling }, ...f1(pooling, i, seed))),
    ),
  );
  return {
    experiment: {
      name: "ablation",
      description: "",
      file: "ablation.yaml",
      createdAt: "now",
      spec: {
        name: "ablation",
        models: ["bilstm"],
        sweep: { "data.length": LENGTHS, "model.pooling": POOLINGS },
        ...(compare === undefined ? {} : { compare }),
      },
    },
    runs,
  };
}

describe("ablationOf", () => {
  it("compares every level of a model axis with its first value, per context, counting every completed run", () => {
    const ablation = ablationOf(poolingResults())!;
    expect([ablation.axis, ablation.reference, ablation.treatment]).toEqual(["model.pooling", "mean", null]);
    expect(ablation.contexts.map((c) => c.label)).toEqual(["length 0.05–0.1", "length 0.3–0.5"]);
    const short = ablation.contexts[0]!.levels;
    const attention = short.find((l) => l.level === "attention")!;
    // All three seeds count: (0.95 + 0.5 + 0.5) / 3, learned 1 of 3.
    expect(attention.mean).toBeCloseTo(0.65, 10);
    expect([attention.n, attention.learned.k, attention.learned.n]).toEqual([3, 1, 3]);
    const last = short.find((l) => l.level === "last")!;
    expect(last.difference!.mean).toBeCloseTo(0.1, 10);
    expect(last.difference!.p).toBe(0);
    expect(short.find((l) => l.level === "mean")!.difference).toBeNull();
    // Holm over the 4 tests: exact differences stay significant; attention at the short length does not.
    expect(last.difference!.verdict).toBe("ahead");
    expect(attention.difference!.verdict).toBe("tie");
    const long = ablation.contexts[1]!.levels.find((l) => l.level === "attention")!;
    expect([long.difference!.mean, long.difference!.verdict]).toEqual([expect.closeTo(0.2, 10), "ahead"]);
    expect(ablation.contexts[1]!.levels.find((l) => l.level === "last")!.difference!.verdict).toBe("tie");
  });

  it("with compare:, Holm corrects the treatment's tests among themselves and the other levels' apart; the headline names the part that matters", () => {
    const ablation = ablationOf(poolingResults({ axis: "model.pooling", treatment: "attention", control: "mean" }))!;
    expect(ablation.treatment).toBe("attention");
    // The other level is still tested against the reference, in its own family of 2 tests (last − mean:
    // exactly +0.1 on every seed at the short length, p = 0; not at the long one).
    const last = ablation.contexts.map((c) => c.levels.find((l) => l.level === "last")!.difference!);
    expect(last.map((d) => d.verdict)).toEqual(["ahead", "tie"]);
    expect(last[0]!.pHolm).toBe(0);
    const table = buildAblationTable(ablation);
    expect(table.columns).toEqual([
      "pooling=mean",
      "pooling=last",
      "pooling=attention",
      "pooling=attention − pooling=mean",
      "pooling=last − pooling=mean",
    ]);
    expect(table.rows[0]!.cells[4]!.text).toMatch(/^\+0\.100\* \[/);
    expect(table.notes.join(" ")).toContain("within the comparison compare: names (pooling=attention, the headline's)");
    const sentence = ablationHeadline(ablation);
    // At the short length the paired differences are 0.45, −0.01, 0.01 (sd 0.26): with 3 seeds and Holm over
    // 2 tests only |Δ| > t(0.9875, 2) · 0.26 / √3 = 0.93 could be significant, so it says too few seeds.
    expect(sentence).toContain(
      "pooling=attention against pooling=mean: clearly ahead — length 0.3–0.5 (+0.200); too few seeds to tell — length 0.05–0.1 (+0.150; only |Δ| > 0.93 could be significant)",
    );
    expect(sentence).toContain("it learned in 4 of 6 runs, pooling=mean in 6 of 6");
    expect(sentence).toContain("paired t over 3 seeds, Holm-corrected");
    expect(sentence).toContain(
      "Best pooling by mean: length 0.05–0.1: pooling=attention (0.650); length 0.3–0.5: pooling=attention (0.900)",
    );
  });

  it("compares named variants with the first model when there is no model axis", () => {
    const base = poolingResults();
    const runs = base.runs
      .filter((r) => r.point["model.pooling"] !== "attention")
      .map((r) => ({
        ...r,
        model: r.point["model.pooling"] === "last" ? "bilstm-last" : "bilstm",
        point: { "data.length": r.point["data.length"] },
      }));
    const spec = {
      name: "v",
      models: ["bilstm", { name: "bilstm-last", preset: "bilstm", pooling: "last" }],
      sweep: { "data.length": LENGTHS },
    };
    const ablation = ablationOf({ experiment: { ...base.experiment, spec }, runs })!;
    expect([ablation.axis, ablation.reference, ablation.levels]).toEqual([null, "bilstm", ["bilstm", "bilstm-last"]]);
    expect(ablation.contexts[0]!.levels[1]!.difference!.mean).toBeCloseTo(0.1, 10);
    expect(ablationHeadline(ablation)).toMatch(
      /^bilstm-last against bilstm: clearly ahead — length 0.05–0.1 \(\+0.100\); no clear difference — length 0.3–0.5/,
    );
  });

  it("names a compared variant with no completed run yet (a sweep in progress) instead of failing", () => {
    const base = poolingResults();
    const runs = base.runs
      .filter((r) => r.point["model.pooling"] === "mean")
      .map((r) => ({ ...r, point: { "data.length": r.point["data.length"] } }));
    const spec = {
      name: "v",
      models: ["bilstm", { name: "bilstm-last", preset: "bilstm", pooling: "last" }],
      sweep: { "data.length": LENGTHS },
      compare: { treatment: "bilstm-last", control: "bilstm" },
    };
    const ablation = ablationOf({ experiment: { ...base.experiment, spec }, runs })!;
    expect(ablation.levels).toEqual(["bilstm", "bilstm-last"]);
    expect(ablation.contexts[0]!.levels[1]!.n).toBe(0);
    expect(ablationHeadline(ablation)).toMatch(
      /^bilstm-last against bilstm: no completed run yet \(test F1 over all completed runs, paired t over seeds,/,
    );
  });

  it("is null for an experiment of presets without a model axis", () => {
    const base = poolingResults();
    expect(
      ablationOf({
        ...base,
        experiment: { ...base.experiment, spec: { name: "x", models: ["bilstm"], sweep: { "data.length": LENGTHS } } },
      }),
    ).toBeNull();
  });
});

describe("buildAblationTable", () => {
  // At the short length `last` never learned either; attention learned on seed 1 only (0.95; 0.5, 0.5 at chance).
  const results = poolingResults();
  for (const r of results.runs)
    if (r.point["model.pooling"] === "last" && JSON.stringify(r.point["data.length"]) === JSON.stringify(LENGTHS[0])) r.didNotLearn = true;
  const table = (learnedOnly: boolean) => buildAblationTable(ablationOf(results, "f1", { learnedOnly })!);
  const shortRow = (learnedOnly: boolean) => table(learnedOnly).rows[0]!.cells.slice(0, 3);

  it("counts every completed run, with the learned count beside a cell where not all learned", () => {
    // mean 0.50, 0.51, 0.49; last 0.60, 0.61, 0.59; attention (0.95 + 0.5 + 0.5) / 3 = 0.65, sd √(0.0675) = 0.260.
    expect(shortRow(false).map((c) => c.text)).toEqual(["0.500 ± 0.010", "0.600 ± 0.010 (0/3 learned)", "0.650 ± 0.260 (1/3 learned)"]);
  });

  it("heads its rows by what they are, the other axis with its unit, not a bare 'point' (issue 25, 15)", () => {
    expect(table(false).corner).toBe("anomaly length (fraction of the series)");
    expect(toMarkdown(table(false))).toContain("| anomaly length (fraction of the series) | pooling=mean |");
  });

  it("conditional on learning: the title says so, a level with no run that learned still says 0/3, a single run has no spread", () => {
    expect(table(false).title).toBe("pooling: test F1 per level, and against pooling=mean");
    expect(table(true).title).toBe("pooling: test F1 per level, and against pooling=mean (conditional on learning)");
    const cells = shortRow(true);
    expect(cells.map((c) => c.text)).toEqual(["0.500 ± 0.010", "– (0/3 learned)", "0.950 (1/3 learned)"]);
    // The CSV's learned and completed columns come from here, for the empty cell too.
    expect(cells.map((c) => c.learned)).toEqual([
      { k: 3, n: 3 },
      { k: 0, n: 3 },
      { k: 1, n: 3 },
    ]);
  });
});
