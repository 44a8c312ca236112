import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attentionAdvantage, headline } from "./analysis.js";
import { sweepResults } from "./fixture.test-support.js";
import { renderExperimentReport, renderIndex, indexEntry } from "./report.js";
import { checkReportInBrowser } from "./testing/index.js";

describe("attention advantage", () => {
  it("finds attention clearly ahead where it beats the best baseline on every seed, and a tie where it does not", () => {
    const advantages = attentionAdvantage(sweepResults(), "f1");
    expect(advantages.map((a) => [a.point.label, a.baseline, Number(a.mean.toFixed(6)), a.verdict])).toEqual([
      ["0.02–0.05", "cnn", 0.1, "ahead"],
      ["0.3–0.5", "cnn", 0, "tie"],
    ]);
    expect(headline(sweepResults())).toBe(
      "Bilstm-attention clearly beats the best baseline at 0.02–0.05 (length); ties elsewhere (F1, paired t over seeds, Holm-corrected, α = 0.05).",
    );
  });

  it("leaves runs that did not learn out of the comparison", () => {
    const results = sweepResults();
    for (const run of results.runs) if (run.model === "bilstm-attention" && run.seed === 3) run.didNotLearn = true;
    const [first] = attentionAdvantage(results, "f1");
    expect(first?.n).toBe(2);
  });
});

describe("the HTML report", () => {
  it("is one self-contained page that renders every chart in a real browser, offline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const results = sweepResults();
    const html = await renderExperimentReport(results);
    expect(html).toContain("clearly beats the best baseline at 0.02–0.05");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(?!vega\.github\.io\/schema)[^"' ]+\.(js|css)/);
    // Static SVG in every chart container, so the page reads without JavaScript.
    const containers = html.match(/<div class="chart" data-chart="\d+" id="chart-\d+"><svg/g) ?? [];
    expect(containers.length).toBe(7);
    const file = join(dir, "demo.html");
    writeFileSync(file, html);
    const check = await checkReportInBrowser(file, { screenshot: join(dir, "demo.png") });
    expect(check).toEqual({ chartCount: 7, renderedCharts: 7, consoleErrors: [], networkRequests: [] });
  });

  it("has an index listing each experiment with its headline", async () => {
    const html = await renderIndex([indexEntry(sweepResults(), "demo.html")]);
    expect(html).toContain('<a href="demo.html">demo</a>');
    expect(html).toContain("clearly beats the best baseline");
  });
});
