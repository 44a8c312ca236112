import { ExperimentSpecError } from "@tsa/errors";
import { ExperimentSchema, comparedPairs, sweepPoints, type Experiment, type Sequential } from "@tsa/runner/experiment";
import {
  lookLevels,
  sequentialComparisons,
  type ComparedRun,
  type LookResult,
  type SequentialComparison,
  type Verdict,
} from "@tsa/runner/sequential";
import type { RunResult } from "@tsa/tracker";
import { metricNamed, type MetricField } from "@tsa/tracker/catalogue";
import { formatPoint, pointKey, pointLabel, type SweepPoint } from "./results.js";
import { tInterval, type Interval } from "./stats.js";
import type { Headline } from "./analysis.js";
import type { ResultsView } from "./view.js";

/** One comparison of a sequential experiment as the report states it. */
export interface SequentialRow {
  point: SweepPoint;
  treatment: string;
  /** The control, or before the first look has settled, where the best of several baselines is not chosen yet, what it will be. */
  control: string;
  /** Each look tested, in order; the last one's `decided` is the verdict. */
  looks: LookResult[];
  /** ahead / behind / level, undecided at the last look, or null while the next look's runs are still to come. */
  verdict: Verdict | null;
  /** Paired differences (treatment − control) over the seeds of the last look tested: mean and 95% t interval. */
  difference: Interval;
  /** Seeds the next look needs (null once decided). */
  next: number | null;
}

/** The runs one model spent, against a fixed design's. */
export interface SeedsSpent {
  model: string;
  /** Settled evaluation runs (completed or failed) over every point. */
  runs: number;
  /** The fixed design: the last look's seeds at every point. */
  fixed: number;
}

export interface SequentialSummary {
  plan: Sequential;
  /** The family: every compared pair at every point (α is split over them). */
  comparisons: number;
  /** Each look's level for one comparison: its share α / m spent at that look. */
  levels: number[];
  /** The metric's field on a run's test and validation metrics. */
  field: MetricField;
  /** The metric's label (`accuracy`). */
  label: string;
  rows: SequentialRow[];
  spent: SeedsSpent[];
}

const SETTLED = new Set(["completed", "failed"]);
const cache = new WeakMap<ResultsView, SequentialSummary | null>();

/**
 * Where each comparison of a sequential experiment stands, re-derived from the view's runs with the runner's
 * own decision (`sequentialComparisons`), so the page says what the sweep decided; null without `seeds: { looks }`.
 * Every settled run counts, learned or not, as in the sweep's decisions; computed once per view.
 */
export function sequentialOf(view: ResultsView): SequentialSummary | null {
  if (!cache.has(view)) cache.set(view, summarize(view));
  return cache.get(view)!;
}

function summarize(view: ResultsView): SequentialSummary | null {
  const plan = view.experiment.sequential;
  const seeds = view.experiment.seeds;
  if (plan === undefined || seeds === undefined) return null;
  const metric = metricNamed(plan.metric)!;
  const field = metric.field as MetricField;
  const runs = view.results.runs.filter((r) => SETTLED.has(r.status)).map((r) => comparedRun(r, field));
  // The family is every pair at every point of the file, as the runner counts it, whether or not a point has runs yet.
  const experiment = runnerExperiment(view);
  const filePoints = sweepPoints(experiment);
  const pairs = comparedPairs(experiment);
  const comparisons = sequentialComparisons(plan, pairs, filePoints, seeds, runs);
  const byKey = new Map(view.points.map((p) => [p.key, p]));
  const sweepPoint = (point: Record<string, unknown>): SweepPoint =>
    byKey.get(pointKey(point)) ?? { key: pointKey(point), point, label: pointLabel(point, view.axes), order: view.points.length };
  const rows = comparisons.map((c) => ({
    point: sweepPoint(c.point),
    treatment: c.treatment,
    control: controlText(c.control),
    looks: c.looks,
    verdict: c.verdict,
    difference: tInterval(c.differences),
    next: c.next,
  }));
  const last = plan.looks.at(-1)!;
  const spent = view.models.map((model) => ({
    model,
    runs: view.points.reduce((n, p) => n + view.runsAt(p, model).filter((r) => SETTLED.has(r.status)).length, 0),
    fixed: filePoints.length * last,
  }));
  const m = comparisons.length;
  return {
    plan,
    comparisons: m,
    levels: lookLevels(plan.looks, plan.alpha / Math.max(1, m), plan.boundary),
    field,
    label: metric.label,
    rows,
    spent,
  };
}

/** A run as the sequential decision sees it: its metric on test and validation, null when it failed. */
function comparedRun(run: RunResult, field: MetricField): ComparedRun {
  const value = (split: RunResult["test"]) => (run.status === "completed" ? ((split?.[field] as number | null | undefined) ?? null) : null);
  return { model: run.model, point: run.point, seed: run.seed, test: value(run.test), val: value(run.val) };
}

/**
 * The stored spec read with the runner's own schema, so the report compares the pairs (`compare:`, or attention vs
 * the baselines) at the points the sweep compared.
 */
function runnerExperiment(view: ResultsView): Experiment {
  const { experiment } = view.results;
  const parsed = ExperimentSchema.safeParse(experiment.spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ExperimentSpecError(
      `${experiment.file} (experiment '${experiment.name}' as stored)`,
      issue.path.map(String).join("."),
      `the runner's validated experiment (${issue.message})`,
      "another shape",
    );
  }
  return parsed.data;
}

/** `+0.381`, `-0.017`; a value that rounds to zero is `+0.000` whatever its sign. */
function signed(v: number, digits = 3): string {
  if (Number.isNaN(v)) return "–";
  const text = Math.abs(v).toFixed(digits);
  return `${v < 0 && Number(text) !== 0 ? "-" : "+"}${text}`;
}

/** `+0.381 [+0.290, +0.472]`: the paired mean difference with its 95% interval (the mean alone for one pair). */
export function differenceText(d: Interval): string {
  if (d.n === 0) return "–";
  return d.n < 2 ? signed(d.mean) : `${signed(d.mean)} [${signed(d.lo)}, ${signed(d.hi)}]`;
}

/** The control as the page names it: the best of several baselines is chosen only once the first look has settled. */
const controlText = (control: string | null) => control ?? "the best baseline (chosen at the first look)";

/**
 * `ahead, decided at n = 7 (look 1 of 2)`, `undecided at n = 9 (the most allowed)`, or where an open comparison
 * stands: after a look, or waiting for the first (its runs not all settled, or a model with none, such as a
 * tuned baseline no trial of which finished: then the best baseline is never chosen).
 */
export function verdictText(row: Pick<SequentialRow, "looks" | "verdict" | "next">, plan: Pick<Sequential, "looks">): string {
  const last = row.looks.at(-1);
  const n = last?.n ?? 0;
  if (row.verdict === null)
    return row.looks.length === 0
      ? `waiting for the first look: not every model has a settled run on each of its ${plan.looks[0]} seeds`
      : `open after look ${row.looks.length}, next at n = ${row.next}`;
  if (row.verdict === "undecided") return `undecided at n = ${n} (the most allowed)`;
  return `${row.verdict}, decided at n = ${n} (look ${row.looks.length} of ${plan.looks.length})`;
}

/** `cnn vs ffn at noise=0`: a comparison's name (the point left out without a sweep). */
export function comparisonName(row: Pick<SequentialRow, "treatment" | "control"> & { point: Pick<SweepPoint, "point"> }): string {
  const where = formatPoint(row.point.point);
  return `${row.treatment} vs ${row.control}${where === "" ? "" : ` at ${where}`}`;
}

/** How the verdicts are decided, in one sentence (the page and the tables say the same). */
export function methodText(summary: SequentialSummary): string {
  const { plan, comparisons } = summary;
  const boundary = plan.boundary === "pocock" ? "Pocock" : "O'Brien–Fleming";
  return (
    `Seeds until decided on test ${summary.label}: α = ${plan.alpha} split equally over the ${comparisons} comparison(s) (Bonferroni, α/m = ${(plan.alpha / Math.max(1, comparisons)).toPrecision(3)} each), ` +
    `spent over the looks at n = ${plan.looks.join(", ")} seeds by a Lan–DeMets ${boundary}-type function, each look an exact signed-rank test of the paired differences` +
    (plan.margin > 0 ? `; level = both one-sided tests (TOST) put the mean difference within ±${plan.margin}` : "") +
    "; a decided comparison gets no more seeds, and at the last look undecided is the verdict"
  );
}

/** `120 runs of a fixed design's 160 (75%)`: the seeds spent against the last look's seeds for every model and point. */
export function spentText(summary: SequentialSummary): string {
  const runs = summary.spent.reduce((n, s) => n + s.runs, 0);
  const fixed = summary.spent.reduce((n, s) => n + s.fixed, 0);
  const share = fixed === 0 ? "" : ` (${Math.round((100 * runs) / fixed)}%)`;
  return `${runs} runs spent of the ${fixed} a fixed design with ${summary.plan.looks.at(-1)} seeds for every model and point would have spent${share}`;
}

/** What one comparison's line needs: a report row, or the runner's comparison with its differences' interval. */
type ComparisonWords = Pick<SequentialRow, "treatment" | "control" | "looks" | "verdict" | "next" | "difference"> & {
  point: Pick<SweepPoint, "point">;
};

/**
 * `cnn vs ffn at noise=0: ahead, decided at n = 7 (look 1 of 2), mean difference +0.381 [+0.290, +0.472]`: one
 * comparison in a line, the one wording of the page's headline and the sweep's closing lines.
 */
function comparisonLine(row: ComparisonWords, plan: Pick<Sequential, "looks">): string {
  const difference = row.difference.n === 0 ? "" : `, mean difference ${differenceText(row.difference)}`;
  return `${comparisonName(row)}: ${verdictText(row, plan)}${difference}`;
}

export const comparisonLines = (summary: SequentialSummary): string[] => summary.rows.map((row) => comparisonLine(row, summary.plan));

/** The runner's comparisons (a sweep's summary) in the page's words, one line each. */
export const sequentialComparisonLines = (comparisons: readonly SequentialComparison[], plan: Pick<Sequential, "looks">): string[] =>
  comparisons.map((c) =>
    comparisonLine({ ...c, control: controlText(c.control), point: { point: c.point }, difference: tInterval(c.differences) }, plan),
  );

/**
 * A sequential experiment's headline: each comparison's sequential verdict, which replaces the fixed-design
 * Holm verdict (after looking at the data between looks a fixed-design test no longer holds its level).
 */
export function sequentialHeadline(view: ResultsView): Headline | null {
  const summary = sequentialOf(view);
  if (summary === null) return null;
  if (summary.rows.length === 0) return { verdict: "No comparison to decide: the file compares no two of its models.", detail: "" };
  return {
    verdict: `${comparisonLines(summary).join("; ")}.`,
    detail: `${methodText(summary)}. ${spentText(summary)}.`,
  };
}
