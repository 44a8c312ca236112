import type { ExperimentResults } from "@tsa/tracker";
import { UserInputError } from "@tsa/errors";
import { describe, expect, it } from "vitest";
import { experimentHeadline } from "./ablation.js";
import { criticalDifferenceOfBlocks, headline } from "./analysis.js";
import { buildArchiveTables, publishedColumn } from "./archive-tables.js";
import { archiveSection, diagramNote } from "./archive-section.js";
import { archiveComparisonsOf, meanRanks, problemsNeededFor, signedRankP, winsTiesLosses, type ArchiveComparison } from "./archive.js";
import { problemOf } from "./archive-data.js";
import { ARCHIVE_PROBLEMS, PUBLISHED, archiveResults, sweepResults } from "./fixture.test-support.js";
import { publishedAccuracyOf } from "./published.js";
import { buildMetricTable, toCsv, toLatex } from "./tables.js";
import { learnedRateSpec, metricBySweepSpec } from "./specs.js";
import { headlineMetricOf, viewOf } from "./view.js";

describe("archive problems swept with another axis", () => {
  /** The fixture's runs at zNormalize false, and again at true with attention 0.2 worse everywhere. */
  function withNormalisation(): ExperimentResults {
    const results = archiveResults();
    results.runs = results.runs.flatMap((run) =>
      [false, true].map((z) => {
        const worse = z && run.model === "bilstm-attention" && run.test !== null;
        return {
          ...run,
          id: `${run.id}-${z}`,
          point: { ...run.point, "data.zNormalize": z },
          test: worse ? { ...run.test!, accuracy: run.test!.accuracy - 0.2 } : run.test,
        };
      }),
    );
    results.experiment.spec = {
      ...(results.experiment.spec as object),
      sweep: { "data.problem": ARCHIVE_PROBLEMS, "data.zNormalize": [false, true] },
    };
    return results;
  }

  it("analyses each setting of the other axes over the problems, each problem once", () => {
    const [off, on] = archiveComparisonsOf(viewOf(withNormalisation()), null);
    expect([off!.setting, on!.setting]).toEqual(["zNormalize=false", "zNormalize=true"]);
    for (const c of [off!, on!]) {
      expect(c.rows.map((r) => r.label)).toEqual(ARCHIVE_PROBLEMS);
      expect(c.smallestP).toBe(0.125);
    }
    // zNormalize=false is the fixture itself; at true attention is last on every problem.
    const attention = (c: ArchiveComparison) => c.meanRanks[c.models.indexOf("bilstm-attention")];
    expect(attention(off!)).toBe(archiveComparisonsOf(viewOf(archiveResults()), null)[0]!.meanRanks[3]);
    expect(attention(on!)).toBe(6);
    expect(on!.wtl.every((t) => t.losses.length === 4)).toBe(true);
  });

  it("says so in the section, the headline and the tables", () => {
    const results = withNormalisation();
    const section = archiveSection(viewOf(results), null)!;
    expect(section.intro).toContain("This file sweeps more than problems (data.zNormalize): each setting of it is analysed on its own");
    expect(section.blocks.filter((b) => "html" in b && b.html.startsWith("<h3>")).map((b) => (b as { html: string }).html)).toEqual([
      "<h3>At zNormalize=false</h3>",
      "<h3>At zNormalize=true</h3>",
    ]);
    expect(archiveSection(viewOf(archiveResults()), null)!.intro).not.toContain("sweeps more than problems");
    expect(experimentHeadline(results)).toMatch(
      /At zNormalize=false: over 4 problems, bilstm-attention ranks \d\.\d\d on average, .*\. At zNormalize=true: over 4 problems, bilstm-attention ranks 6\.00 on average, place 6 of 6;/,
    );
    const titles = buildArchiveTables(results, null).map((t) => t.title);
    expect(titles).toEqual([
      "archive: test accuracy per problem at zNormalize=false",
      "archive: bilstm-attention against each baseline, problem by problem at zNormalize=false (test accuracy)",
      "archive: test accuracy per problem at zNormalize=true",
      "archive: bilstm-attention against each baseline, problem by problem at zNormalize=true (test accuracy)",
    ]);
  });

  it("ranks the points of one problem swept over another axis, and says each counts as if another problem", () => {
    const results = withNormalisation();
    results.runs = results.runs
      .filter((r) => r.point["data.problem"] === "GunPoint")
      .map((r) => ({ ...r, point: { "data.zNormalize": r.point["data.zNormalize"] } }));
    results.experiment.spec = { ...(results.experiment.spec as object), sweep: { "data.zNormalize": [false, true] } };
    const [only, ...rest] = archiveComparisonsOf(viewOf(results), null);
    expect(rest).toEqual([]);
    expect(only!.rows.map((r) => [r.problem, r.label])).toEqual([
      ["GunPoint", "false"],
      ["GunPoint", "true"],
    ]);
    expect(archiveSection(viewOf(results), null)!.intro).toContain("<b>each row is a point</b>");
  });
});

describe("archive problems: how the charts draw them", () => {
  type Layered = { layer: Array<{ mark: { type: string } }>; encoding: Record<string, unknown> };
  it("puts each model's point and error bar side by side per problem, with no line joining unrelated problems", () => {
    for (const spec of [
      metricBySweepSpec(viewOf(archiveResults()), "data.problem"),
      learnedRateSpec(viewOf(archiveResults()), "data.problem"),
    ]) {
      const layered = spec as unknown as Layered;
      expect(layered.layer.map((l) => l.mark.type)).toEqual(["rule", "point"]);
      expect(layered.encoding.xOffset).toMatchObject({ field: "model" });
    }
  });
  it("keeps a line and its band along a scale (the anomaly task's axes)", () => {
    const layered = metricBySweepSpec(viewOf(sweepResults()), viewOf(sweepResults()).axes[0]!) as unknown as Layered;
    expect(layered.layer.map((l) => l.mark.type)).toEqual(["area", "line"]);
    expect(layered.encoding.xOffset).toBeUndefined();
  });
});

describe("archive problems: which runs, which metric", () => {
  it("tells an archive run's data from the generator's by its problem", () => {
    const withData = (data: unknown) => ({ ...sweepResults().runs[0]!, config: { data } });
    expect(problemOf(withData({ problem: "GunPoint", validation: 0.2, zNormalize: false }))).toBe("GunPoint");
    expect(problemOf(withData({ size: 600, noise: 0.1 }))).toBeNull();
    expect(problemOf(withData(null))).toBeNull();
    expect(problemOf(withData(["problem"]))).toBeNull();
  });

  it("leads with accuracy on archive problems and with F1 on the anomaly task", () => {
    expect(headlineMetricOf(archiveResults())).toBe("accuracy");
    expect(headlineMetricOf(sweepResults())).toBe("f1");
    // The headline's test is on accuracy (the fixture's F1 is 0.05 lower everywhere: a different sentence).
    expect(headline(archiveResults())).toContain("(test accuracy of every completed run, paired t over");
    expect(headline(sweepResults())).toContain("(test F1 of every completed run");
    // A caller's explicit choice still wins.
    expect(headline(archiveResults(), "f1")).toContain("(test F1 of every completed run");
  });

  it("says in the headline where attention stands across problems and what 4 problems can tell", () => {
    expect(experimentHeadline(archiveResults())).toContain(
      "Over 4 problems, bilstm-attention ranks 3.75 on average, place 4 of 6; with 4 problems no pair of models can be told apart (the signed-rank test with Holm needs at least 10).",
    );
    expect(experimentHeadline(sweepResults())).not.toContain("problems");
  });
});

describe("mean rank", () => {
  it("ranks the mean per problem, ties averaged, then averages over problems", () => {
    expect(
      meanRanks(
        [
          [0.9, 0.8, 0.8],
          [0.5, 0.7, 0.6],
        ],
        3,
      ),
    ).toEqual([2, 1.75, 2.25]);
    // A loss: lower is better.
    expect(meanRanks([[0.1, 0.3, 0.2]], 3, -1)).toEqual([1, 3, 2]);
    expect(meanRanks([], 2)).toEqual([Number.NaN, Number.NaN]);
  });

  it("gives the fixture's mean ranks, worked out by hand", () => {
    const comparison = archiveComparisonsOf(viewOf(archiveResults()), null)[0]!;
    // GunPoint: fcn 1, resnet 2, cnn = attention 3.5, ffn 5, bilstm 6; ItalyPowerDemand: cnn = fcn = resnet 2, ffn 4,
    // bilstm 5, attention 6; ArrowHead: fcn, resnet, cnn, attention, ffn, bilstm; BasicMotions: attention = fcn 1.5,
    // cnn 3, bilstm = resnet 4.5, ffn 6.
    const byModel = Object.fromEntries(comparison.models.map((m, j) => [m, comparison.meanRanks[j]]));
    expect(byModel).toEqual({ ffn: 5, cnn: 2.875, bilstm: 5.375, "bilstm-attention": 3.75, fcn: 1.375, resnet: 2.625 });
    expect(comparison.rows.map((r) => r.label)).toEqual(ARCHIVE_PROBLEMS);
    expect(comparison.complete).toHaveLength(4);
  });
});

describe("critical difference across problems", () => {
  it("uses the exact signed-rank test: 2/2^n at best, ties at their mid-rank", () => {
    expect(signedRankP([1, 2, 3, 4], [0, 0, 0, 0])).toBeCloseTo(2 / 16, 12);
    expect(signedRankP([0.9, 0.8, 0.7], [0.9, 0.8, 0.7])).toBe(1);
    // d = +0.1, +0.1, −0.1: W+ = 4 of 6 with three tied ranks of 2; P(W+ ≥ 4) = P(W+ ≤ 2) = 4/8, two-sided 1.
    expect(signedRankP([0.5, 0.6, 0.7], [0.4, 0.5, 0.8])).toBe(1);
  });

  it("joins by bars only the models no pair of which differs after Holm (a hand case over 10 problems)", () => {
    // a beats b and c on every problem (exact p 2/1024 each, Holm × 3 and × 2 still < 0.05); b and c alternate.
    const blocks = Array.from({ length: 10 }, (_, i) => [0.9 + i / 1000, i % 2 === 0 ? 0.7 : 0.6, i % 2 === 0 ? 0.6 + i / 1000 : 0.7]);
    const cd = criticalDifferenceOfBlocks(["a", "b", "c"], blocks, signedRankP);
    const pair = (x: string, y: string) => cd.pairs.find((p) => p.a === x && p.b === y)!;
    expect(pair("a", "b").p).toBeCloseTo(2 / 1024, 12);
    expect(pair("a", "b").pHolm).toBeCloseTo((3 * 2) / 1024, 12);
    expect(pair("a", "c").pHolm).toBeCloseTo((3 * 2) / 1024, 12);
    expect(pair("b", "c").pHolm).toBeGreaterThan(0.05);
    expect(cd.averageRanks[0]).toBe(1);
    // One bar: b and c (by index), not a.
    expect(cd.cliques).toEqual([[1, 2].sort((i, j) => cd.averageRanks[i]! - cd.averageRanks[j]!)]);
  });

  it("draws no bar when no pair could be significant over 4 problems, and says so", () => {
    const comparison = archiveComparisonsOf(viewOf(archiveResults()), null)[0]!;
    expect(comparison.smallestP).toBe(0.125);
    expect(comparison.decidable).toBe(false);
    expect(comparison.cd!.cliques).toEqual([]);
    expect(comparison.cd!.pairs.every((p) => p.pHolm >= 0.05)).toBe(true);
    // 15 pairs: 2/2^N < 0.05/15 from N = 10.
    expect(problemsNeededFor(15)).toBe(10);
    expect(2 / 2 ** 10).toBeLessThan(0.05 / 15);
    expect(2 / 2 ** 9).toBeGreaterThan(0.05 / 15);
    expect(diagramNote(comparison)).toBe(
      "No bars: with 4 problems no pair of models can be significantly different — the exact signed-rank test's smallest two-sided p is 2/2^4 = 0.125, " +
        "and Holm over 15 pairs asks 0.00333 of the first. At least 10 problems are needed; the ranks alone are shown.",
    );
  });
});

describe("wins, ties and losses", () => {
  it("counts a tie when the means differ by less than 0.0005", () => {
    const rows = [
      { label: "A", means: [0.9, 0.8] },
      { label: "B", means: [0.9, 0.9004] },
      { label: "C", means: [0.7, 0.8] },
      { label: "D", means: [0.7, 0.6] },
    ];
    expect(winsTiesLosses(0, ["attention", "cnn"], rows)).toEqual([{ baseline: "cnn", wins: ["A", "D"], ties: ["B"], losses: ["C"] }]);
  });

  it("gives attention's record against each baseline on the fixture", () => {
    const { wtl } = archiveComparisonsOf(viewOf(archiveResults()), null)[0]!;
    expect(wtl.map((t) => [t.baseline, t.wins.length, t.ties.length, t.losses.length])).toEqual([
      ["ffn", 3, 0, 1],
      ["cnn", 1, 1, 2],
      ["bilstm", 3, 0, 1],
      ["fcn", 0, 1, 3],
      ["resnet", 1, 0, 3],
    ]);
    expect(wtl[1]).toEqual({ baseline: "cnn", wins: ["BasicMotions"], ties: ["GunPoint"], losses: ["ItalyPowerDemand", "ArrowHead"] });
  });
});

describe("the per-problem table", () => {
  const [table, gaps, wtl] = buildArchiveTables(archiveResults(), publishedAccuracyOf(PUBLISHED, "datasets/published-accuracy.json"));

  it("puts each published figure beside our model of the same name, and the others as reference columns", () => {
    expect(table!.columns).toEqual([
      "ffn",
      "cnn",
      "bilstm",
      "bilstm-attention",
      "fcn",
      publishedColumn("fcn"),
      "resnet",
      publishedColumn("resnet"),
      publishedColumn("mlp"),
      publishedColumn("time-cnn"),
      publishedColumn("encoder"),
    ]);
    const cell = (problem: string, column: string) => table!.rows.find((r) => r.label === problem)!.cells[table!.columns.indexOf(column)]!;
    expect(cell("GunPoint", "fcn (published)").text).toBe("1.000");
    expect(cell("ArrowHead", "encoder (published)").mean).toBe(0.63);
    // BasicMotions is not in the published file: a dash, not a number.
    expect(cell("BasicMotions", "fcn (published)").text).toBe("–");
    expect(cell("GunPoint", "fcn").text).toBe("0.9700 ± 0.0158");
    expect(cell("GunPoint", "fcn").bold).toBe(true);
    // Every run counted: a failed run is left out (4 seeds), one that did not learn is counted and said.
    expect(cell("GunPoint", "bilstm").n).toBe(4);
    expect(cell("ArrowHead", "ffn").text).toBe("0.7000 ± 0.0158 (4/5 learned)");
    expect(table!.footer[0]!.label).toBe("mean rank");
    expect(table!.footer[0]!.cells[table!.columns.indexOf("fcn")]).toBe("1.38");
    expect(table!.footer[0]!.cells[table!.columns.indexOf("fcn (published)")]).toBe("");
    expect(table!.notes.join(" ")).toContain("(published): test accuracy, mean of 5 runs, from Fawaz et al. 2019");
    expect(table!.notes.join(" ")).toContain("1 run(s) without a score left out");
  });

  it("sets our fcn and resnet against their published figures, with our interval over seeds", () => {
    expect(gaps!.rows.map((r) => r.label)).toEqual([
      "GunPoint · fcn",
      "GunPoint · resnet",
      "ItalyPowerDemand · fcn",
      "ItalyPowerDemand · resnet",
      "ArrowHead · fcn",
      "ArrowHead · resnet",
    ]);
    // fcn on GunPoint: 0.97 over 5 seeds (std 0.0158, t(0.975, 4) = 2.776: ± 0.0196) against 1.000.
    expect(gaps!.rows[0]!.cells.map((c) => c.text)).toEqual(["0.9700 [0.9504, 0.9896]", "1.000", "−0.0300", "5"]);
    expect(gaps!.rows[0]!.cells[2]!.mean).toBeCloseTo(-0.03, 12);
    expect(gaps!.rows[5]!.cells.map((c) => c.text)).toEqual(["0.8400 [0.8204, 0.8596]", "0.838", "+0.0020", "5"]);
  });

  it("has attention's wins, ties and losses, and none of it on generated series", () => {
    expect(wtl!.rows.map((r) => [r.label, ...r.cells.map((c) => c.text)])[1]).toEqual([
      "cnn",
      "1 (BasicMotions)",
      "1 (GunPoint)",
      "2 (ItalyPowerDemand, ArrowHead)",
    ]);
    expect(buildArchiveTables(sweepResults(), PUBLISHED)).toEqual([]);
  });

  it("writes LaTeX and CSV like the other tables: the published columns escaped, the mean rank below a rule", () => {
    const latex = toLatex(table!);
    expect(latex).toContain("\\caption{archive: test accuracy per problem}");
    expect(latex).toContain("problem & ffn & cnn & bilstm & bilstm-attention & fcn & fcn (published) & resnet");
    expect(latex).toContain("\\midrule\nmean rank & 5.00 & 2.88 & 5.38 & 3.75 & 1.38 &  & 2.63 &  &  &  &  \\\\");
    const csv = toCsv(table!);
    expect(csv).toContain("archive: test accuracy per problem,GunPoint,fcn (published),1,,1,,,1.000");
    expect(csv).toContain("archive: test accuracy per problem,mean rank,fcn (published),,,,,,");
  });

  it("leaves the published columns out when no figures are given, and says so", () => {
    const [plain, ...rest] = buildArchiveTables(archiveResults(), null);
    // No published figure: no comparison with one, only the wins/ties/losses follow.
    expect(rest.map((t) => t.corner)).toEqual(["baseline"]);
    expect(plain!.columns).toEqual(["ffn", "cnn", "bilstm", "bilstm-attention", "fcn", "resnet"]);
    expect(plain!.notes).toContain("no published figures were given (datasets/published-accuracy.json)");
  });

  it("keeps the metric tables' own default: accuracy is asked for by name", () => {
    expect(buildMetricTable(archiveResults(), { metrics: ["accuracy"] })[0]!.title).toBe("archive: test accuracy");
  });
});

describe("published figures", () => {
  it("reads the facts file's shape", () => {
    expect(publishedAccuracyOf(PUBLISHED, "p.json").accuracy.GunPoint!.fcn).toBe(1);
  });

  it.each([
    [[], "p.json: (top level): expected an object with source, metric and accuracy, got []"],
    [{ ...PUBLISHED, source: 3 }, "p.json: source: expected a string, got 3"],
    [{ ...PUBLISHED, accuracy: [] }, "p.json: accuracy: expected an object of problem: { model: accuracy }, got []"],
    [{ ...PUBLISHED, accuracy: { GunPoint: 1 } }, "p.json: accuracy.GunPoint: expected an object of model: accuracy, got 1"],
    [{ ...PUBLISHED, accuracy: { GunPoint: { fcn: 100 } } }, "p.json: accuracy.GunPoint.fcn: expected a number in [0, 1], got 100"],
  ])("refuses %j with a typed error naming the key", (value, message) => {
    expect(() => publishedAccuracyOf(value, "p.json")).toThrow(UserInputError);
    expect(() => publishedAccuracyOf(value, "p.json")).toThrow(message);
  });
});
