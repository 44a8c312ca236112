import type { ExperimentResults } from "@tsa/tracker";
import {
  ATTENTION_MODEL,
  CONDITIONAL_LABEL,
  METRICS,
  axisLabel,
  counted,
  detectableText,
  learned,
  metricOf,
  scored,
  type MetricName,
  type RunView,
  type SweepPoint,
} from "./results.js";
import { memo, viewOf, viewsOf, type ResultsView, type ResultsViews } from "./view.js";
import {
  friedman,
  holm,
  mean,
  minimumDetectableDifference,
  pairedDifference,
  pairsNeeded,
  std,
  tInterval,
  verdict,
  wilcoxonSignedRank,
  wilson,
  type Proportion,
  type Verdict,
} from "./stats.js";

/** One model at one sweep point: the metric over the runs the view counts, and how many of its scored runs learned. */
export interface CellSummary {
  point: SweepPoint;
  model: string;
  metric: MetricName;
  n: number;
  mean: number;
  std: number;
  lo: number;
  hi: number;
  /** Metric by seed, counted runs only. */
  bySeed: Map<number, number>;
  /** Of the runs with a score (learned or not, whatever the view), how many learned, with its Wilson 95% interval. */
  learned: Proportion;
}

const summaries = memo<{ cells: CellSummary[]; byCell: Map<string, CellSummary> }>();

function summaryIndex(view: ResultsView, metric: MetricName) {
  return summaries(view, metric, () => {
    const cells = view.points.flatMap((point) => view.models.map((model) => cellSummary(view, point, model, metric)));
    return { cells, byCell: new Map(cells.map((c) => [`${c.point.key}\u0000${c.model}`, c])) };
  });
}

function cellSummary(view: ResultsView, point: SweepPoint, model: string, metric: MetricName): CellSummary {
  const runs = view.runsAt(point, model);
  const good = runs.filter((r) => counted(r, view));
  const values = good.map((r) => metricOf(r, metric)).filter((v) => !Number.isNaN(v));
  const interval = tInterval(values);
  return {
    point,
    model,
    metric,
    n: values.length,
    mean: interval.mean,
    std: std(values),
    lo: interval.lo,
    hi: interval.hi,
    bySeed: new Map(good.map((r) => [r.seed, metricOf(r, metric)] as const).filter(([, v]) => !Number.isNaN(v))),
    learned: wilson(runs.filter(learned).length, runs.filter(scored).length),
  };
}

/** Per sweep point and model, in the view's order: the view's runs' metric, and how many scored runs learned. */
export function summaryOf(view: ResultsView, metric: MetricName): readonly CellSummary[] {
  return summaryIndex(view, metric).cells;
}

/** One model at one point of the view's summary. */
export function cellOf(view: ResultsView, point: SweepPoint, model: string, metric: MetricName): CellSummary {
  return summaryIndex(view, metric).byCell.get(`${point.key}\u0000${model}`)!;
}

/** Per sweep point and model: every completed run counts (the default), or only those that learned (`learnedOnly`). */
export function summarize(results: ExperimentResults, metric: MetricName, view: RunView = {}): CellSummary[] {
  return [...summaryOf(viewOf(results, view), metric)];
}

/** bilstm-attention minus the best baseline at one point, paired over the seeds both have. */
export interface Advantage {
  point: SweepPoint;
  /** The baseline with the best mean at this point; null when no baseline has a counted run. */
  baseline: string | null;
  n: number;
  mean: number;
  lo: number;
  hi: number;
  p: number;
  pHolm: number;
  verdict: Verdict;
  /** Sample std of the paired differences (NaN untested). */
  sd: number;
  /**
   * The smallest |mean difference| the test could call significant here with these seeds and this spread,
   * at Holm's first step (α / tested points); ∞ untested.
   */
  detectable: number;
  /** Why there is no test at this point (verdict n/a), in the page's words; null when tested. */
  untested: string | null;
}

const ALPHA = 0.05;
/** A difference of 0.1 in F1, accuracy or ROC AUC: one a test that cannot see it is of no use for. */
export const LARGE_DIFFERENCE = 0.1;

/**
 * At each point: the baseline with the best mean, the paired differences per seed (same data per seed),
 * their 95% t interval and p-value, then Holm's correction across all tested points of the sweep. Points
 * where no test is possible (attention or every baseline without a counted run, fewer than 2 paired seeds)
 * are kept with verdict n/a and the reason, so the page can say so instead of dropping them. Every
 * completed run counts unless `view.learnedOnly`.
 */
export function attentionAdvantage(results: ExperimentResults, metric: MetricName, view: RunView = {}): Advantage[] {
  return [...advantageOf(viewOf(results, view), metric)];
}

const advantages = memo<Advantage[]>();

/** attentionAdvantage over the runs the view counts, once per view and metric. */
export function advantageOf(view: ResultsView, metric: MetricName): readonly Advantage[] {
  return advantages(view, metric, () => computeAdvantage(view, metric));
}

function computeAdvantage(view: ResultsView, metric: MetricName): Advantage[] {
  if (!view.models.includes(ATTENTION_MODEL)) return [];
  const noRun = view.learnedOnly ? "run that learned" : "completed run";
  const raw = view.points.map((point) => {
    const here = view.models.map((model) => cellOf(view, point, model, metric));
    const attention = here.find((c) => c.model === ATTENTION_MODEL);
    const baselines = here.filter((c) => c.model !== ATTENTION_MODEL && c.n > 0).sort((a, b) => b.mean - a.mean);
    const best = baselines[0];
    const none = { n: 0, mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, p: Number.NaN, sd: Number.NaN };
    if (attention === undefined || attention.n === 0)
      return { point, baseline: best?.model ?? null, ...none, untested: `${ATTENTION_MODEL} has no ${noRun}` };
    if (best === undefined) return { point, baseline: null, ...none, untested: `no baseline has a ${noRun}` };
    const seeds = [...attention.bySeed.keys()].filter((s) => best.bySeed.has(s));
    const [a, b] = [seeds.map((s) => attention.bySeed.get(s)!), seeds.map((s) => best.bySeed.get(s)!)];
    const test = pairedDifference(a, b);
    const sd = seeds.length < 2 ? Number.NaN : std(a.map((v, i) => v - b[i]!));
    return {
      point,
      baseline: best.model,
      ...test,
      sd,
      untested: Number.isNaN(test.p) ? `${seeds.length} paired seed(s), at least 2 are needed` : null,
    };
  });
  const adjusted = holm(raw.map((r) => r.p));
  const tested = adjusted.filter((p) => !Number.isNaN(p)).length;
  return raw.map((r, i) => ({
    ...r,
    pHolm: adjusted[i]!,
    verdict: verdict(r.mean, adjusted[i]!, ALPHA),
    detectable: r.untested === null ? minimumDetectableDifference(r.n, r.sd, ALPHA / tested) : Number.POSITIVE_INFINITY,
  }));
}

/** Points as a reader names them: `length 0.02–0.05, 0.05–0.1` on one axis, full labels on several. */
function pointList(advantages: readonly { point: SweepPoint }[], axes: readonly string[]): string {
  const labels = advantages.map((a) => a.point.label);
  return axes.length === 1 ? `${axisLabel(axes[0]!)} ${labels.join(", ")}` : labels.join("; ");
}

/** The verdict clauses, `clearly beats … at …; it is clearly behind at …; no clear difference at …; untested at …`. */
function verdictClauses(advantages: readonly Advantage[], axes: readonly string[], subject: string, everywhere: string): string[] {
  const by = (v: Verdict) => advantages.filter((a) => a.verdict === v);
  const [ahead, behind, tie, untested] = [by("ahead"), by("behind"), by("tie"), by("n/a")];
  const tested = advantages.length - untested.length;
  const parts: string[] = [];
  if (tested > 0 && untested.length === 0 && ahead.length === tested) parts.push(`${subject} clearly beats the best baseline${everywhere}`);
  else if (tested > 0 && untested.length === 0 && behind.length === tested)
    parts.push(`${subject} is clearly behind the best baseline${everywhere}`);
  else if (tested > 0 && untested.length === 0 && ahead.length + behind.length === 0) {
    parts.push(
      `${subject} is neither clearly ahead of nor clearly behind the best baseline${everywhere === "" ? "" : " at any sweep point"}`,
    );
  } else {
    // The first clause names the subject; the ones after it read on from it.
    if (ahead.length > 0) parts.push(`${subject} clearly beats the best baseline at ${pointList(ahead, axes)}`);
    if (behind.length > 0)
      parts.push(
        `${parts.length > 0 ? "it is" : `${subject} is`} clearly behind ${parts.length > 0 ? "" : "the best baseline "}at ${pointList(behind, axes)}`,
      );
    if (tie.length > 0)
      parts.push(
        `${parts.length > 0 ? "no clear difference" : `${subject} shows no clear difference from the best baseline`} at ${pointList(tie, axes)}`,
      );
  }
  if (untested.length > 0)
    parts.push(`untested at ${pointList(untested, axes)} (${[...new Set(untested.map((a) => a.untested))].join("; ")})`);
  return parts;
}

const signed = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(3)}`;

/**
 * Points where the test said "no clear difference" but could not have seen even a large one: the
 * smallest significant difference with these seeds and this spread (at α / tested points) exceeds
 * LARGE_DIFFERENCE. For each, the seeds that would make a difference of the observed size (at least a
 * large one) significant at the same spread. Empty when every tie could have seen a large difference.
 */
function tooFewSeeds(advantages: readonly Advantage[], axes: readonly string[]): string {
  const blind = advantages.filter((a) => a.verdict === "tie" && a.detectable > LARGE_DIFFERENCE);
  if (blind.length === 0) return "";
  const tested = advantages.filter((a) => a.verdict !== "n/a").length;
  const detail = blind.map((a) => {
    const target = Math.max(Math.abs(a.mean), LARGE_DIFFERENCE);
    const needed = pairsNeeded(target, a.sd, ALPHA / tested);
    return (
      `${a.point.label} (Δ ${signed(a.mean)} against ${a.baseline}: with ${a.n} seeds and the spread seen there ${detectableText(a.detectable)}; ` +
      `${needed === null ? "more than 1000" : `about ${needed}`} seeds would make a Δ of ${target.toFixed(2)} significant)`
    );
  });
  return ` Too few seeds to detect even a large difference (|Δ| ≥ ${LARGE_DIFFERENCE}) at ${axes.length === 1 ? `${axisLabel(axes[0]!)} ` : ""}${detail.join("; ")}.`;
}

/** `length 0.02–0.05, 0.05–0.1`: the points where some model has a completed run that did not learn. */
function pointsWithFailures(cells: readonly CellSummary[], points: readonly SweepPoint[]): SweepPoint[] {
  return points.filter((p) => cells.some((c) => c.point.key === p.key && c.learned.k < c.learned.n));
}

/**
 * Where not every run learned: attention's k of n there (the baselines' beside it), then the comparison
 * conditional on learning at those points. Empty when every completed run learned.
 */
function learningSentence(views: ResultsViews, metric: MetricName): string {
  const { axes } = views.all;
  const cells = summaryOf(views.all, metric);
  const points = pointsWithFailures(cells, views.all.points);
  if (points.length === 0) return "";
  const keys = new Set(points.map((p) => p.key));
  const rate = (model: string) => {
    const here = cells.filter((c) => c.model === model && keys.has(c.point.key));
    return `${here.reduce((s, c) => s + c.learned.k, 0)} of ${here.reduce((s, c) => s + c.learned.n, 0)}`;
  };
  const baselines = views.all.models.filter((m) => m !== ATTENTION_MODEL);
  const where =
    axes.length === 0
      ? ""
      : ` at ${pointList(
          points.map((point) => ({ point })),
          axes,
        )}`;
  const attention = cells.filter((c) => c.model === ATTENTION_MODEL && keys.has(c.point.key));
  const share = wilson(
    attention.reduce((s, c) => s + c.learned.k, 0),
    attention.reduce((s, c) => s + c.learned.n, 0),
  );
  // Where it learns: the mean over the learned runs at those points, beside the baseline best there on the same terms.
  const learnedMean = (model: string) =>
    mean(
      points.flatMap((p) =>
        views.all
          .runsAt(p, model)
          .filter(learned)
          .map((r) => metricOf(r, metric)),
      ),
    );
  const best = baselines
    .map((m) => ({ m, v: learnedMean(m) }))
    .filter((x) => !Number.isNaN(x.v))
    .sort((x, y) => y.v - x.v)[0];
  const there = axes.length === 0 ? "" : " there";
  const whereItLearns =
    share.k === 0
      ? ""
      : `where it learns, its mean ${METRICS[metric]}${there} is ${learnedMean(ATTENTION_MODEL).toFixed(3)}${best === undefined ? "" : ` (${best.m} ${best.v.toFixed(3)})`}; `;
  const conditional = advantageOf(views.learned, metric).filter((a) => keys.has(a.point.key));
  return (
    ` ${ATTENTION_MODEL} learns in ${share.k} of ${share.n} runs${where} (Wilson 95% interval of the rate ${share.lo.toFixed(2)}–${share.hi.toFixed(2)}; ` +
    `${baselines.map((m) => `${m} in ${rate(m)}`).join(", ")}); ${whereItLearns}` +
    `${CONDITIONAL_LABEL}, ${verdictClauses(conditional, axes, "it", there).join("; ")}.`
  );
}

/** A headline in two parts: the verdict a reader needs first, then what qualifies it (seeds, learning); "" when nothing does. */
export interface Headline {
  verdict: string;
  detail: string;
}

/** The headline as one text (the index, `./tsa` output): the verdict, then its detail. */
export const headlineText = (h: Headline) => (h.detail === "" ? h.verdict : `${h.verdict} ${h.detail}`);

/**
 * The top of a report: where attention is clearly ahead, behind, level, or untested over every completed
 * run; where the test had too few seeds to see even a large difference; and, where not every run learned,
 * how many did and the comparison conditional on learning.
 */
export function headline(results: ExperimentResults, metric?: MetricName): string {
  return headlineText(headlineOf(viewsOf(results), metric));
}

/** `metric`: the view's headline metric (accuracy on archive problems, F1 on the anomaly task) unless given. */
export function headlineOf(views: ResultsViews, chosen?: MetricName): Headline {
  const metric = chosen ?? views.all.metric;
  const advantages = advantageOf(views.all, metric);
  const { axes } = views.all;
  const tested = advantages.filter((a) => a.verdict !== "n/a");
  if (tested.length === 0) {
    const why = advantages.length === 0 ? "" : `: ${[...new Set(advantages.map((a) => a.untested))].join("; ")}`;
    return {
      verdict: `No comparison yet: ${ATTENTION_MODEL} and at least one baseline need completed runs on at least 2 common seeds at the same sweep point${why}.`,
      detail: "",
    };
  }
  const everywhere = axes.length === 0 ? "" : " at every sweep point";
  const parts = verdictClauses(advantages, axes, `Attention (${ATTENTION_MODEL})`, everywhere);
  const [fewest, most] = [Math.min(...tested.map((a) => a.n)), Math.max(...tested.map((a) => a.n))];
  const seeds = fewest === most ? String(most) : `${fewest}–${most}`;
  const correction = tested.length > 1 ? `Holm-corrected over ${tested.length} points` : "one point, no correction needed";
  return {
    verdict: `${parts.join("; ")} (test ${METRICS[metric]} of every completed run, paired t over ${seeds} seeds, ${correction}, α = ${ALPHA}).`,
    detail: (tooFewSeeds(advantages, axes) + learningSentence(views, metric)).trim(),
  };
}

/** Critical-difference analysis: Friedman over (point, seed) blocks, pairwise Wilcoxon with Holm. */
export interface CriticalDifference {
  models: string[];
  averageRanks: number[];
  blocks: number;
  friedmanP: number;
  pairs: Array<{ a: string; b: string; p: number; pHolm: number }>;
  /** Groups of models (by index, sorted by rank) with no significant difference between any two. */
  cliques: number[][];
}

/** Over every completed run unless `view.learnedOnly`. */
export function criticalDifference(results: ExperimentResults, metric: MetricName, view: RunView = {}): CriticalDifference | null {
  return criticalDifferenceOf(viewOf(results, view), metric);
}

export function criticalDifferenceOf(view: ResultsView, metric: MetricName): CriticalDifference | null {
  const models = [...view.models];
  if (models.length < 2) return null;
  const blocks: number[][] = [];
  for (const point of view.points) {
    const here = models.map((m) => cellOf(view, point, m, metric));
    const seeds = [...(here[0]?.bySeed.keys() ?? [])].filter((s) => here.every((c) => c.bySeed.has(s)));
    for (const s of seeds) blocks.push(here.map((c) => c.bySeed.get(s)!));
  }
  if (blocks.length < 2) return null;
  return criticalDifferenceOfBlocks(models, blocks, (a, b) => wilcoxonSignedRank(a, b).p);
}

/**
 * The critical-difference analysis of `blocks` (rows: a dataset or a point × seed; columns: `models`, higher
 * is better): Friedman's average ranks, every pair's p-value by `pairP` over the blocks, Holm's correction,
 * and the cliques (Demšar 2006): maximal runs of models adjacent in rank order of which no two differ at `alpha`.
 */
export function criticalDifferenceOfBlocks(
  models: readonly string[],
  blocks: readonly (readonly number[])[],
  pairP: (a: number[], b: number[]) => number,
  alpha = 0.05,
): CriticalDifference {
  const { averageRanks, p } = friedman(blocks);
  const rawPairs: Array<{ a: string; b: string; p: number }> = [];
  for (let i = 0; i < models.length; i++) {
    for (let j = i + 1; j < models.length; j++) {
      rawPairs.push({
        a: models[i]!,
        b: models[j]!,
        p: pairP(
          blocks.map((b) => b[i]!),
          blocks.map((b) => b[j]!),
        ),
      });
    }
  }
  const adjusted = holm(rawPairs.map((x) => x.p));
  const pairs = rawPairs.map((x, k) => ({ ...x, pHolm: adjusted[k]! }));
  const differ = (a: string, b: string) => pairs.some((x) => ((x.a === a && x.b === b) || (x.a === b && x.b === a)) && x.pHolm < alpha);
  const order = models.map((_, i) => i).sort((i, j) => averageRanks[i]! - averageRanks[j]!);
  const cliques: number[][] = [];
  for (let start = 0; start < order.length; start++) {
    let end = start;
    while (
      end + 1 < order.length &&
      order.slice(start, end + 2).every((i, _, group) => group.every((j) => i === j || !differ(models[i]!, models[j]!)))
    )
      end++;
    const group = order.slice(start, end + 1);
    if (group.length > 1 && !cliques.some((c) => group.every((g) => c.includes(g)))) cliques.push(group);
  }
  return { models: [...models], averageRanks, blocks: blocks.length, friedmanP: p, pairs, cliques };
}
