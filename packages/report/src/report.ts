import type { ExperimentResults, RunResult } from "@tsa/tracker";
import { ablationHeadline, ablationOfView, buildAblationTable, experimentHeadline, experimentHeadlineParts } from "./ablation.js";
import { ablationLevelsSpec } from "./ablation-specs.js";
import { wilson } from "./stats.js";
import { LARGE_DIFFERENCE, advantageOf, cellOf, criticalDifferenceOf, summaryOf, type Headline } from "./analysis.js";
import { escapeHtml, renderPage, viewSwitch, type Block, type PageView, type Section } from "./html.js";
import {
  ATTENTION_MODEL,
  CONDITIONAL_LABEL,
  METRICS,
  VERDICT_TEXT,
  attends,
  axisLabel,
  clipDifference,
  formatValue,
  pointTitle,
  scored,
  type MetricName,
  type RunView,
} from "./results.js";
import {
  SELECTABLE_METRICS,
  advantageHeatmapSpec,
  advantageSpec,
  attentionOverlaySpec,
  criticalDifferenceSpec,
  heatmapSpec,
  learnedRateSpec,
  localisationSpec,
  metricBySweepSpec,
  pointText,
  trainingCurvesSpec,
} from "./specs.js";
import { metricTables, paperTable, toHtml } from "./tables.js";
import { roleText, seedsText } from "./run-tuning.js";
import { sequentialSection } from "./sequential-section.js";
import { tuningSection } from "./tuning-section.js";
import { archiveSection } from "./archive-section.js";
import type { PublishedAccuracy } from "./published.js";
import { viewsOf, type ResultsView, type ResultsViews } from "./view.js";

const e = escapeHtml;
const table = (head: string[], rows: string[][]) =>
  `<table><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</table>`;
const fixed = (v: number, digits = 4, sign = false) => (Number.isNaN(v) ? "–" : `${sign && v >= 0 ? "+" : ""}${v.toFixed(digits)}`);
const pValue = (p: number) => (Number.isNaN(p) ? "–" : p.toPrecision(3));

/** For a sequential experiment, the fixed-design verdicts below are not its verdicts: say where those are. */
const fixedDesignNote = (view: ResultsView) =>
  view.experiment.sequential === undefined
    ? ""
    : ` <b>This experiment added seeds where a comparison was open (sequential seeds): its verdicts are those of <a href="#sequential">Seeds until decided</a>; the Holm verdicts here treat the seeds as a fixed design and are shown for reference.</b>`;

/** Which runs a view's numbers count, in the words of a caption. */
const countedRuns = (view: RunView) =>
  view.learnedOnly === true
    ? `<b>${CONDITIONAL_LABEL}</b>: only the runs that learned count (see <a href="#learned">Did every run learn?</a>)`
    : `every completed run counts at the score it reached, learned or not (see <a href="#learned">Did every run learn?</a>)`;

/** What draws a model's interval along an axis (specs.ts): a band along a scale, a bar per archive problem. */
const intervalShape = (axis: string) => (axis === "data.problem" ? "bar" : "band");

function sweepSection(view: ResultsView): Section {
  const { axes } = view;
  const blocks: Block[] = axes.map((axis) => ({
    chart: metricBySweepSpec(view, axis),
    caption:
      `Test metric against ${axisLabel(axis)}${
        axes.length > 1
          ? `, one panel per value of ${axes
              .filter((a) => a !== axis)
              .map(axisLabel)
              .join(", ")}`
          : ""
      }: ` +
      `mean over seeds, ${intervalShape(axis)} = 95% t interval (clipped to [0, 1]). Choose the metric in the menu. ${countedRuns(view)}.`,
  }));
  if (axes.length === 2)
    blocks.push({
      chart: heatmapSpec(view, view.metric),
      caption: `Mean test ${METRICS[view.metric]} over seeds per model, for each combination of the two axes; ${countedRuns(view)}.`,
    });
  if (axes.length === 0)
    blocks.push({
      html: toHtml(metricTables(view, { metrics: SELECTABLE_METRICS, markSignificant: true })[0]!, e),
    });
  return { id: "sweep", title: axes.length > 0 ? "Test metric across the sweep" : "Test metric per model", blocks };
}

function advantageSection(view: ResultsView): Section | null {
  const advantages = advantageOf(view, view.metric);
  const label = METRICS[view.metric];
  if (advantages.length === 0) return null;
  const tested = advantages.filter((a) => a.verdict !== "n/a").length;
  const { axes } = view;
  const rows = advantages.map((a) => [
    e(a.point.label),
    e(a.baseline ?? "–"),
    fixed(a.mean, 4, true),
    a.verdict === "n/a" ? "–" : `[${fixed(clipDifference(a.lo), 4, true)}, ${fixed(clipDifference(a.hi), 4, true)}]`,
    String(a.n),
    pValue(a.p),
    pValue(a.pHolm),
    a.verdict === "n/a" ? `n/a: ${e(a.untested ?? "")}` : `<b class="${a.verdict}">${VERDICT_TEXT[a.verdict]}</b>`,
  ]);
  const blocks: Block[] = [];
  if (tested > 0)
    blocks.push({
      chart: advantageSpec(view, view.metric),
      caption: `Δ ${label} with its 95% paired interval (clipped to [−1, 1], the range of a difference of two metrics); colour = the Holm-corrected verdict (green: clearly ahead, red: clearly behind, grey: no clear difference).`,
    });
  if (axes.length === 2)
    blocks.push({
      chart: advantageHeatmapSpec(view, view.metric),
      caption: `Δ ${label} per cell of the two-axis sweep; outlined and marked ▲ / ▼: clearly ahead / behind after Holm's correction.`,
    });
  blocks.push({
    html: table(
      [pointTitle(axes), "best baseline", `Δ ${label}`, "95% CI (clipped to [−1, 1])", "paired seeds", "p", "p (Holm)", "verdict"],
      rows,
    ),
  });
  return {
    id: "advantage",
    title: "Where attention helps",
    intro:
      `At each sweep point: ${ATTENTION_MODEL}'s test ${label} minus the best baseline's (the baseline with the highest mean there), paired by seed — ` +
      "every model sees the same data for a given seed. The interval is the 95% t interval of the paired differences. " +
      `A point is <b>clearly ahead</b> (or <b>clearly behind</b>) when the paired t test stays significant at α = 0.05 after <b>Holm's correction for multiple comparisons</b> ` +
      `over the ${tested} tested point(s) of this sweep; ${countedRuns(view)}. ` +
      `With few seeds a large difference can still come out as no clear difference: the headline says where the test could not have seen a difference of ${LARGE_DIFFERENCE}.` +
      fixedDesignNote(view),
    blocks,
  };
}

/** What the ablated part (or the variants) changes: each level per context, and each against the reference. */
function ablationSection(view: ResultsView): Section | null {
  const ablation = ablationOfView(view, view.metric);
  if (ablation === null) return null;
  const what = ablation.axis === null ? "model" : `value of <code>${e(ablation.axis)}</code>`;
  return {
    id: "ablation",
    title: ablation.axis === null ? "Ablation: the models against each other" : `Ablation: ${e(axisLabel(ablation.axis))}`,
    intro:
      `${e(ablationHeadline(ablation))} — Each ${what} at each context (the same model and the same values of the other axes, so the same data for a seed), ` +
      `against the reference level <b>${e(String(ablation.reference))}</b>: the difference is paired by seed, with its 95% t interval and Holm's correction over ` +
      `${ablation.treatment === null ? "every comparison shown" : "the comparisons the headline makes and, separately, over the other levels' (exploratory)"}; ${countedRuns(view)}.` +
      fixedDesignNote(view),
    blocks: [
      {
        chart: ablationLevelsSpec(ablation),
        caption: `Test ${METRICS[view.metric]} per level: dots are single runs (one per seed), the bar the mean with its 95% t interval.`,
      },
      { html: toHtml(buildAblationTable(ablation), e) },
    ],
  };
}

function rankingSection(view: ResultsView): Section | null {
  // Archive problems are ranked across problems (the field's unit) in their own section, not over problem × seed.
  if (view.archive) return null;
  const cd = criticalDifferenceOf(view, view.metric);
  if (cd === null) return null;
  const pairs = cd.pairs.map((p) => [
    e(p.a),
    e(p.b),
    pValue(p.p),
    pValue(p.pHolm),
    p.pHolm < 0.05 ? "<b>differ</b>" : "no clear difference",
  ]);
  const friedmanNote =
    cd.friedmanP < 0.05
      ? "rejects equal ranks"
      : "does not reject equal ranks, so the pairwise tests below are shown for completeness only";
  return {
    id: "ranking",
    title: "Ranking across the sweep",
    intro:
      `Critical-difference diagram over ${cd.blocks} blocks (each sweep point × seed where every model has a counted run; ${countedRuns(view)}): ` +
      `average rank of test ${METRICS[view.metric]} (1 = best). The Friedman test (p = ${pValue(cd.friedmanP)}) ${friedmanNote}. ` +
      "Models joined by a bar are not significantly different by pairwise Wilcoxon signed-rank tests with Holm's correction (α = 0.05)." +
      // With few blocks no pair can differ at all: say so rather than let the bar read as a finding.
      (cd.blocks <= 6
        ? ` With ${cd.blocks} blocks the smallest two-sided Wilcoxon p is 2/2^${cd.blocks} = ${(2 / 2 ** cd.blocks).toPrecision(3)}, before any correction.`
        : ""),
    blocks: [{ chart: criticalDifferenceSpec(cd) }, { html: table(["model", "against", "Wilcoxon p", "p (Holm)", "verdict"], pairs) }],
  };
}

function curvesSection(view: ResultsView): Section {
  return {
    id: "curves",
    title: "Training curves",
    blocks: [
      {
        chart: trainingCurvesSpec(view),
        caption:
          "Training (blue) and validation (orange) loss per epoch, one line per seed, one panel per model; choose the sweep point in the menu. Dashed: a run that did not learn. " +
          // On a K-class problem chance is the entropy of the class prior, which the stored run does not carry.
          (view.archive ? "Loss: cross-entropy (binary for 2 classes, categorical for more)." : "Dotted: chance level ln 2."),
      },
    ],
  };
}

function attentionSection(view: ResultsView): Section | null {
  const blocks: Block[] = [];
  const overlay = attentionOverlaySpec(view);
  if (overlay !== null)
    blocks.push({
      chart: overlay,
      caption: view.archive
        ? "Blue: one test series of each class (a multichannel series shows its first channel); red: the attention weights α over time. An archive problem has no true window, so no localisation measure is computed. Choose any completed run in the menu (the menu's runs include those that did not learn)."
        : "Blue: the series; red: the attention weights α over time; shaded: the true flat window. Choose any completed run in the menu (the menu's runs include those that did not learn).",
    });
  const localisation = localisationSpec(view);
  if (localisation !== null) {
    const models = view.attentionModels;
    const rows = view.points.flatMap((p) =>
      models.map((model) => {
        const runs = view.runsAt(p, model).filter((r) => attends(r) && r.test?.attentionMassInWindow != null);
        const avg = (f: (r: RunResult) => number) => (runs.length === 0 ? Number.NaN : runs.reduce((s, r) => s + f(r), 0) / runs.length);
        return [
          e(p.label),
          ...(models.length > 1 ? [e(model)] : []),
          String(runs.length),
          fixed(
            avg((r) => r.test!.attentionMassInWindow!),
            3,
          ),
          fixed(
            avg((r) => r.test!.attentionPeakInWindow!),
            3,
          ),
        ];
      }),
    );
    blocks.push({
      chart: localisation,
      caption:
        "Attention localisation on the test set (stored per run): mean share of α inside the true window over anomalous series, and share of anomalous series whose α peaks inside it. Attention spread evenly would put about the window's length fraction inside it.",
    });
    const head = [pointTitle(view.axes), ...(models.length > 1 ? ["model"] : []), "runs", "mass in window", "peak in window"];
    blocks.push({ html: table(head, rows) });
  }
  return blocks.length === 0 ? null : { id: "attention", title: "What attention looks at", blocks };
}

function confusionSection(view: ResultsView): Section | null {
  // The counts are the anomaly task's (anomalous = positive); a K-class problem records none.
  if (view.archive) return null;
  const rows = view.points.flatMap((p) =>
    view.models.map((model) => {
      const runs = view.runsAt(p, model).filter(scored);
      const sum = (k: "tn" | "fp" | "fn" | "tp") => (runs.length === 0 ? "–" : String(runs.reduce((s, r) => s + (r.test?.[k] ?? 0), 0)));
      return [e(p.label), e(model), String(runs.length), sum("tn"), sum("fp"), sum("fn"), sum("tp")];
    }),
  );
  return {
    id: "confusion",
    title: "Confusion matrices",
    intro: "Test-set counts summed over seeds (every completed run, learned or not): [[tn, fp], [fn, tp]] with anomalous = positive.",
    blocks: [{ html: table([pointTitle(view.axes), "model", "runs", "tn", "fp", "fn", "tp"], rows) }],
  };
}

function tablesSection(view: ResultsView): Section {
  // The reference article's table is the anomaly task's: an archive problem is set beside its own published figures.
  const reference = view.points.length <= 1 && !view.archive;
  const metrics = [view.metric, ...SELECTABLE_METRICS.filter((m) => m !== view.metric)];
  const tables = reference ? [paperTable(view, 4)] : metricTables(view, { metrics, markSignificant: true });
  return {
    id: "tables",
    title: "Paper-style tables",
    intro: reference
      ? "Test metrics per model beside the reference article's published result."
      : view.points.length <= 1
        ? "Test metrics per model (mean ± std over seeds), best per column in bold."
        : "Test metrics per sweep point (mean ± std over seeds), best per row in bold.",
    blocks: tables.map((t) => ({ html: toHtml(t, e) })),
  };
}

/**
 * Learned as a measure of its own: per model and point, k of n completed runs learned, with the Wilson 95%
 * interval, a chart of the rate along each axis, and the runs without a score.
 */
function learnedSection(view: ResultsView, twoViews: boolean): Section {
  const { models, axes } = view;
  const cells = summaryOf(view, "f1");
  const rows = view.points.map((p) => [
    e(p.label),
    ...models.map((m) => {
      const { learned } = cellOf(view, p, m, "f1");
      const unscored = view.runsAt(p, m).filter((r) => !scored(r)).length;
      const rate =
        learned.n === 0
          ? "–"
          : `${learned.k < learned.n ? `<b>${learned.k} of ${learned.n}</b>` : `${learned.k} of ${learned.n}`} [${fixed(learned.lo, 2)}, ${fixed(learned.hi, 2)}]`;
      return rate + (unscored > 0 ? ` · ${unscored} not completed` : "");
    }),
  ]);
  // How wide the interval stays even when every run learned, at this experiment's number of runs a cell.
  const perCell = Math.max(0, ...cells.map((c) => c.learned.n));
  const widest =
    perCell > 0
      ? ` (with ${perCell} runs, ${perCell} of ${perCell} still allows a rate as low as ${fixed(wilson(perCell, perCell).lo, 2)})`
      : "";
  const charts: Block[] = axes.map((axis) => ({
    chart: learnedRateSpec(view, axis),
    caption: `Share of completed runs that learned against ${axisLabel(axis)}, per model; ${intervalShape(axis)} = Wilson 95% interval${widest}.`,
  }));
  return {
    id: "learned",
    title: "Did every run learn?",
    intro:
      "A run <b>did not learn</b> when its validation loss never went clearly below the chance level: the entropy of the training class prior, ln 2 for a balanced binary problem (the flag is set once, by training, and stored with the run: " +
      "<code>did_not_learn</code> in <code>run_summary</code>). Such a run still has a test score, and every mean, interval, comparison and ranking on this page counts it at that score" +
      // The switch is on the page only when some run did not learn: name it only then.
      (twoViews
        ? ` unless you choose <i>${CONDITIONAL_LABEL}</i> at the top. `
        : `; every completed run here learned, so the page has one view. `) +
      "Failed, interrupted and unfinished runs have no score and are left out. " +
      "Runs that learned, k of n completed, with the Wilson 95% interval of the rate:",
    blocks: [...charts, { html: table([pointTitle(axes), ...models], rows) }],
  };
}

/** Every run of the experiment, a tuned one's trial runs too (with their role), though only its evaluation runs count elsewhere. */
function runsSection(results: ExperimentResults, tuned: boolean, metric: MetricName): Section {
  // Eleven narrow columns, so the table (commit included) fits a 1280 px window: the id cut to 10 characters
  // (the whole id on hover, as `./tsa show` takes any unambiguous prefix), epochs and seconds paired.
  const rows = results.runs.map((r) => [
    `<code title="${e(r.id)}">${e(r.id.slice(0, 10))}</code>`,
    `<span class="nowrap">${e(r.model)}</span>`,
    `<span class="nowrap">${e(pointText(r.point) || "–")}</span>`,
    String(r.seed),
    ...(tuned ? [`<span class="nowrap">${e(roleText(r))}</span>`] : []),
    r.didNotLearn ? "<b>did not learn</b>" : e(r.status),
    r.test === null ? "–" : r.test[metric].toFixed(4),
    `${r.epochsRun ?? "–"} (${r.bestEpoch ?? "–"})${r.stoppedEarly ? " early" : ""}`,
    `${r.durationMs === null ? "–" : (r.durationMs / 1000).toFixed(1)} / ${r.trainDurationMs === null ? "–" : (r.trainDurationMs / 1000).toFixed(1)}`,
    e(`${r.backend}/${r.kernels}`),
    `<code title="${e(r.gitCommit ?? "")}">${e((r.gitCommit ?? "–").slice(0, 8))}${r.gitCommit?.endsWith("+dirty") ? "+" : ""}</code>`,
  ]);
  const versions = [
    ...new Set(
      results.runs.map((r) =>
        Object.entries(r.versions)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ),
    ),
  ].filter((v) => v !== "");
  const spec = JSON.stringify(results.experiment.spec, null, 2);
  return {
    id: "runs",
    title: "Runs",
    intro:
      "Every run of the experiment. The id is the hash of the run's resolved config (model, seed, data, training; hover for all of it); " +
      (tuned
        ? "role: <i>trial t</i> is a tuning run of trial t (on a tuning seed; counted only in the tuning section), <i>chosen t</i> a run of the chosen trial t on an evaluation seed; "
        : "") +
      "epochs trained, the best one in brackets, <i>early</i> when early stopping ended the run; seconds of the whole run and of training alone; commit + = uncommitted changes.",
    blocks: [
      {
        html: table(
          [
            "id",
            "model",
            "point",
            "seed",
            ...(tuned ? ["role"] : []),
            "status",
            `test ${METRICS[metric]}`,
            "epochs (best)",
            "run / train (s)",
            "backend/kernels",
            "commit",
          ],
          rows,
        ),
      },
      {
        html: `<p class="muted">Versions: ${versions.map(e).join(" | ") || "–"}</p><details><summary>Experiment file as validated</summary><pre>${e(spec)}</pre></details>`,
      },
    ],
  };
}

/** `data: size 600, numPoints 32 · train: epochs 12, …`: what the experiment overrides, in one line. */
function setupText({ data, train, seeds, sweep, tune }: ResultsView["experiment"]): string {
  // A swept key's value in `data`/`train` is only the default the sweep overrides: say it is swept instead.
  const swept = new Set(Object.keys(sweep ?? {}));
  const value = (v: unknown, path: string): string =>
    swept.has(path)
      ? `swept (${(sweep?.[path] ?? []).map(formatValue).join(", ")})`
      : v !== null && typeof v === "object" && !Array.isArray(v)
        ? `{${kv(v as Record<string, unknown>, path)}}`
        : formatValue(v);
  const kv = (o: Record<string, unknown> | undefined, prefix: string): string =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k} ${value(v, `${prefix}.${k}`)}`)
      .join(", ");
  return [
    data === undefined ? "" : `data: ${kv(data, "data")}`,
    train === undefined ? "" : `train: ${kv(train, "train")}`,
    seeds === undefined ? "" : `${tune === undefined ? "" : "evaluation "}seeds ${seeds.map(formatValue).join(", ")}`,
    tune === undefined ? "" : `tuning ${seedsText(tune.seeds)}`,
  ]
    .filter((x) => x !== "")
    .join(" · ");
}

/**
 * A section in both views: every block of the all-runs build shows in the default view, every block of the
 * conditional build (its intro led by "conditional on learning") in the other.
 */
function inBothViews(views: ResultsViews, build: (view: ResultsView) => Section | null): Section | null {
  const [all, conditional] = [build(views.all), build(views.learned)];
  const base = all ?? conditional;
  if (base === null) return null;
  const tag = (section: Section | null, view: PageView, lead: string): Block[] =>
    section === null
      ? [{ html: `<p class="muted">${lead}nothing to show.</p>`, view }]
      : [
          ...(section.intro === undefined ? [] : [{ html: `<p class="muted">${lead}${section.intro}</p>`, view }]),
          ...section.blocks.map((b) => ({ ...b, view })),
        ];
  return {
    id: base.id,
    title: base.title,
    blocks: [...tag(all, "all", ""), ...tag(conditional, "learned", `<b>Conditional on learning</b> (only the runs that learned count): `)],
  };
}

export interface ReportOptions {
  /** Shown in the footer; defaults to now. */
  generatedAt?: Date;
  /** The database the page was made from, shown in it (a scratch database's report must say so). */
  database?: string;
  /** Published accuracies to show beside ours on archive problems (the CLI reads the project's facts file). */
  published?: PublishedAccuracy | null;
}

const databaseText = (database: string | undefined) => (database === undefined ? "" : ` · database <code>${e(database)}</code>`);

/** The verdict as the page's lead; what qualifies it (seeds, learning) after it in smaller type, so a phone's first screen shows more than the headline. */
const headlineHtml = ({ verdict, detail }: Headline) =>
  `<p class="lead">${e(verdict)}</p>${detail === "" ? "" : `\n<p class="lead-detail">${e(detail)}</p>`}`;

/** ` · 96 tuning runs and 24 evaluation runs (see Tuning)`: how a tuned experiment's runs divide; "" for an untuned one. */
const tunedText = ({ tuning }: ResultsView) =>
  tuning === null
    ? ""
    : ` · ${tuning.trials.length} tuning runs and ${tuning.evaluations.length} evaluation runs (<a href="#tuning">how each model was tuned</a>)`;

/** The experiment's report: one self-contained HTML page that opens from disk with no network. */
export async function renderExperimentReport(results: ExperimentResults, options: ReportOptions = {}): Promise<string> {
  const { experiment, runs } = results;
  // Every fact the page shows is computed once, in one of these two views, and passed down.
  const views = viewsOf(results);
  const counts = ["completed", "failed", "interrupted", "running", "queued"]
    .map((s) => [s, runs.filter((r) => r.status === s).length] as const)
    .filter(([, n]) => n > 0);
  const setup = setupText(views.all.experiment);
  const twoViews = runs.some((r) => scored(r) && r.didNotLearn);
  const switcher = twoViews
    ? viewSwitch({ all: "every completed run (learned or not)", learned: `${CONDITIONAL_LABEL} (only the runs that learned)` })
    : "";
  const header = `<p class="muted"><a href="index.html">← all experiments</a></p>
<h1>${e(experiment.name)}</h1>
<p>${e(experiment.description)}</p>
${headlineHtml(experimentHeadlineParts(views))}
${switcher}
<p class="muted">${runs.length} runs (${counts.map(([s, n]) => `${n} ${s}`).join(", ")}; ${runs.filter((r) => r.didNotLearn).length} did not learn)${tunedText(views.all)} ·
models ${views.all.models.map(e).join(", ")} · metrics: ${Object.values(METRICS).join(", ")} on the test split ·
${setup === "" ? "" : `${e(setup)} · `}from <code>${e(experiment.file)}</code>${databaseText(options.database)} · generated ${(options.generatedAt ?? new Date()).toISOString()}</p>`;
  // With no run that failed to learn both views are the same page: show it once.
  const inViews = (build: (view: ResultsView) => Section | null) => (twoViews ? inBothViews(views, build) : build(views.all));
  // While a tuned experiment has only trial runs, the verdict's sections would be empty charts: show the tuning alone.
  const verdict =
    views.all.tuning !== null && views.all.points.length === 0
      ? []
      : [
          inViews(sweepSection),
          inViews((view) => archiveSection(view, options.published ?? null)),
          sequentialSection(views.all),
          inViews(ablationSection),
          inViews(advantageSection),
          inViews(rankingSection),
          tuningSection(views.all),
          learnedSection(views.all, twoViews),
          curvesSection(views.all),
          attentionSection(views.all),
          inViews(tablesSection),
          confusionSection(views.all),
        ];
  const sections = [
    ...(verdict.length === 0 ? [tuningSection(views.all)] : verdict),
    runsSection(results, views.all.tuning !== null, views.all.metric),
  ].filter((s): s is Section => s !== null);
  return renderPage(`${experiment.name} — tsa-lab`, header, sections);
}

export interface IndexEntry {
  name: string;
  description: string;
  headline: string;
  href: string;
  runs: number;
  /** Completed runs flagged `did not learn`. */
  didNotLearn: number;
  completed: number;
  failed: number;
  /** When the last run finished (ISO), or null before any has. */
  lastRunAt: string | null;
}

export function indexEntry(results: ExperimentResults, href: string): IndexEntry {
  const finished = results.runs
    .map((r) => r.finishedAt)
    .filter((t): t is string => t !== null)
    .sort();
  return {
    name: results.experiment.name,
    description: results.experiment.description,
    headline: experimentHeadline(results),
    href,
    runs: results.runs.length,
    didNotLearn: results.runs.filter((r) => r.didNotLearn).length,
    completed: results.runs.filter((r) => r.status === "completed").length,
    failed: results.runs.filter((r) => r.status === "failed").length,
    lastRunAt: finished.at(-1) ?? null,
  };
}

/** reports/index.html: every experiment with its headline, run counts, last run's date and a link. */
export async function renderIndex(entries: IndexEntry[], options: Pick<ReportOptions, "database"> = {}): Promise<string> {
  const counts = (x: IndexEntry) =>
    [
      `${x.runs} runs`,
      `${x.completed} completed`,
      x.failed > 0 ? `${x.failed} failed` : "",
      `${x.didNotLearn} did not learn`,
      x.lastRunAt === null ? "" : `last run ${x.lastRunAt.slice(0, 10)}`,
    ]
      .filter((p) => p !== "")
      .join(", ");
  const items = entries
    .map(
      (x) =>
        `<li><h3><a href="${e(x.href)}">${e(x.name)}</a> <span class="muted">(${e(counts(x))})</span></h3><p>${e(x.description)}</p><p class="lead">${e(x.headline)}</p></li>`,
    )
    .join("\n");
  return renderPage(
    "tsa-lab reports",
    `<h1>tsa-lab reports</h1><p class="muted">Where does attention beat the baselines? One report per experiment${databaseText(options.database)}.</p>`,
    [{ id: "experiments", title: "Experiments", blocks: [{ html: `<ul style="list-style:none;padding:0">${items}</ul>` }] }],
  );
}
