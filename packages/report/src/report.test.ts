import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { attentionAdvantage, criticalDifference, headline, summarize } from "./analysis.js";
import { locationResults, sweepResults, tunedResults, twoAxisResults } from "./fixture.test-support.js";
import { renderExperimentReport, renderIndex, indexEntry } from "./report.js";
import { advantageHeatmapSpec, advantageSpec, heatmapSpec, learnedRateSpec, localisationSpec, metricBySweepSpec } from "./specs.js";
import { viewOf } from "./view.js";
import { chartTextAfterChoosing, checkLayout, checkReportInBrowser, layoutWidths } from "./testing/index.js";

const summary = (results: ReturnType<typeof sweepResults>) =>
  attentionAdvantage(results, "f1").map((a) => [a.point.label, a.baseline, Number(a.mean.toFixed(6)), a.n, a.verdict]);

describe("attention advantage", () => {
  it("finds attention clearly ahead where it beats the best baseline on every seed, and a tie where it does not", () => {
    expect(summary(sweepResults())).toEqual([
      ["0.02–0.05", "cnn", 0.1, 3, "ahead"],
      ["0.3–0.5", "cnn", 0, 3, "tie"],
    ]);
    expect(headline(sweepResults())).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline at length 0.02–0.05; no clear difference at length 0.3–0.5 (test F1 of every completed run, paired t over 3 seeds, Holm-corrected over 2 points, α = 0.05).",
    );
  });

  it("counts a run that did not learn at its score, and leaves it out only conditional on learning", () => {
    const results = sweepResults();
    for (const run of results.runs) if (run.model === "bilstm-attention" && run.seed === 3) run.didNotLearn = true;
    expect(attentionAdvantage(results, "f1")[0]?.n).toBe(3);
    expect(attentionAdvantage(results, "f1", { learnedOnly: true })[0]?.n).toBe(2);
  });

  it("keeps a point where attention has no completed run, untested and named in the headline", () => {
    const results = sweepResults();
    for (const run of results.runs) {
      if (run.model === "bilstm-attention" && run.point["data.length"]?.toString() === "0.3,0.5")
        Object.assign(run, { status: "failed", test: null });
    }
    expect(summary(results)).toEqual([
      ["0.02–0.05", "cnn", 0.1, 3, "ahead"],
      ["0.3–0.5", "cnn", Number.NaN, 0, "n/a"],
    ]);
    expect(attentionAdvantage(results, "f1")[1]?.untested).toBe("bilstm-attention has no completed run");
    // One tested point: nothing to correct for, and the verdict is the raw test's.
    expect(headline(results)).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline at length 0.02–0.05; untested at length 0.3–0.5 (bilstm-attention has no completed run) (test F1 of every completed run, paired t over 3 seeds, one point, no correction needed, α = 0.05).",
    );
  });

  it("says clearly behind and no clear difference on a two-axis grid, after Holm over its 4 points", () => {
    const results = twoAxisResults();
    // At (short, late) attention's seed 3 did not learn (F1 0.667 against cnn's 0.79): d = 0, 0, −0.123, mean −0.041.
    expect(summary(results)).toEqual([
      ["length 0.02–0.05, location 0–0.3", "cnn", 0.1, 3, "ahead"],
      ["length 0.02–0.05, location 0.6–0.9", "cnn", -0.041, 3, "tie"],
      ["length 0.3–0.5, location 0–0.3", "cnn", 0, 3, "tie"],
      ["length 0.3–0.5, location 0.6–0.9", "cnn", -0.1, 3, "behind"],
    ]);
    expect(attentionAdvantage(results, "f1", { learnedOnly: true }).map((a) => [a.n, a.verdict])).toEqual([
      [3, "ahead"],
      [2, "tie"],
      [3, "tie"],
      [3, "behind"],
    ]);
    expect(headline(results)).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline at length 0.02–0.05, location 0–0.3; it is clearly behind at length 0.3–0.5, location 0.6–0.9; " +
        "no clear difference at length 0.02–0.05, location 0.6–0.9; length 0.3–0.5, location 0–0.3 (test F1 of every completed run, paired t over 3 seeds, Holm-corrected over 4 points, α = 0.05). " +
        "Too few seeds to detect even a large difference (|Δ| ≥ 0.1) at length 0.02–0.05, location 0.6–0.9 (Δ −0.041 against cnn: with 3 seeds and the spread seen there only |Δ| > 0.36 could be significant; " +
        "about 7 seeds would make a Δ of 0.10 significant). " +
        "bilstm-attention learns in 5 of 6 runs at length 0.02–0.05, location 0.6–0.9; length 0.3–0.5, location 0–0.3 (Wilson 95% interval of the rate 0.44–0.97; ffn in 6 of 6, cnn in 6 of 6, bilstm in 3 of 6); " +
        "where it learns, its mean F1 there is 0.802 (cnn 0.800); conditional on learning, it is neither clearly ahead of nor clearly behind the best baseline at any sweep point.",
    );
  });
});

describe("every run counts (issue 15): attention learns on 1 seed of 3 at location 0–0.3, the CNN on 3", () => {
  const results = locationResults();
  const cell = (model: string, view = {}) => summarize(results, "f1", view).find((c) => c.model === model && c.point.label === "0–0.3")!;

  it("means and t intervals over all three seeds, with the learned count and its Wilson interval beside", () => {
    // Attention F1 0.99, 0.66, 0.00: mean 0.55, sd √(((0.44)² + (0.11)² + (0.55)²) / 2) = √0.2541 = 0.504083;
    // half-width t(0.975, 2) · sd / √3 = 4.302653 · 0.291032 = 1.252212 → [−0.702212, 1.802212].
    const attention = cell("bilstm-attention");
    expect(attention.n).toBe(3);
    expect(attention.mean).toBeCloseTo(0.55, 12);
    expect(attention.std).toBeCloseTo(0.504083, 6);
    expect(attention.lo).toBeCloseTo(-0.702212, 5);
    expect(attention.hi).toBeCloseTo(1.802212, 5);
    // 1 of 3 learned: Wilson 95% [0.0615, 0.7923] (worked out in stats.test.ts).
    expect([attention.learned.k, attention.learned.n]).toEqual([1, 3]);
    expect(attention.learned.lo).toBeCloseTo(0.061491, 5);
    expect(attention.learned.hi).toBeCloseTo(0.792341, 5);
    expect([cell("cnn").learned.k, cell("cnn").learned.n]).toEqual([3, 3]);
    // Conditional on learning: the one seed that learned, the 0.99 the report used to draw.
    expect([cell("bilstm-attention", { learnedOnly: true }).n, cell("bilstm-attention", { learnedOnly: true }).mean]).toEqual([1, 0.99]);
  });

  it("pairs attention with the CNN over all three seeds", () => {
    // d = 0.99 − 0.97, 0.66 − 0.98, 0.00 − 0.99 = 0.02, −0.32, −0.99: mean −0.43, sd √((0.45² + 0.11² + 0.56²) / 2) = 0.513907;
    // t = −0.43 / (0.513907 / √3) = −1.449255; with 2 degrees of freedom p = 1 − |t| / √(2 + t²) = 0.284294;
    // Holm over the 2 points (the other has p = 1): 2 · 0.284294 = 0.568587, no clear difference.
    const [first, second] = attentionAdvantage(results, "f1");
    expect(first).toMatchObject({ baseline: "cnn", n: 3, verdict: "tie" });
    expect(first!.mean).toBeCloseTo(-0.43, 12);
    expect(first!.p).toBeCloseTo(0.284294, 5);
    expect(first!.pHolm).toBeCloseTo(0.568587, 5);
    expect(first!.hi - first!.mean).toBeCloseTo(4.302653 * (0.513907 / Math.sqrt(3)), 4);
    // With 3 seeds at this spread, Holm's first step (α/2) needs |Δ| > t(0.9875, 2) · 0.513907 / √3 = 6.205347 · 0.296704 = 1.841152.
    expect(first!.detectable).toBeCloseTo(1.841152, 4);
    expect(second).toMatchObject({ n: 3, mean: 0, p: 1, verdict: "tie", detectable: 0 });
    // Conditional on learning only seed 1 pairs: no test.
    expect(attentionAdvantage(results, "f1", { learnedOnly: true })[0]).toMatchObject({
      n: 1,
      verdict: "n/a",
      untested: "1 paired seed(s), at least 2 are needed",
    });
  });

  it("the headline says the learned rate, the conditional result, and that 3 seeds could not see the difference", () => {
    const text = headline(results);
    expect(text).toMatch(
      /^Attention \(bilstm-attention\) is neither clearly ahead of nor clearly behind the best baseline at any sweep point \(test F1 of every completed run/,
    );
    expect(text).toContain(
      "Too few seeds to detect even a large difference (|Δ| ≥ 0.1) at location 0–0.3 (Δ −0.430 against cnn: with 3 seeds and the spread seen there no difference between metrics in [0, 1] could be significant;",
    );
    expect(text).toMatch(/about \d+ seeds would make a Δ of 0\.43 significant\)/);
    expect(text).toContain(
      "bilstm-attention learns in 1 of 3 runs at location 0–0.3 (Wilson 95% interval of the rate 0.06–0.79; ffn in 3 of 3, cnn in 3 of 3, bilstm in 3 of 3)",
    );
    expect(text).toContain(
      "where it learns, its mean F1 there is 0.990 (cnn 0.980); conditional on learning, untested at location 0–0.3 (1 paired seed(s), at least 2 are needed).",
    );
  });

  it("draws the all-runs line by default, the conditional one in the other view, and the learned rate with its Wilson band", () => {
    const at = (spec: object) =>
      (spec as { data: { values: Array<Record<string, unknown>> } }).data.values.filter(
        (v) => v.model === "bilstm-attention" && v.x === "0–0.3" && (v.metric ?? "F1") === "F1",
      );
    expect(at(metricBySweepSpec(viewOf(results), "data.location"))).toMatchObject([{ n: 3, learned: "1 of 3" }]);
    expect(at(metricBySweepSpec(viewOf(results), "data.location"))[0]!.mean).toBeCloseTo(0.55, 12);
    expect(at(metricBySweepSpec(viewOf(results, { learnedOnly: true }), "data.location"))).toMatchObject([{ n: 1, mean: 0.99 }]);
    const [rate] = at(learnedRateSpec(viewOf(results), "data.location"));
    expect(rate).toMatchObject({ learned: "1 of 3" });
    expect(rate!.rate).toBeCloseTo(1 / 3, 12);
    expect(rate!.lo).toBeCloseTo(0.061491, 5);
  });

  it("renders both views in one offline page: all runs by default, conditional on learning on a switch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const html = await renderExperimentReport(results);
    expect(html).toContain("learns in 1 of 3 runs at location 0–0.3");
    expect(html).toContain('<input type="radio" name="view" id="view-all" value="all" checked> every completed run (learned or not)');
    expect(html).toContain('id="view-learned" value="learned"> conditional on learning (only the runs that learned)');
    expect(html).toContain("<b>1 of 3</b> [0.06, 0.79]");
    expect(html).toContain("0.5500 ± 0.5041 (1/3 learned)");
    expect(html).toContain("0.9900 (1/3 learned)");
    expect(html).toContain('<div class="view-learned"><p class="muted"><b>Conditional on learning</b>');
    // Each view: the metric along location, the advantage, the critical difference; then the learned rate, curves, overlay, localisation.
    const file = join(dir, "location.html");
    writeFileSync(file, html);
    expect(await checkReportInBrowser(file)).toEqual({ chartCount: 10, renderedCharts: 10, consoleErrors: [], networkRequests: [] });
  });
});

describe("critical difference", () => {
  it("ranks over (point, seed) blocks of every completed run, and joins only models not significantly different", () => {
    const cd = criticalDifference(twoAxisResults(), "f1")!;
    // 4 points × 3 seeds; conditional on learning, minus bilstm's 3 runs that did not learn and attention's one.
    expect(cd.blocks).toBe(12);
    expect(criticalDifference(twoAxisResults(), "f1", { learnedOnly: true })!.blocks).toBe(8);
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
    // critical difference, learned rate by length, training curves, attention overlay, localisation.
    const containers = html.match(/<div class="chart" data-chart="\d+" id="chart-\d+"><svg/g) ?? [];
    expect(containers.length).toBe(7);
    // Every run learned: one view, no switch.
    expect(html).not.toContain('name="view"');
    const file = join(dir, "demo.html");
    writeFileSync(file, html);
    const check = await checkReportInBrowser(file, { screenshot: join(dir, "demo.png") });
    expect(check).toEqual({ chartCount: 7, renderedCharts: 7, consoleErrors: [], networkRequests: [] });
  });

  it("shows a tuned experiment's tuning: the choices, Dodge's curve in a real browser, the trial grid, and every run with its role", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const html = await renderExperimentReport(tunedResults());
    expect(html).toContain(`<section id="tuning"><h2>Tuning: every model at its best</h2>`);
    expect(html).toContain(
      "with every model at its best (chosen on validation loss from 6 trials at each sweep point: ffn normalize=zscore, patienceFrom=start;",
    );
    expect(html).toContain("<code>model.normalize ∈ {none, zscore, diff} × train.patienceFrom ∈ {start, learning}</code>");
    expect(html).toContain("96 tuning runs and 24 evaluation runs");
    expect(html).toContain("evaluation seeds 1, 2, 3 · tuning seeds 100, 101");
    expect(html).toContain("demo: mean validation loss of every trial at length 0.3–0.5");
    // The runs table lists the trial runs with their role; the verdict's tables do not count them.
    expect(html).toContain("<th>role</th>");
    expect(html.match(/<span class="nowrap">trial \d<\/span>/g)).toHaveLength(96);
    expect(html.match(/<span class="nowrap">chosen \d<\/span>/g)).toHaveLength(24);
    // The seven charts of the untuned page, and the expected-best curve.
    expect(html.match(/<div class="chart" data-chart="\d+" id="chart-\d+"><svg/g)).toHaveLength(8);
    const file = join(dir, "tuned.html");
    writeFileSync(file, html);
    const check = await checkReportInBrowser(file, { screenshot: join(dir, "tuned.png") });
    expect(check).toEqual({ chartCount: 8, renderedCharts: 8, consoleErrors: [], networkRequests: [] });
    // An untuned page has neither section nor role column.
    const plain = await renderExperimentReport(sweepResults());
    expect(plain).not.toContain('id="tuning"');
    expect(plain).not.toContain("<th>role</th>");
  });

  it("shows only the tuning and the runs while a tuned experiment has no evaluation run yet", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const tuned = tunedResults();
    const html = await renderExperimentReport({ ...tuned, runs: tuned.runs.filter((r) => r.seed >= 100) });
    expect(html).toContain("No comparison yet");
    expect(html.match(/<section id="[a-z]+"/g)).toEqual(['<section id="tuning"', '<section id="runs"']);
    const file = join(dir, "trials.html");
    writeFileSync(file, html);
    // The expected-best curve alone, drawn without a warning (empty verdict charts would warn of infinite extents).
    expect(await checkReportInBrowser(file)).toEqual({ chartCount: 1, renderedCharts: 1, consoleErrors: [], networkRequests: [] });
  });

  it("draws heatmaps for a two-axis sweep and counts the runs that did not learn per model and point", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const html = await renderExperimentReport(twoAxisResults());
    // In each of the two views: one metric chart per axis, the F1 heatmaps, the advantage and its heatmap, CD;
    // then the learned rate per axis, curves, overlay, localisation.
    expect(html.match(/<div class="chart" data-chart="\d+" id="chart-\d+"><svg/g)?.length).toBe(17);
    expect(html).toContain("Mean test F1 over seeds per model, for each combination of the two axes;");
    expect(html).toContain("outlined and marked ▲ / ▼");
    // bilstm learned on none of 3 seeds at (long, early), attention on 2 of 3 at (short, late).
    expect(html).toContain("<b>0 of 3</b> [0.00, 0.56]");
    expect(html).toContain("<b>2 of 3</b> [0.21, 0.94]");
    expect(html).toContain('<b class="behind">clearly behind</b>');
    const file = join(dir, "grid.html");
    writeFileSync(file, html);
    expect(await checkReportInBrowser(file)).toEqual({ chartCount: 17, renderedCharts: 17, consoleErrors: [], networkRequests: [] });
  });

  it("renders an experiment without a sweep, with the paper table beside the reference", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-report-"));
    const base = sweepResults();
    const results = {
      experiment: { ...base.experiment, spec: { name: "demo" } },
      runs: base.runs.filter((r) => r.point["data.length"]?.toString() === "0.02,0.05").map((r) => ({ ...r, point: {} })),
    };
    expect(headline(results)).toBe(
      "Attention (bilstm-attention) clearly beats the best baseline (test F1 of every completed run, paired t over 3 seeds, one point, no correction needed, α = 0.05).",
    );
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
    for (const run of results.runs)
      Object.assign(run, { gitCommit: "0123456789abcdef0123456789abcdef01234567+dirty", backend: "tensorflow", kernels: "typescript" });
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

  it("names the sweep axis with its unit in every chart and table, never a bare 'length' or 'point'", async () => {
    /** The titles of every encoding of the sweep point (`x`, and `y` in a heatmap), axes and tooltips alike. */
    const pointTitles = (spec: unknown): string[] =>
      spec === null || typeof spec !== "object"
        ? []
        : Object.values(spec)
            .flatMap(pointTitles)
            .concat(
              ["x", "y"].includes((spec as { field?: unknown }).field as string) && typeof (spec as { title?: unknown }).title === "string"
                ? [(spec as { title: string }).title]
                : [],
            );
    const length = "anomaly length (fraction of the series)";
    const one = viewOf(sweepResults());
    const titles = [
      metricBySweepSpec(one, "data.length"),
      learnedRateSpec(one, "data.length"),
      advantageSpec(one),
      localisationSpec(one),
    ].flatMap(pointTitles);
    expect(titles.length).toBeGreaterThanOrEqual(8);
    expect(new Set(titles)).toEqual(new Set([length]));
    const two = viewOf(twoAxisResults());
    const both = `${length}, anomaly start (fraction of the series)`;
    expect(new Set([advantageSpec(two), localisationSpec(two)].flatMap(pointTitles))).toEqual(new Set([both]));
    expect(new Set([heatmapSpec(two), advantageHeatmapSpec(two)].flatMap(pointTitles))).toEqual(
      new Set([length, "anomaly start (fraction of the series)"]),
    );
    // Tables: the point column is headed by the axis with its unit; only the runs table's "length=…" cells say "point".
    const html = await renderExperimentReport(one.results);
    expect(html.match(/<th>point<\/th>/g)).toHaveLength(1);
    expect(html).toContain(`<th>${length}</th>`);
  });

  it("shows what attention looks at for every model with attention pooling, not only the one named bilstm-attention (issue 25, 6)", async () => {
    const renamed = (results: ReturnType<typeof sweepResults>, from: string, to: string) =>
      results.runs.filter((r) => r.model === from).map((r) => ({ ...r, model: to, id: r.id.replace(/^[a-z0-9]{8}/, "variant0") }));
    // A variant alone: the subject's name nowhere in the file.
    const base = sweepResults();
    const variant = {
      ...base,
      runs: [...base.runs.filter((r) => r.model !== "bilstm-attention"), ...renamed(base, "bilstm-attention", "bilstm-z")],
    };
    const alone = await renderExperimentReport(variant);
    expect(alone).toContain('<section id="attention"><h2>What attention looks at</h2>');
    expect(alone).toContain("<th>runs</th><th>mass in window</th>");
    // Beside the subject: both in the menu and one localisation panel and row per model.
    const both = { ...base, runs: [...base.runs, ...renamed(base, "bilstm-attention", "cnn-attention")] };
    const html = await renderExperimentReport(both);
    expect(html).toContain("<th>model</th><th>runs</th><th>mass in window</th>");
    expect(html).toContain("cnn-attention · length 0.02–0.05 · seed 1");
    expect(html).toContain("bilstm-attention · length 0.02–0.05 · seed 1");
    const file = join(mkdtempSync(join(tmpdir(), "tsa-report-")), "variants.html");
    writeFileSync(file, html);
    expect((await checkReportInBrowser(file)).consoleErrors).toEqual([]);
  });

  it("says what its numbers can be: no |Δ| > 1, no interval past [−1, 1], the chosen metric, one name per verdict (issue 25, 16)", async () => {
    const location = await renderExperimentReport(locationResults());
    // Δ −0.43 over 3 seeds with a spread of 0.57: the t interval runs past −1, the smallest detectable |Δ| past 1.
    expect(location).not.toMatch(/\|Δ\| > [1-9]/);
    expect(location).toContain("no difference between metrics in [0, 1] could be significant");
    const section = (html: string, id: string) =>
      html.slice(html.indexOf(`<section id="${id}">`), html.indexOf("</section>", html.indexOf(`<section id="${id}">`)));
    const intervals = [...section(location, "advantage").matchAll(/<td>\[([-+]\d\.\d+), ([-+]\d\.\d+)\]<\/td>/g)].flatMap((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(intervals.length).toBeGreaterThan(0);
    expect(intervals.some((v) => v === -1)).toBe(true);
    for (const v of intervals) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    // The switch is named only where the page has it.
    expect(location).toContain("unless you choose <i>conditional on learning</i> at the top");
    const demo = await renderExperimentReport(sweepResults());
    expect(demo).not.toContain('name="view"');
    expect(demo).not.toContain("unless you choose");
    expect(demo).toContain("every completed run here learned, so the page has one view");
    // The y axis names the metric shown (F1 first), in the static SVG and in the live chart's title signal.
    expect(demo).not.toContain("test metric (mean");
    expect(demo).toContain("test F1 (mean, 95% CI over seeds)");
    expect(JSON.stringify(metricBySweepSpec(viewOf(sweepResults()), "data.length"))).toContain(
      "'test ' + metric + ' (mean, 95% CI over seeds)'",
    );
    // Two columns are not both `model`; the legend says what the caption and the table say.
    expect(demo).not.toContain("<th>model</th><th>model</th>");
    expect(demo).toContain("<th>model</th><th>against</th><th>Wilcoxon p</th>");
    const legend = (advantageSpec(viewOf(sweepResults())) as { layer: Array<{ encoding: { color?: { scale: { domain: string[] } } } }> })
      .layer[1]!.encoding.color!;
    expect(legend.scale.domain).toEqual(["clearly ahead", "no clear difference", "clearly behind"]);
    expect(demo).toContain('<b class="tie">no clear difference</b>');
  });

  it("names the chosen metric on the y axis of the live chart (issue 25, 16)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tsa-report-")), "demo.html");
    writeFileSync(file, await renderExperimentReport(sweepResults()));
    const svg = await chartTextAfterChoosing(file, 0, "accuracy");
    expect(svg).toContain("test accuracy (mean, 95% CI over seeds)");
    expect(svg).not.toContain("test F1 (mean");
  });

  it("reads on a phone (390 px) and a desktop (1280 px): nothing wider than the window, legible charts, a headline that leaves room (issue 25, 7)", async () => {
    // TSA_DOCS_SCREENSHOTS=1 writes the two screenshots the docs show (docs/report-1280.png, docs/report-390.png).
    const docs = fileURLToPath(new URL("../../../docs/", import.meta.url));
    const dir = process.env.TSA_DOCS_SCREENSHOTS === "1" ? docs : mkdtempSync(join(tmpdir(), "tsa-report-"));
    const file = join(mkdtempSync(join(tmpdir(), "tsa-report-")), "grid.html");
    // The two-axis sweep: the widest charts (four heatmap panels), both views, and the longest headline.
    writeFileSync(file, await renderExperimentReport(twoAxisResults(), { generatedAt: new Date("2026-12-01T00:00:00Z") }));
    for (const [width, height] of [
      [1280, 900],
      [390, 844],
    ] as const) {
      const screenshot = join(dir, `report-${width}.png`);
      const layout = await checkLayout(file, { width, height, screenshot, screenshotHeight: 2400 });
      // Headless chromium's scrollbars overlay the page: the page may be no wider than the window.
      expect(layout.page, `page width at ${width} px`).toBeLessThanOrEqual(width);
      for (const right of layout.boxes) expect(right, `a table or chart box at ${width} px`).toBeLessThanOrEqual(width);
      expect(layout.smallestChartText, `chart labels at ${width} px`).toBeGreaterThanOrEqual(8);
      expect(layout.leadBottom, `the headline at ${width} px`).toBeLessThanOrEqual(0.6 * height);
      expect(layout.consoleErrors).toEqual([]);
      expect(existsSync(screenshot)).toBe(true);
    }
  }, 120_000);

  it("has an index listing each experiment with its headline", async () => {
    const html = await renderIndex([indexEntry(sweepResults(), "demo.html"), indexEntry(twoAxisResults(), "grid.html")]);
    expect(html).toContain('<a href="demo.html">demo</a>');
    expect(html).toContain('<a href="grid.html">grid</a>');
    expect(html).toContain("clearly beats the best baseline");
    expect(html).toContain("clearly behind at length 0.3–0.5, location 0.6–0.9");
    expect(html).toContain("(24 runs, 24 completed, 0 did not learn, last run 2026-11-24)");
  });
});
