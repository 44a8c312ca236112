import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExperimentSpecError } from "@tsa/errors";
import { lookLevels } from "@tsa/runner/sequential";
import { describe, expect, it } from "vitest";
import { experimentHeadline } from "./ablation.js";
import { SEQUENTIAL, sequentialResults, sweepResults } from "./fixture.test-support.js";
import { renderExperimentReport } from "./report.js";
import { sequentialOf } from "./sequential.js";
import { sequentialLooksSpec } from "./sequential-specs.js";
import { buildSequentialTables } from "./sequential-tables.js";
import { renderSvg } from "./svg.js";
import { toCsv, toLatex, toMarkdown } from "./tables.js";
import { checkReportInBrowser } from "./testing/index.js";
import { viewOf } from "./view.js";

const AHEAD = "bilstm-attention vs cnn at noise=0: ahead, decided at n = 8 (look 1 of 2), mean difference +0.100 [+0.100, +0.100]";
const LEVEL = "bilstm-attention vs cnn at noise=0.2: level, decided at n = 8 (look 1 of 2), mean difference +0.000 [-0.004, +0.004]";
const UNDECIDED = "bilstm-attention vs cnn at noise=0.4: undecided at n = 12 (the most allowed), mean difference +0.000 [-0.066, +0.066]";

describe("sequential seeds in the report", () => {
  it("re-derives each comparison's verdict, look and seeds from the stored runs", () => {
    const summary = sequentialOf(viewOf(sequentialResults()))!;
    expect(summary.comparisons).toBe(3);
    expect(summary.levels).toEqual(lookLevels(SEQUENTIAL.looks, 0.05 / 3, "pocock"));
    const rows = summary.rows.map((r) => [r.point.label, r.treatment, r.control, r.verdict, r.looks.map((l) => l.n)]);
    // cnn is the best baseline on validation at every point (ffn is 0.2 below it).
    expect(rows).toEqual([
      ["0", "bilstm-attention", "cnn", "ahead", [8]],
      ["0.2", "bilstm-attention", "cnn", "level", [8]],
      ["0.4", "bilstm-attention", "cnn", "undecided", [8, 12]],
    ]);
    // Only the open comparison's pair got the second look's seeds: 8 + 8 + 12 runs each, ffn 8 at every point.
    expect(summary.spent).toEqual([
      { model: "ffn", runs: 24, fixed: 36 },
      { model: "cnn", runs: 28, fixed: 36 },
      { model: "bilstm-attention", runs: 28, fixed: 36 },
    ]);
  });

  it("is null for a file with a plain list of seeds, whose headline stays the fixed design's", () => {
    expect(sequentialOf(viewOf(sweepResults()))).toBeNull();
    expect(buildSequentialTables(sweepResults())).toEqual([]);
    expect(experimentHeadline(sweepResults())).toContain("Holm-corrected");
  });

  it("states each comparison's sequential verdict with its interval in the headline, and how it was decided", () => {
    const headline = experimentHeadline(sequentialResults());
    expect(headline).toContain(`${AHEAD}; ${LEVEL}; ${UNDECIDED}.`);
    expect(headline).toContain("α = 0.05 split equally over the 3 comparison(s) (Bonferroni, α/m = 0.0167 each)");
    expect(headline).toContain("Lan–DeMets Pocock-type function, each look an exact signed-rank test");
    expect(headline).toContain("80 runs spent of the 108 a fixed design with 12 seeds for every model and point would have spent (74%)");
    expect(headline).not.toContain("Holm");
  });

  it("says where a comparison stands while its next look's runs are still to come", () => {
    const results = sequentialResults();
    const open = { ...results, runs: results.runs.filter((r) => r.seed <= 10) };
    const row = sequentialOf(viewOf(open))!.rows[2]!;
    expect([row.verdict, row.next]).toEqual([null, 12]);
    expect(experimentHeadline(open)).toContain("bilstm-attention vs cnn at noise=0.4: open after look 1, next at n = 12, mean difference");
  });

  it("says so before the first look has settled, and draws no looks chart yet", async () => {
    const results = sequentialResults();
    const early = { ...results, runs: results.runs.filter((r) => r.seed <= 5) };
    const summary = sequentialOf(viewOf(early))!;
    expect(summary.rows.every((r) => r.verdict === null && r.looks.length === 0)).toBe(true);
    expect(experimentHeadline(early)).toContain(
      "bilstm-attention vs the best baseline (chosen at the first look) at noise=0: waiting for the first look: not every model has a settled run on each of its 8 seeds;",
    );
    const html = await renderExperimentReport(early);
    expect(html).toContain('<section id="sequential"');
    expect(html).not.toContain("against the level spent at that look");
  });

  it("tables the comparisons in Markdown, LaTeX and CSV, with the method and the seeds spent", () => {
    const [table] = buildSequentialTables(sequentialResults());
    const md = toMarkdown(table!);
    expect(md).toContain("| noise std (fraction of the amplitude) | treatment | control | verdict | look / n | mean difference [95% CI] |");
    expect(md).toContain("| 0 | bilstm-attention | cnn | ahead, decided at n = 8 (look 1 of 2) | 1 / 8 | +0.100 [+0.100, +0.100] |");
    expect(md).toContain("| 0.4 | bilstm-attention | cnn | undecided at n = 12 (the most allowed) | 2 / 12 | +0.000 [-0.066, +0.066] |");
    expect(md).toContain("ffn 24 of 36, cnn 28 of 36, bilstm-attention 28 of 36");
    expect(toLatex(table!)).toContain(
      "0.2 & bilstm-attention & cnn & level, decided at n = 8 (look 1 of 2) & 1 / 8 & +0.000 [-0.004, +0.004]",
    );
    const csv = toCsv(table!);
    expect(csv.split("\n")[0]).toBe("table,point,column,mean,std,n,learned,completed,text");
    expect(csv).toContain(",0.4,verdict,,,0,,,undecided at n = 12 (the most allowed)\n");
    expect(csv).toMatch(/,0,mean difference \[95% CI\],0\.\d+,,8,,,"\+0\.100 \[\+0\.100, \+0\.100\]"\n/);
  });

  it("charts each look's p-values against the level spent there, on a log scale", async () => {
    const summary = sequentialOf(viewOf(sequentialResults()))!;
    const spec = sequentialLooksSpec(summary) as unknown as {
      layer: Array<{ data: { values: Array<Record<string, unknown>> }; encoding: { y: { scale: { type: string } } } }>;
    };
    const [boundary, tests] = spec.layer;
    expect(boundary!.data.values).toEqual([
      { n: 8, look: 1, level: summary.levels[0] },
      { n: 12, look: 2, level: summary.levels[1] },
    ]);
    // Four looks tested (one each at noise 0 and 0.2, two at 0.4), each with its two-sided and its TOST p-value.
    expect(tests!.data.values).toHaveLength(8);
    const at = (comparison: string, look: number, test: string) =>
      tests!.data.values.find((v) => v.comparison === comparison && v.look === look && v.test === test)!.p as number;
    // Every pair ahead: the smallest exact two-sided p of 8 pairs, 2/2⁸, below the level spent at look 1.
    expect(at("bilstm-attention vs cnn at noise=0", 1, "ahead/behind (two-sided)")).toBeCloseTo(2 / 256, 10);
    expect(at("bilstm-attention vs cnn at noise=0.2", 1, "level (TOST)")).toBeCloseTo(1 / 256, 10);
    expect(at("bilstm-attention vs cnn at noise=0.4", 2, "ahead/behind (two-sided)")).toBeGreaterThan(summary.levels[1]!);
    expect(spec.layer.every((l) => l.encoding.y.scale.type === "log")).toBe(true);
    expect(await renderSvg(sequentialLooksSpec(summary))).toContain("seeds (n) at the look");
  });

  it("puts the verdicts, the chart and the seeds spent in the page, and says the Holm verdicts are not the experiment's", async () => {
    const html = await renderExperimentReport(sequentialResults());
    expect(html).toContain('<section id="sequential"');
    expect(html).toContain("<h2>Seeds until decided</h2>");
    expect(html).toContain("<td>ahead, decided at n = 8 (look 1 of 2)</td>");
    expect(html).toContain("<td>undecided at n = 12 (the most allowed)</td>");
    expect(html).toContain("against the level spent at that look");
    expect(html).toContain("<tr><td>ffn</td><td>24</td><td>36</td></tr>");
    expect(html).toContain("the Holm verdicts here treat the seeds as a fixed design");
    const file = join(mkdtempSync(join(tmpdir(), "tsa-report-")), "seq-demo.html");
    writeFileSync(file, html);
    // The looks chart among the page's others: every one drawn live, without a console error or a request.
    const check = await checkReportInBrowser(file);
    expect(check).toMatchObject({ consoleErrors: [], networkRequests: [] });
    expect(check.renderedCharts).toBe(check.chartCount);
    expect(html.match(/<div class="chart" data-chart="\d+" id="chart-\d+"><svg/g)?.length).toBe(check.chartCount);
    const plain = await renderExperimentReport(sweepResults());
    expect(plain).not.toContain('id="sequential"');
    expect(plain).not.toContain("treat the seeds as a fixed design");
  });

  it("names the key of a malformed sequential block", () => {
    const results = sequentialResults();
    const spec = { ...(results.experiment.spec as object), sequential: { ...SEQUENTIAL, boundary: "haybittle" } };
    const read = () => viewOf({ ...results, experiment: { ...results.experiment, spec } });
    expect(read).toThrow(ExperimentSpecError);
    expect(read).toThrow("experiments/seq-demo.yaml (experiment 'seq-demo' as stored): sequential.boundary: expected");
  });
});
