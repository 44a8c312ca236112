import type { ExperimentResults, RunResult } from "@tsa/tracker";
import { attentionAdvantage, criticalDifference, headline } from "./analysis.js";
import { escapeHtml, renderPage, type Block, type Section } from "./html.js";
import { ATTENTION_MODEL, METRICS, axesOf, axisLabel, formatValue, modelsOf, sweepPoints, usable } from "./results.js";
import {
  advantageHeatmapSpec,
  advantageSpec,
  attentionOverlaySpec,
  criticalDifferenceSpec,
  heatmapSpec,
  localisationSpec,
  metricBySweepSpec,
  trainingCurvesSpec,
} from "./specs.js";
import { buildMetricTable, toHtml } from "./tables.js";

const e = escapeHtml;
const table = (head: string[], rows: string[][]) =>
  `<table><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</table>`;

function pointText(run: RunResult): string {
  return Object.entries(run.point).map(([k, v]) => `${axisLabel(k)} ${formatValue(v)}`).join(", ") || "–";
}

function sweepSection(results: ExperimentResults): Section {
  const axes = axesOf(results);
  const blocks: Block[] =
    axes.length === 2
      ? [{ chart: heatmapSpec(results), caption: "Mean test F1 over seeds per model, for each combination of the two axes." }]
      : axes.length === 1
        ? [{ chart: metricBySweepSpec(results, axes[0]!), caption: `Test metric against ${axisLabel(axes[0]!)}: mean over seeds, band = 95% t interval. Choose the metric in the menu.` }]
        : [];
  blocks.push({ html: toHtml(buildMetricTable(results, { metrics: ["f1"], markSignificant: true })[0]!, e) });
  return { id: "sweep", title: axes.length > 0 ? `Test metric across the sweep` : "Test metric per model", blocks };
}

function advantageSection(results: ExperimentResults): Section | null {
  const advantages = attentionAdvantage(results, "f1");
  if (advantages.length === 0) return null;
  const axes = axesOf(results);
  const rows = advantages.map((a) => [e(a.point.label), e(a.baseline), a.mean.toFixed(4), `[${a.lo.toFixed(4)}, ${a.hi.toFixed(4)}]`, String(a.n), Number.isNaN(a.p) ? "–" : a.p.toPrecision(3), Number.isNaN(a.pHolm) ? "–" : a.pHolm.toPrecision(3), `<b>${a.verdict}</b>`]);
  return {
    id: "advantage",
    title: "Where attention helps",
    intro:
      `At each sweep point: ${ATTENTION_MODEL}'s test F1 minus the best baseline's (the baseline with the highest mean there), paired by seed — ` +
      "every model sees the same data for a given seed. The interval is the 95% t interval of the paired differences. " +
      `A point is <b>clearly ahead</b> (or behind) when the paired t test stays significant at α = 0.05 after Holm's correction for the ${advantages.length} comparisons of this sweep.`,
    blocks: [
      { chart: advantageSpec(results), caption: "Δ F1 with its 95% interval; colour = the Holm-corrected verdict." },
      ...(axes.length === 2 ? [{ chart: advantageHeatmapSpec(results), caption: "Δ F1 per cell of the two-axis sweep." } as Block] : []),
      { html: table(["point", "best baseline", "Δ F1", "95% CI", "paired seeds", "p", "p (Holm)", "verdict"], rows) },
    ],
  };
}

function rankingSection(results: ExperimentResults): Section | null {
  const cd = criticalDifference(results, "f1");
  if (cd === null) return null;
  const pairs = cd.pairs.map((p) => [e(p.a), e(p.b), p.p.toPrecision(3), p.pHolm.toPrecision(3), p.pHolm < 0.05 ? "differ" : "–"]);
  return {
    id: "ranking",
    title: "Ranking across the sweep",
    intro:
      `Critical-difference diagram over ${cd.blocks} blocks (each sweep point × seed where every model has a usable run): average rank of test F1 ` +
      `(1 = best). Friedman test p = ${cd.friedmanP.toPrecision(3)}. Models joined by a bar are not significantly different by pairwise Wilcoxon signed-rank tests with Holm's correction (α = 0.05).`,
    blocks: [{ chart: criticalDifferenceSpec(cd) }, { html: table(["model", "model", "Wilcoxon p", "p (Holm)", ""], pairs) }],
  };
}

function curvesSection(results: ExperimentResults): Section {
  return {
    id: "curves",
    title: "Training curves",
    blocks: [{ chart: trainingCurvesSpec(results), caption: "Training (solid) and validation (dashed) loss per epoch, mean over seeds; choose the sweep point in the menu." }],
  };
}

function attentionSection(results: ExperimentResults): Section | null {
  const blocks: Block[] = [];
  for (const label of [1, 0] as const) {
    const spec = attentionOverlaySpec(results, label);
    if (spec !== null) blocks.push({ chart: spec, caption: "Blue: the series; red: the attention weights α over time; shaded: the true flat window." });
  }
  const localisation = localisationSpec(results);
  if (localisation !== null) {
    blocks.push({ chart: localisation, caption: "Attention localisation on the test set: mean share of α inside the true window, and share of anomalous series whose α peaks inside it." });
  }
  return blocks.length === 0 ? null : { id: "attention", title: "What attention looks at", blocks };
}

function confusionSection(results: ExperimentResults): Section {
  const rows = sweepPoints(results).flatMap((p) =>
    modelsOf(results).map((model) => {
      const runs = results.runs.filter((r) => r.model === model && usable(r) && JSON.stringify(r.point) === JSON.stringify(p.point));
      const sum = (k: "tn" | "fp" | "fn" | "tp") => runs.reduce((s, r) => s + (r.test?.[k] ?? 0), 0);
      return [e(p.label), e(model), String(runs.length), String(sum("tn")), String(sum("fp")), String(sum("fn")), String(sum("tp"))];
    }),
  );
  return { id: "confusion", title: "Confusion matrices", intro: "Test-set counts summed over seeds (usable runs).", blocks: [{ html: table(["point", "model", "runs", "tn", "fp", "fn", "tp"], rows) }] };
}

function excludedSection(results: ExperimentResults): Section {
  const flagged = results.runs.filter((r) => !usable(r));
  const counts = new Map<string, number>();
  for (const r of flagged) {
    const key = `${r.model}|${pointText(r)}|${r.didNotLearn ? "did not learn" : r.status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = [...counts.entries()].map(([key, n]) => [...key.split("|").map(e), String(n)]);
  return {
    id: "excluded",
    title: "Runs left out",
    intro:
      "Runs that never learned (validation loss never left the chance level ln 2 by more than 0.02) are flagged <b>did not learn</b> and kept out of every mean, interval and ranking above, as are failed and interrupted runs.",
    blocks: [{ html: rows.length === 0 ? "<p>None: every run completed and learned.</p>" : table(["model", "point", "why", "runs"], rows) }],
  };
}

function runsSection(results: ExperimentResults): Section {
  const rows = results.runs.map((r) => [
    `<code>${e(r.id)}</code>`, e(r.model), e(pointText(r)), String(r.seed), r.didNotLearn ? "did not learn" : e(r.status),
    r.test === null ? "–" : r.test.f1.toFixed(4), String(r.epochsRun ?? "–"), String(r.bestEpoch ?? "–"),
    r.durationMs === null ? "–" : (r.durationMs / 1000).toFixed(1), e(`${r.backend}/${r.kernels}`), `<code>${e((r.gitCommit ?? "–").slice(0, 12))}</code>`,
  ]);
  return {
    id: "runs",
    title: "Runs",
    intro: "Every run of the experiment. The id is the hash of the run's resolved config (model, seed, data, training).",
    blocks: [{ html: table(["id", "model", "point", "seed", "status", "test F1", "epochs", "best epoch", "duration (s)", "backend/kernels", "commit"], rows) }],
  };
}

export interface ReportOptions {
  /** Shown in the footer; defaults to now. */
  generatedAt?: Date;
}

/** The experiment's report: one self-contained HTML page that opens from disk with no network. */
export async function renderExperimentReport(results: ExperimentResults, options: ReportOptions = {}): Promise<string> {
  const { experiment, runs } = results;
  const counts = ["completed", "failed", "interrupted", "running", "queued"].map((s) => [s, runs.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  const header = `<h1>${e(experiment.name)}</h1>
<p>${e(experiment.description)}</p>
<p class="lead">${e(headline(results))}</p>
<p class="muted">${runs.length} runs (${counts.map(([s, n]) => `${n} ${s}`).join(", ")}; ${runs.filter((r) => r.didNotLearn).length} did not learn) ·
models ${modelsOf(results).map(e).join(", ")} · metrics: ${Object.values(METRICS).join(", ")} on the test split ·
from <code>${e(experiment.file)}</code> · generated ${(options.generatedAt ?? new Date()).toISOString()}</p>`;
  const sections = [
    sweepSection(results),
    advantageSection(results),
    rankingSection(results),
    curvesSection(results),
    attentionSection(results),
    confusionSection(results),
    excludedSection(results),
    runsSection(results),
  ].filter((s): s is Section => s !== null);
  return renderPage(`${experiment.name} — tsa-lab`, header, sections);
}

export interface IndexEntry {
  name: string;
  description: string;
  headline: string;
  href: string;
  runs: number;
}

export function indexEntry(results: ExperimentResults, href: string): IndexEntry {
  return { name: results.experiment.name, description: results.experiment.description, headline: headline(results), href, runs: results.runs.length };
}

/** reports/index.html: every experiment with its headline and a link. */
export async function renderIndex(entries: IndexEntry[]): Promise<string> {
  const items = entries
    .map((x) => `<li><h3><a href="${e(x.href)}">${e(x.name)}</a> <span class="muted">(${x.runs} runs)</span></h3><p>${e(x.description)}</p><p class="lead">${e(x.headline)}</p></li>`)
    .join("\n");
  return renderPage("tsa-lab reports", `<h1>tsa-lab reports</h1><p class="muted">Where does attention beat the baselines? One report per experiment.</p>`, [
    { id: "experiments", title: "Experiments", blocks: [{ html: `<ul style="list-style:none;padding:0">${items}</ul>` }] },
  ]);
}
