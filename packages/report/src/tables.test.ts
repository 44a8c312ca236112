// Paper-style tables from hand-made results whose every number was worked out by hand below.
import type { ExperimentResults, MetricsRow, RunResult } from "@tsa/tracker";
import { describe, expect, it } from "vitest";
import { completedRun, everyScore } from "./fixture.test-support.js";
import { buildMetricTable, buildPaperTable, latexEscape, REFERENCE_RESULT, toCsv, toLatex, toMarkdown } from "./tables.js";

interface Outcome {
  f1: number;
  accuracy?: number;
  balancedAccuracy?: number;
  confusion?: { tn: number; fp: number; fn: number; tp: number };
  didNotLearn?: boolean;
}

function metrics(o: Outcome): MetricsRow {
  const { tn, fp, fn, tp } = o.confusion ?? { tn: 40, fp: 10, fn: 10, tp: 40 };
  return {
    ...everyScore(o.f1),
    n: tn + fp + fn + tp,
    accuracy: o.accuracy ?? o.f1,
    balancedAccuracy: o.balancedAccuracy ?? o.f1,
    tp,
    fp,
    tn,
    fn,
    attentionMassInWindow: null,
    attentionPeakInWindow: null,
  };
}

function run(experiment: string, model: string, point: Record<string, unknown>, seed: number, o: Outcome): RunResult {
  return completedRun(model, seed, point, {
    experiment,
    config: { data: { ...point }, train: { epochs: 2 } },
    durationMs: 1000,
    trainDurationMs: 900,
    epochsRun: 2,
    bestEpoch: 2,
    didNotLearn: o.didNotLearn ?? false,
    test: metrics(o),
    val: metrics(o),
  });
}

function results(name: string, sweep: Record<string, unknown[]>, runs: RunResult[]): ExperimentResults {
  return { experiment: { name, description: "", file: `${name}.yaml`, spec: { name, sweep }, createdAt: "2026-11-25T00:00:00Z" }, runs };
}

/**
 * Three points × three models × two seeds, F1 by (point, model):
 *   0.1–0.2:  ffn 0.60 0.62 (0.6100 ± 0.0141)  cnn 0.80 0.82 (0.8100 ± 0.0141)  my_model 0.90 0.92 (0.9100 ± 0.0141)
 *             my_model leads cnn by exactly 0.10 on both seeds: the paired test marks it.
 *   0.2–0.4:  ffn 0.70 0.70  cnn 0.80 0.80  my_model 0.80 0.80: a tie for best (both bold, ffn underlined, no mark).
 *   0.4–0.6:  ffn 0.50 0.70 (0.6000 ± 0.1414)  cnn 0.65 0.75 (0.7000 ± 0.0707)  my_model 0.60 0.60 but neither run learned
 *             (0.6000 ± 0.0000, 0/2 learned): cnn bold, ffn and my_model underlined.
 * Ranks (1 = best, ties averaged) over the three rows: ffn 3, 3, 2.5 → 2.83; cnn 2, 1.5, 1 → 1.50; my_model 1, 1.5, 2.5 → 1.67.
 * Wins (best, ties count for each): ffn 0, cnn 2, my_model 2.
 * Conditional on learning my_model has no result at 0.4–0.6 (–, 0/2 learned), the row is left out of rank and wins:
 * ffn 3, 3 → 3.00; cnn 2, 1.5 → 1.75; my_model 1, 1.5 → 1.25; wins ffn 0, cnn 1, my_model 2.
 */
const LENGTHS = [
  [0.1, 0.2],
  [0.2, 0.4],
  [0.4, 0.6],
];
const F1: Record<string, number[][]> = {
  ffn: [
    [0.6, 0.62],
    [0.7, 0.7],
    [0.5, 0.7],
  ],
  cnn: [
    [0.8, 0.82],
    [0.8, 0.8],
    [0.65, 0.75],
  ],
  my_model: [
    [0.9, 0.92],
    [0.8, 0.8],
    [0.6, 0.6],
  ],
};
const sweep = results(
  "len_sweep",
  { "data.length": LENGTHS },
  LENGTHS.flatMap((length, p) =>
    Object.entries(F1).flatMap(([model, byPoint]) =>
      [1, 2].map((seed, s) =>
        run("len_sweep", model, { "data.length": length }, seed, { f1: byPoint[p]![s]!, didNotLearn: model === "my_model" && p === 2 }),
      ),
    ),
  ),
);

describe("buildMetricTable over a sweep", () => {
  const [table] = buildMetricTable(sweep, { metrics: ["f1"], markSignificant: true });

  it("has a row per sweep point and a column per model, cells mean ± sample std over seeds", () => {
    expect(table!.columns).toEqual(["ffn", "cnn", "my_model"]);
    expect(table!.rows.map((r) => r.label)).toEqual(["0.1–0.2", "0.2–0.4", "0.4–0.6"]);
    expect(table!.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ["0.6100 ± 0.0141", "0.8100 ± 0.0141", "0.9100 ± 0.0141"],
      ["0.7000 ± 0.0000", "0.8000 ± 0.0000", "0.8000 ± 0.0000"],
      ["0.6000 ± 0.1414", "0.7000 ± 0.0707", "0.6000 ± 0.0000 (0/2 learned)"],
    ]);
    expect(table!.rows[2]!.cells[1]!.std).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(table!.rows[2]!.cells.map((c) => c.learned)).toEqual([
      { k: 2, n: 2 },
      { k: 2, n: 2 },
      { k: 0, n: 2 },
    ]);
  });

  it("bolds the best of each row, underlines the second, and a tie for best shares bold", () => {
    const marks = table!.rows.map((r) => r.cells.map((c) => (c.bold ? "B" : c.underline ? "U" : ".")).join(""));
    expect(marks).toEqual([".UB", "UBB", "UBU"]);
  });

  it("marks only a sole best that a paired test over seeds puts clearly ahead of the runner-up", () => {
    expect(table!.rows.map((r) => r.cells.map((c) => c.marked))).toEqual([
      [false, false, true],
      [false, false, false],
      [false, false, false],
    ]);
    const [unmarked] = buildMetricTable(sweep, { metrics: ["f1"], markSignificant: false });
    expect(unmarked!.rows.flatMap((r) => r.cells).some((c) => c.marked)).toBe(false);
  });

  it("closes with average rank (ties averaged) and wins over the rows where every model has a result", () => {
    expect(table!.footer).toEqual([
      { label: "average rank", cells: ["2.83", "1.50", "1.67"], values: [8.5 / 3, 1.5, 5 / 3] },
      { label: "wins", cells: ["0", "2", "2"], values: [0, 2, 2] },
    ]);
    expect(table!.notes).toContain(
      "every completed run counts at the score it reached, learned or not; a cell says how many of its runs learned when not all did",
    );
  });

  it("reads a loss the other way: the lowest is bold, ranks first and is marked when clearly lower", () => {
    // Every score of these runs, the log-loss included, is the F1 above: the same numbers, lower now better.
    const [loss] = buildMetricTable(sweep, { metrics: ["logLoss"], markSignificant: true });
    expect(loss!.title).toBe("len_sweep: test log loss");
    expect(loss!.rows.map((r) => r.cells.map((c) => (c.bold ? "B" : c.underline ? "U" : ".")).join(""))).toEqual(["BU.", "BUU", "BUB"]);
    // ffn is now the sole best of the first two rows, 0.2 and 0.1 below cnn on both seeds.
    expect(loss!.rows.map((r) => r.cells.map((c) => c.marked))).toEqual([
      [true, false, false],
      [true, false, false],
      [false, false, false],
    ]);
    expect(loss!.footer).toEqual([
      { label: "average rank", cells: ["1.17", "2.50", "2.33"], values: [3.5 / 3, 2.5, 7 / 3] },
      { label: "wins", cells: ["3", "0", "1"], values: [3, 0, 1] },
    ]);
  });

  it("conditional on learning (--learned-only): runs that did not learn left out, and the title says so", () => {
    const [conditional] = buildMetricTable(sweep, { metrics: ["f1"], markSignificant: true, learnedOnly: true });
    expect(conditional!.title).toBe("len_sweep: test F1 (conditional on learning)");
    expect(conditional!.rows[2]!.cells.map((c) => c.text)).toEqual(["0.6000 ± 0.1414", "0.7000 ± 0.0707", "– (0/2 learned)"]);
    expect(conditional!.rows.map((r) => r.cells.map((c) => (c.bold ? "B" : c.underline ? "U" : ".")).join(""))).toEqual([
      ".UB",
      "UBB",
      "UB.",
    ]);
    expect(conditional!.footer).toEqual([
      { label: "average rank", cells: ["3.00", "1.75", "1.25"], values: [3, 1.75, 1.25] },
      { label: "wins", cells: ["0", "1", "2"], values: [0, 1, 2] },
    ]);
    expect(conditional!.notes).toContain(
      "conditional on learning: 2 completed run(s) that did not learn left out; a cell says how many of its runs learned when not all did",
    );
    expect(conditional!.notes).toContain("average rank and wins over the 2 row(s) where every model has a result");
  });

  it("builds one table per metric", () => {
    const tables = buildMetricTable(sweep, { metrics: ["f1", "accuracy"] });
    expect(tables.map((t) => t.title)).toEqual(["len_sweep: test F1", "len_sweep: test accuracy"]);
  });
});

describe("renderers", () => {
  const [table] = buildMetricTable(sweep, { metrics: ["f1"], markSignificant: true });

  it("Markdown: bold as **, second as <ins> (which GitHub keeps), the mark as an escaped *", () => {
    const md = toMarkdown(table!);
    // The rows' heading is the axis with its unit, as in the HTML report (issue 25, 15), not a bare "point".
    expect(md).toContain("| anomaly length (fraction of the series) | ffn | cnn | my_model |\n| --- | ---: | ---: | ---: |");
    expect(md).toContain("| 0.1–0.2 | 0.6100 ± 0.0141 | <ins>0.8100 ± 0.0141</ins> | **0.9100 ± 0.0141 \\*** |");
    expect(md).toContain("| 0.2–0.4 | <ins>0.7000 ± 0.0000</ins> | **0.8000 ± 0.0000** | **0.8000 ± 0.0000** |");
    expect(md).toContain("| 0.4–0.6 | <ins>0.6000 ± 0.1414</ins> | **0.7000 ± 0.0707** | <ins>0.6000 ± 0.0000 (0/2 learned)</ins> |");
    expect(md).toContain("| *average rank* | 2.83 | 1.50 | 1.67 |\n| *wins* | 0 | 2 | 2 |");
  });

  it("LaTeX: booktabs rules, \\pm in math, \\mathbf inside math, \\underline, escaped names and ranges", () => {
    const tex = toLatex(table!);
    const lines = tex.trimEnd().split("\n");
    // A float with a visible caption, so several metrics' tables are told apart in the paper.
    expect(lines.slice(0, 3)).toEqual(["\\begin{table}[ht]", "\\centering", "\\caption{len\\_sweep: test F1}"]);
    expect(lines.at(-1)).toBe("\\end{table}");
    expect(lines.slice(3, 7)).toEqual([
      "\\begin{tabular}{lrrr}",
      "\\toprule",
      "anomaly length (fraction of the series) & ffn & cnn & my\\_model \\\\",
      "\\midrule",
    ]);
    expect(lines).toContain(
      "0.1--0.2 & $0.6100 \\pm 0.0141$ & \\underline{$0.8100 \\pm 0.0141$} & $\\mathbf{0.9100 \\pm 0.0141}$$^{*}$ \\\\",
    );
    // The learned count stays outside the math.
    expect(lines).toContain(
      "0.4--0.6 & \\underline{$0.6000 \\pm 0.1414$} & $\\mathbf{0.7000 \\pm 0.0707}$ & \\underline{$0.6000 \\pm 0.0000$ (0/2 learned)} \\\\",
    );
    const body = lines.slice(lines.indexOf("\\toprule"), lines.indexOf("\\bottomrule") + 2);
    expect(body.slice(-2)).toEqual(["\\bottomrule", "\\end{tabular}"]);
    expect(body.filter((l) => l === "\\midrule")).toHaveLength(2);
    expect(body).toContain("average rank & 2.83 & 1.50 & 1.67 \\\\");
    // Compiles-safe: no raw ±, –, unescaped _ % & # anywhere; every $ paired and every brace closed on each line.
    for (const line of lines) {
      expect(line.replace(/^% /, ""), line).not.toMatch(/[±–]|(?<!\\)[_%#]|(?<!\\)&(?! )/);
      expect(line.replace(/\\\$/g, "").split("$").length % 2, line).toBe(1);
      const depth = [...line.replace(/\\[{}]/g, "")].reduce((d, ch) => (d < 0 ? d : d + (ch === "{" ? 1 : ch === "}" ? -1 : 0)), 0);
      expect(depth, line).toBe(0);
    }
    for (const row of body.filter((l) => l.endsWith("\\\\"))) expect(row.split(" & "), row).toHaveLength(4);
  });

  it("LaTeX with resize: the tabular scaled to the text width inside the float", () => {
    const lines = toLatex(table!, { resize: true }).trimEnd().split("\n");
    const open = lines.indexOf("\\resizebox{\\linewidth}{!}{%");
    expect(open).toBe(3);
    expect(lines[open + 1]).toBe("\\begin{tabular}{lrrr}");
    expect(lines[lines.indexOf("\\end{tabular}") + 1]).toBe("}");
  });

  it("latexEscape escapes every special once, including the backslash's own braces", () => {
    expect(latexEscape("a\\b_{c} 95% & $x# ~^ <> 0.1–0.2 ±")).toBe(
      "a\\textbackslash{}b\\_\\{c\\} 95\\% \\& \\$x\\# \\textasciitilde{}\\textasciicircum{} \\textless{}\\textgreater{} 0.1--0.2 $\\pm$",
    );
  });

  it("CSV: one line per cell with raw mean and std and the learned count, then average rank and wins with their raw values", () => {
    const lines = toCsv(table!).trimEnd().split("\n");
    // CSV keeps a name a script can use for the row column.
    expect(lines[0]).toBe("table,point,column,mean,std,n,learned,completed,text");
    expect(lines).toHaveLength(1 + 9 + 6);
    const cnnC = lines.find((l) => l.startsWith("len_sweep: test F1,0.4–0.6,cnn,"))!.split(",");
    expect(Number(cnnC[3])).toBeCloseTo(0.7, 12);
    expect(Number(cnnC[4])).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(cnnC.slice(5)).toEqual(["2", "2", "2", "0.7000 ± 0.0707"]);
    expect(lines).toContain("len_sweep: test F1,0.4–0.6,my_model,0.6,0,2,0,2,0.6000 ± 0.0000 (0/2 learned)");
    expect(lines).toContain("len_sweep: test F1,average rank,cnn,1.5,,,,,1.50");
    expect(lines).toContain("len_sweep: test F1,wins,my_model,2,,,,,2");
    const [conditional] = buildMetricTable(sweep, { metrics: ["f1"], learnedOnly: true });
    expect(toCsv(conditional!)).toContain("len_sweep: test F1 (conditional on learning),0.4–0.6,my_model,,,0,0,2,– (0/2 learned)");
  });
});

describe("buildMetricTable for a single-point experiment", () => {
  // ffn: F1 0.70 0.80, accuracy 0.90 0.90; cnn: F1 0.75 0.75, accuracy 0.80 0.86.
  const single = results("one", {}, [
    run("one", "ffn", {}, 1, { f1: 0.7, accuracy: 0.9 }),
    run("one", "ffn", {}, 2, { f1: 0.8, accuracy: 0.9 }),
    run("one", "cnn", {}, 1, { f1: 0.75, accuracy: 0.8 }),
    run("one", "cnn", {}, 2, { f1: 0.75, accuracy: 0.86 }),
  ]);

  it("puts models in rows and metrics in columns, best per column, with no rank rows", () => {
    const [table] = buildMetricTable(single, { metrics: ["f1", "accuracy"] });
    expect(table!.columns).toEqual(["F1", "accuracy"]);
    expect(table!.rows.map((r) => [r.label, ...r.cells.map((c) => `${c.text}${c.bold ? " B" : c.underline ? " U" : ""}`)])).toEqual([
      ["ffn", "0.7500 ± 0.0707 B", "0.9000 ± 0.0000 B"],
      ["cnn", "0.7500 ± 0.0000 B", "0.8300 ± 0.0424 U"],
    ]);
    expect(table!.footer).toEqual([]);
  });
});

describe("buildPaperTable", () => {
  // ffn: F1 0.80 0.90, thresholded AUC 0.79 0.89; attention: F1 0.95 0.97, thresholded AUC 0.94 0.96;
  // every run's confusion is tn 40, fp 5, fn 3, tp 52, so each model's sum is [[80, 10], [6, 104]].
  const confusion = { tn: 40, fp: 5, fn: 3, tp: 52 };
  const paper = results("paper", {}, [
    run("paper", "ffn", {}, 1, { f1: 0.8, balancedAccuracy: 0.79, confusion }),
    run("paper", "ffn", {}, 2, { f1: 0.9, balancedAccuracy: 0.89, confusion }),
    run("paper", "bilstm-attention", {}, 1, { f1: 0.95, balancedAccuracy: 0.94, confusion }),
    run("paper", "bilstm-attention", {}, 2, { f1: 0.97, balancedAccuracy: 0.96, confusion }),
  ]);
  const table = buildPaperTable(paper);

  it("shows accuracy, precision, recall, F1, ROC AUC and the confusion matrix per model, best in bold", () => {
    expect(table.columns).toEqual(["accuracy", "precision", "recall", "F1", "ROC AUC", "confusion [[tn, fp], [fn, tp]]"]);
    expect(table.rows[0]!.label).toBe("ffn");
    expect(table.rows[0]!.cells.map((c) => c.text)).toEqual([
      ...Array(4).fill("0.8500 ± 0.0707"),
      "0.8500 ± 0.0707 [0.8400]",
      "[[80, 10], [6, 104]]",
    ]);
    expect(table.rows[1]!.cells.map((c) => c.text)).toEqual([
      ...Array(4).fill("0.9600 ± 0.0141"),
      "0.9600 ± 0.0141 [0.9500]",
      "[[80, 10], [6, 104]]",
    ]);
    expect(table.rows[1]!.cells.slice(0, 5).every((c) => c.bold)).toBe(true);
    expect(table.rows[0]!.cells.some((c) => c.bold)).toBe(false);
  });

  it("includes the reference's published bilstm-attention row beside ours, in every format", () => {
    expect(REFERENCE_RESULT).toMatchObject({
      accuracy: 0.9775,
      precision: 0.9855,
      recall: 0.9685,
      f1: 0.9769,
      rocAuc: 0.9774,
      confusion: [
        [1002, 14],
        [31, 953],
      ],
    });
    const ref = table.rows.at(-1)!;
    expect(ref.label).toBe("bilstm-attention (reference article)");
    expect(ref.cells.map((c) => c.text)).toEqual(["0.9775", "0.9855", "0.9685", "0.9769", "[0.9774]", "[[1002, 14], [31, 953]]"]);
    expect(toMarkdown(table)).toContain(
      "| bilstm-attention (reference article) | 0.9775 | 0.9855 | 0.9685 | 0.9769 | [0.9774] | [[1002, 14], [31, 953]] |",
    );
    expect(toLatex(table)).toContain(
      "bilstm-attention (reference article) & 0.9775 & 0.9855 & 0.9685 & 0.9769 & [0.9774] & [[1002, 14], [31, 953]] \\\\",
    );
    expect(toCsv(table)).toContain("paper: test metrics against the reference,bilstm-attention (reference article),F1,0.9769,,1,,,0.9769");
    expect(toCsv(table)).toContain('bilstm-attention (reference article),"confusion [[tn, fp], [fn, tp]]",,,1,,,"[[1002, 14], [31, 953]]"');
  });

  it("pools every completed run of a model over a sweep, the metrics as the confusion matrix does", () => {
    // ffn F1 over the three points: 0.60 0.62 0.70 0.70 0.50 0.70 → mean 3.82 / 6; every run's confusion is 40/10/10/40.
    const pooled = buildPaperTable(sweep);
    const ffn = pooled.rows.find((r) => r.label === "ffn")!;
    expect(ffn.cells[3]!.mean).toBeCloseTo(3.82 / 6, 12);
    expect(ffn.cells[3]!.n).toBe(6);
    expect(ffn.cells[5]!.text).toBe("[[240, 60], [60, 240]]");
    // my_model did not learn at the last point: its 6 runs count, 4 of them learned; conditional on learning, 4 runs.
    const myModel = pooled.rows.find((r) => r.label === "my_model")!;
    expect(myModel.cells[5]!.text).toBe("[[240, 60], [60, 240]]");
    // my_model F1 0.90 0.92 0.80 0.80 0.60 0.60: mean 0.77; sd √((0.13² + 0.15² + 0.03² · 2 + 0.17² · 2) / 5) = √0.0198 = 0.140712.
    expect(myModel.cells[3]!.text).toBe("0.7700 ± 0.1407 (4/6 learned)");
    const conditional = buildPaperTable(sweep, 4, { learnedOnly: true });
    expect(conditional.title).toBe("len_sweep: test metrics against the reference (conditional on learning)");
    const learnedOnly = conditional.rows.find((r) => r.label === "my_model")!;
    expect(learnedOnly.cells[5]!.text).toBe("[[160, 40], [40, 160]]");
    // 0.90 0.92 0.80 0.80: mean 0.855, sd √((0.045² + 0.065² + 0.055² · 2) / 3) = √0.0041 = 0.064031.
    expect(learnedOnly.cells[3]!.text).toBe("0.8550 ± 0.0640 (4/6 learned)");
    expect(pooled.notes).toContain("pooled over the 3 sweep points of the experiment");
  });
});
