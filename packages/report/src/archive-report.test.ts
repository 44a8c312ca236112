import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PUBLISHED, archiveResults, sweepResults } from "./fixture.test-support.js";
import { publishedAccuracyOf } from "./published.js";
import { renderExperimentReport } from "./report.js";
import { chartTextAfterChoosing, checkReportInBrowser } from "./testing/index.js";

const section = (html: string, id: string) => {
  const start = html.indexOf(`<section id="${id}">`);
  return start < 0 ? "" : html.slice(start, html.indexOf("</section>", start));
};
/** The text of an HTML fragment: tags dropped, entities of the escaper read back. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

describe("the report of a sweep over archive problems (issue 24, 5)", async () => {
  const published = publishedAccuracyOf(PUBLISHED, "datasets/published-accuracy.json");
  const html = await renderExperimentReport(archiveResults(), { published, generatedAt: new Date("2026-12-06T00:00:00Z") });
  const archive = section(html, "archive");

  it("leads with accuracy: the headline, the charts' first metric, the runs table", () => {
    expect(text(html.slice(0, html.indexOf("<nav>")))).toContain("test accuracy of every completed run");
    expect(html).toContain("test accuracy (mean, 95% CI over seeds)");
    expect(section(html, "runs")).toContain("<th>test accuracy</th>");
    expect(section(html, "advantage")).toContain("<th>Δ accuracy</th>");
  });

  it("has an Archive problems section: accuracy per problem beside the published figures, the mean rank, where attention stands", () => {
    expect(archive).toContain("<h2>Archive problems</h2>");
    expect(archive).toContain("<th>fcn (published)</th>");
    expect(archive).toContain("<th>encoder (published)</th>");
    const gunPoint = text(
      archive.slice(archive.indexOf("<tr><td>GunPoint</td>"), archive.indexOf("</tr>", archive.indexOf("<tr><td>GunPoint</td>"))),
    );
    // ffn, cnn, bilstm (4 seeds: one failed), attention, fcn, fcn published, resnet, resnet published, mlp, time-cnn, encoder.
    expect(gunPoint.trim().split(" ")).toEqual(
      "GunPoint 0.9000 ± 0.0158 0.9500 ± 0.0158 0.8050 ± 0.0129 0.9500 ± 0.0158 0.9700 ± 0.0158 1.000 0.9600 ± 0.0158 0.991 0.928 0.948 0.784".split(
        " ",
      ),
    );
    expect(text(archive)).toContain("mean rank 5.00 2.88 5.38 3.75 1.38 2.63");
    expect(text(archive)).toContain("bilstm-attention ranks 3.75 on average, place 4 of 6 over 4 problem(s)");
    expect(text(archive)).toContain("0.7000 ± 0.0158 (4/5 learned)");
    expect(text(archive)).toContain("GunPoint · fcn 0.9700 [0.9504, 0.9896] 1.000 −0.0300 5");
  });

  it("draws the critical-difference diagram over problems, and says that 4 problems cannot separate any pair", () => {
    expect(text(archive)).toContain("Critical-difference diagram over 4 problems");
    expect(text(archive)).toContain("No bars: with 4 problems no pair of models can be significantly different");
    // The note is in the chart itself (static SVG) too, not only in the caption.
    expect(archive).toMatch(/<svg[\s\S]*No bars: with 4 problems/);
    // No bar in the spec: its bars layer has no rows.
    expect(archive).not.toContain("not significantly different</title>");
    // The ranking over problem × seed blocks is left out: problems are the unit here.
    expect(section(html, "ranking")).toBe("");
  });

  it("gives attention's wins, ties and losses against each baseline", () => {
    expect(text(archive)).toContain("cnn 1 (BasicMotions) 1 (GunPoint) 2 (ItalyPowerDemand, ArrowHead)");
    expect(text(archive)).toContain("a tie when they differ by less than 0.0005");
  });

  it("overlays α on one test series of each class, with no window and no localisation", () => {
    const attention = section(html, "attention");
    // The first run in the menu is on GunPoint (2 classes): a panel per class it has; BasicMotions' runs bring 4.
    expect(attention).toContain("Class 0 test series");
    expect(attention).toContain("Class 1 test series");
    expect(attention).not.toContain("Class 2 test series");
    expect(html).toContain('"kind":"class 3"');
    expect(attention).not.toContain("Anomalous test series");
    expect(attention).toContain("no true window, so no localisation measure");
    expect(attention).not.toContain("mass in window");
    // The confusion counts are the anomaly task's: not shown for K-class problems.
    expect(section(html, "confusion")).toBe("");
  });

  it("renders in a browser with no console error, and a run on a 4-class problem gets a panel per class", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tsa-archive-")), "archive.html");
    writeFileSync(file, html);
    expect((await checkReportInBrowser(file)).consoleErrors).toEqual([]);
    const overlay = Number(/data-chart="(\d+)"/.exec(section(html, "attention"))![1]);
    const chosen = await chartTextAfterChoosing(file, overlay, "problem BasicMotions · seed 1 · bilstm0a");
    for (const label of [0, 1, 2, 3]) expect(chosen).toContain(`Class ${label} test series`);
  }, 60_000);

  it("leaves a report on generated series as it was: no archive section", async () => {
    const demo = await renderExperimentReport(sweepResults(), { published });
    expect(section(demo, "archive")).toBe("");
    expect(demo).toContain('<section id="ranking">');
  });
});

describe("a file with one archive problem (`data: { problem: GunPoint }`, no sweep)", async () => {
  const all = archiveResults();
  const results = {
    experiment: { ...all.experiment, spec: { ...(all.experiment.spec as object), sweep: {} } },
    runs: all.runs.filter((r) => r.point["data.problem"] === "GunPoint").map((r) => ({ ...r, point: {} })),
  };
  const html = await renderExperimentReport(results, { published: PUBLISHED });

  it("names the problem in its row, sets the published figures beside ours, and has no diagram of one problem", () => {
    const archive = text(section(html, "archive"));
    expect(archive).toContain("GunPoint 0.9000 ± 0.0158");
    expect(archive).toContain("1.000 0.9600 ± 0.0158 0.991");
    expect(archive).toContain("No critical-difference diagram: it needs at least 2 problems");
    expect(archive).toContain("cnn 0 1 (GunPoint) 0");
  });

  it("leaves out the anomaly task's reference table and its chance level", () => {
    const tables = section(html, "tables");
    expect(tables).not.toContain("reference article");
    expect(tables).toContain("Test metrics per model (mean ± std over seeds), best per column in bold.");
    // Accuracy, the headline metric, is the first column.
    expect(tables).toMatch(/<th>model<\/th><th>accuracy<\/th><th>F1<\/th>/);
    const curves = section(html, "curves");
    expect(curves).toContain("cross-entropy loss");
    expect(curves).not.toContain("ln 2");
  });
});
