import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attentionAdvantage, criticalDifference, headline } from "./analysis.js";
import { sweepResults, twoAxisResults } from "./fixture.test-support.js";
import { renderExperimentReport, renderIndex, indexEntry } from "./report.js";
import { checkReportInBrowser, layoutWidths } from "./testing/index.js";

const summary = (results: ReturnType<typeof sweepResults>) =>
  attentionAdvantage(results, "f1").map((a) => [a.point.label, a.baseline, Number(a.mean.toFixed(6)), a.n, a.verdict]);

describe("attention advantage", () => {
  it("finds attention clearly ahead where it beats the best baseline on every seed, and a tie where it does not", () => {
    expect(summary(sweepResults())).toEqual([
      ["0.02–0.05", "cnn", 0.1, 3, "ahead"],
      ["0.3–0.5", "cnn", 0, 3, "tie"],
    ]);
    expect(headline(sweepResults())).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline at length 0.02–0.05; no clear difference at length 0.3–0.5 (test F1, paired t over 3 seeds, Holm-corrected over 2 points, α = 0.05).",
    );
  });

  it("leaves runs that did not learn out of the comparison", () => {
    const results = sweepResults();
    for (const run of results.runs) if (run.model === "bilstm-attention" && run.seed === 3) run.didNotLearn = true;
    const [first] = attentionAdvantage(results, "f1");
    expect(first?.n).toBe(2);
  });

  it("keeps a point where attention never learned, untested and named in the headline", () => {
    const results = sweepResults();
    for (const run of results.runs) if (run.model === "bilstm-attention" && run.point["data.length"]?.toString() === "0.3,0.5") run.didNotLearn = true;
    expect(summary(results)).toEqual([
      ["0.02–0.05", "cnn", 0.1, 3, "ahead"],
      ["0.3–0.5", "cnn", Number.NaN, 0, "n/a"],
    ]);
    expect(attentionAdvantage(results, "f1")[1]?.untested).toBe("bilstm-attention has no usable run");
    // One tested point: nothing to correct for, and the verdict is the raw test's.
    expect(headline(results)).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline at length 0.02–0.05; untested at length 0.3–0.5 (bilstm-attention has no usable run) (test F1, paired t over 3 seeds, one point, no correction needed, α = 0.05).",
    );
  });

  it("says clearly behind and no clear difference on a two-axis grid, after Holm over its 4 points", () => {
    const results = twoAxisResults();
    expect(summary(results)).toEqual([
      ["length 0.02–0.05, location 0–0.3", "cnn", 0.1, 3, "ahead"],
      ["length 0.02–0.05, location 0.6–0.9", "cnn", 0, 2, "tie"],
      ["length 0.3–0.5, location 0–0.3", "cnn", 0, 3, "tie"],
      ["length 0.3–0.5, location 0.6–0.9", "cnn", -0.1, 3, "behind"],
    ]);
    expect(headline(results)).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline at length 0.02–0.05, location 0–0.3; it is clearly behind at length 0.3–0.5, location 0.6–0.9; " +
        "no clear difference at length 0.02–0.05, location 0.6–0.9; length 0.3–0.5, location 0–0.3 (test F1, paired t over 2–3 seeds, Holm-corrected over 4 points, α = 0.05).",
    );
  });
});

describe("critical difference", () => {
  it("ranks over (point, seed) blocks where every model learned, and joins only models not significantly different", () => {
    const cd = criticalDifference(twoAxisResults(), "f1")!;
    // 4 points × 3 seeds, minus bilstm's 3 runs that did not learn and attention's one.
    expect(cd.blocks).toBe(8);
    expect(cd.models).toEqual(["ffn", "cnn", "bilstm", "bilstm-attention"]);
    expect(cd.averageRanks[0]).toBe(4);
    expect(cd.friedmanP).toBeLessThan(0.05);
    const differ = (a: string, b: string) => cd.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a))!.pHolm < 0.05;
    for (const clique of cd.cliques) {
      for (const i of clique) for (const j of clique) if (i < j) expect(differ(cd.models[i]!, cd.models[j]!)).toBe(false);
    }
    // ffn is worst on every block: it differs from everyone and joins no bar.
    expect(cd.cliques.flat()).not.toContain(0);
  });
});

describe("the HTML report", () => {
  it("is one self-contained page that renders every chart in a real browser, offline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const html = await renderExperimentReport(sweepResults());
    expect(html).toContain("clearly beats the best baseline at length 0.02–0.05");
    expect(html).toContain("Holm's correction for multiple comparisons");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(?!vega\.github\.io\/schema)[^"' ]+\.(js|css)/);
    // Static SVG in every chart container, so the page reads without JavaScript: metric by length, advantage,
    // critical difference, training curves, attention overlay, localisation.
    const containers = html.match(/<div class="chart" data-chart="\d+" id="chart-\d+"><svg/g) ?? [];
    expect(containers.length).toBe(6);
    const file = join(dir, "demo.html");
    writeFileSync(file, html);
    const check = await checkReportInBrowser(file, { screenshot: join(dir, "demo.png") });
    expect(check).toEqual({ chartCount: 6, renderedCharts: 6, consoleErrors: [], networkRequests: [] });
  });

  it("draws heatmaps for a two-axis sweep and counts the runs that did not learn per model and point", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const html = await renderExperimentReport(twoAxisResults());
    // One metric chart per axis, the F1 heatmaps, the advantage and its heatmap, CD, curves, overlay, localisation.
    expect(html.match(/<div class="chart" data-chart="\d+" id="chart-\d+"><svg/g)?.length).toBe(9);
    expect(html).toContain("Mean test F1 over seeds per model, for each combination of the two axes.");
    expect(html).toContain("outlined and marked ▲ / ▼");
    expect(html).toContain("<b>3</b> did not learn (of 3)");
    expect(html).toContain("<b>1</b> did not learn (of 3)");
    expect(html).toContain('<b class="behind">clearly behind</b>');
    const file = join(dir, "grid.html");
    writeFileSync(file, html);
    expect(await checkReportInBrowser(file)).toEqual({ chartCount: 9, renderedCharts: 9, consoleErrors: [], networkRequests: [] });
  });

  it("renders an experiment without a sweep, with the paper table beside the reference", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const base = sweepResults();
    const results = {
      experiment: { ...base.experiment, spec: { name: "demo" } },
      runs: base.runs.filter((r) => r.point["data.length"]?.toString() === "0.02,0.05").map((r) => ({ ...r, point: {} })),
    };
    expect(headline(results)).toBe("Attention (bilstm-attention) clearly beats the best baseline (test F1, paired t over 3 seeds, one point, no correction needed, α = 0.05).");
    const html = await renderExperimentReport(results);
    expect(html).toContain("bilstm-attention (reference article)");
    const file = join(dir, "paper.html");
    writeFileSync(file, html);
    // Advantage, critical difference, training curves, attention overlay, localisation.
    expect(await checkReportInBrowser(file)).toEqual({ chartCount: 5, renderedCharts: 5, consoleErrors: [], networkRequests: [] });
  });

  it("fits a 1280 px window, runs table and commit column included; links to the index; names its database and swept keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const results = twoAxisResults();
    for (const run of results.runs) Object.assign(run, { gitCommit: "0123456789abcdef0123456789abcdef01234567+dirty", backend: "tensorflow", kernels: "typescript" });
    (results.experiment.spec as Record<string, unknown>).data = { size: 600, length: [0.1, 0.5], location: [0, 0.9] };
    const html = await renderExperimentReport(results, { database: "/tmp/scratch.sqlite" });
    expect(html).toContain('<a href="index.html">← all experiments</a>');
    expect(html).toContain("database <code>/tmp/scratch.sqlite</code>");
    expect(html).toContain("data: size 600, length swept (0.02–0.05, 0.3–0.5), location swept (0–0.3, 0.6–0.9)");
    expect(html).toContain("anomaly length (fraction of the series)");
    const file = join(dir, "grid.html");
    writeFileSync(file, html);
    const widths = await layoutWidths(file, 1280);
    expect(widths.page).toBeLessThanOrEqual(1280);
    for (const right of widths.tables) expect(right).toBeLessThanOrEqual(1280);
  });

  it("has an index listing each experiment with its headline", async () => {
    const html = await renderIndex([indexEntry(sweepResults(), "demo.html"), indexEntry(twoAxisResults(), "grid.html")]);
    expect(html).toContain('<a href="demo.html">demo</a>');
    expect(html).toContain('<a href="grid.html">grid</a>');
    expect(html).toContain("clearly beats the best baseline");
    expect(html).toContain("clearly behind at length 0.3–0.5, location 0.6–0.9");
    expect(html).toContain("(24 runs, 24 completed, 0 did not learn, last run 2026-11-24)");
  });
});
