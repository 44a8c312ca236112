import { signedRank } from "@tsa/runner/sequential";
import { cellOf, criticalDifferenceOfBlocks, type CellSummary, type CriticalDifference } from "./analysis.js";
import { problemOf } from "./archive-data.js";
import type { PublishedAccuracy } from "./published.js";
import { ATTENTION_MODEL, betterSign, formatPoint, type MetricName, type SweepPoint } from "./results.js";
import { ranks } from "./stats.js";
import { memo, type ResultsView } from "./view.js";

/** The level of every test on this page. */
export const ALPHA = 0.05;
/**
 * Two mean accuracies closer than this are a tie in wins/ties/losses: they agree to the 3 decimals the
 * published figures are given in (half a unit of the last digit).
 */
export const TIE_TOLERANCE = 0.0005;

/** One problem (a sweep point of an archive experiment): our models' summaries and the published figures for it. */
export interface ProblemRow {
  point: SweepPoint;
  problem: string;
  /** The problem's name, or the point's label when other axes are swept beside it. */
  label: string;
  /** Per model of the view, in its order. */
  cells: readonly CellSummary[];
  /** Published figure per model for this problem (none when the facts file does not list it). */
  published: Readonly<Record<string, number>>;
}

/** Attention against one baseline, problem by problem, by mean accuracy. */
export interface WinsTiesLosses {
  baseline: string;
  wins: string[];
  ties: string[];
  losses: string[];
}

export interface ArchiveComparison {
  /**
   * The setting of the axes swept beside `data.problem` this analysis is at (`zNormalize=true`), each problem
   * once; "" when problems are all the file sweeps.
   */
  setting: string;
  metric: MetricName;
  rows: readonly ProblemRow[];
  /** Our models, the view's order. */
  models: readonly string[];
  /** Mean rank per model (rank of its mean per problem, 1 = best, ties averaged) over the complete rows; NaN without one. */
  meanRanks: readonly number[];
  /** The rows where every model has a counted run: the ranks, the diagram and W/T/L are over these. */
  complete: readonly ProblemRow[];
  /** Wilcoxon signed-rank (exact) between every pair over the problems' means, Holm; null with fewer than 2 problems or models. */
  cd: CriticalDifference | null;
  /** The smallest two-sided p the exact signed-rank test can give over this many problems: 2 / 2^N. */
  smallestP: number;
  /** Problems the exact test needs before Holm's first step (α / pairs) can be passed by any pair. */
  problemsNeeded: number;
  /**
   * Whether any pair could be significant over this many problems (2 / 2^N below α / pairs). When not, the
   * diagram has no bars: a bar would join models the test could never have told apart, which is no finding.
   */
  decidable: boolean;
  /** Attention (`bilstm-attention`) against each other model; empty without it. */
  wtl: readonly WinsTiesLosses[];
}

/** The problem of a point: its `data.problem`, else the problem its runs record. */
function problemAt(view: ResultsView, point: SweepPoint): string {
  const swept = point.point["data.problem"];
  if (swept !== undefined) return String(swept);
  for (const model of view.models) for (const run of view.runsAt(point, model)) return problemOf(run) ?? point.label;
  return point.label;
}

/** Exact two-sided Wilcoxon signed-rank p of a − b, zero differences dropped and tied |d| at their mid-rank (the runner's test). */
export function signedRankP(a: readonly number[], b: readonly number[]): number {
  const { pGreater, pLess } = signedRank(a.map((v, i) => v - b[i]!));
  return Math.min(1, 2 * Math.min(pGreater, pLess));
}

/** Mean rank per model over `rows` of means (higher is better when `better` is +1), ties averaged; NaN without rows. */
export function meanRanks(rows: readonly (readonly number[])[], models: number, better: 1 | -1 = 1): number[] {
  const sums = new Array<number>(models).fill(0);
  for (const row of rows) ranks(row.map((v) => better * v)).forEach((r, j) => (sums[j]! += r));
  return sums.map((s) => (rows.length === 0 ? Number.NaN : s / rows.length));
}

/** Wins, ties (|Δ| < TIE_TOLERANCE) and losses of `subject` against each other model, per problem by mean. */
export function winsTiesLosses(
  subject: number,
  models: readonly string[],
  rows: ReadonlyArray<{ label: string; means: readonly number[] }>,
  better: 1 | -1 = 1,
): WinsTiesLosses[] {
  return models.flatMap((baseline, j) => {
    if (j === subject) return [];
    const tally: WinsTiesLosses = { baseline, wins: [], ties: [], losses: [] };
    for (const row of rows) {
      const d = better * (row.means[subject]! - row.means[j]!);
      (Math.abs(d) < TIE_TOLERANCE ? tally.ties : d > 0 ? tally.wins : tally.losses).push(row.label);
    }
    return [tally];
  });
}

/** Problems the exact signed-rank test needs so that 2 / 2^N falls below α / pairs (Holm's first step). */
export function problemsNeededFor(pairs: number, alpha = ALPHA): number {
  return Math.floor(Math.log2((2 * Math.max(1, pairs)) / alpha)) + 1;
}

const comparisons = memo<ArchiveComparison[]>();

/**
 * The archive analysis of a view (its headline metric), once per view: one per setting of the axes swept beside
 * `data.problem`, so that ranks, the diagram and the wins never count a problem twice. A file that does not
 * sweep problems (one problem, other axes) is one analysis over its points. `published` only fills the rows'
 * published figures.
 */
export function archiveComparisonsOf(view: ResultsView, published: PublishedAccuracy | null): ArchiveComparison[] {
  // One problem swept over other axes: its points are the rows, named by their settings.
  const byPoint = view.axes.length > 0 && !view.axes.includes("data.problem");
  const settings = comparisons(view, view.metric, () =>
    settingsOf(view).map(({ setting, points }) => computeComparison(view, setting, points, byPoint)),
  );
  if (published === null) return settings;
  return settings.map((c) => ({ ...c, rows: withPublished(c.rows, published), complete: withPublished(c.complete, published) }));
}

/** Problems and other axes swept together: each setting of the others is an analysis of its own. */
const perProblem = (view: ResultsView) => view.axes.includes("data.problem") && view.axes.length > 1;

function settingsOf(view: ResultsView): Array<{ setting: string; points: SweepPoint[] }> {
  if (!perProblem(view)) return [{ setting: "", points: [...view.points] }];
  const others = view.axes.filter((a) => a !== "data.problem");
  const settings = new Map<string, SweepPoint[]>();
  for (const point of view.points) {
    const setting = formatPoint(Object.fromEntries(others.map((a) => [a, point.point[a]])));
    settings.set(setting, [...(settings.get(setting) ?? []), point]);
  }
  return [...settings.entries()].map(([setting, points]) => ({ setting, points }));
}

const withPublished = (rows: readonly ProblemRow[], published: PublishedAccuracy) =>
  rows.map((row) => ({ ...row, published: published.accuracy[row.problem] ?? {} }));

/** The comparison over `points`; a row is labelled by its problem, or by its point's setting when `byPoint`. */
function computeComparison(view: ResultsView, setting: string, points: readonly SweepPoint[], byPoint: boolean): ArchiveComparison {
  const { metric, models } = view;
  const better = betterSign(metric);
  const rows: ProblemRow[] = points.map((point) => {
    const problem = problemAt(view, point);
    return {
      point,
      problem,
      label: byPoint ? point.label : problem,
      cells: models.map((m) => cellOf(view, point, m, metric)),
      published: {},
    };
  });
  const complete = rows.filter((r) => r.cells.every((c) => c.n > 0));
  const means = complete.map((r) => r.cells.map((c) => c.mean));
  const pairs = (models.length * (models.length - 1)) / 2;
  const cd =
    complete.length >= 2 && models.length >= 2
      ? criticalDifferenceOfBlocks(
          models,
          means.map((row) => row.map((v) => better * v)),
          signedRankP,
          ALPHA,
        )
      : null;
  const subject = models.indexOf(ATTENTION_MODEL);
  const smallestP = 2 / 2 ** complete.length;
  const decidable = smallestP * pairs < ALPHA;
  return {
    setting,
    metric,
    rows,
    models,
    meanRanks: meanRanks(means, models.length, better),
    complete,
    cd: cd === null || decidable ? cd : { ...cd, cliques: [] },
    smallestP,
    problemsNeeded: problemsNeededFor(pairs),
    decidable,
    wtl:
      subject < 0
        ? []
        : winsTiesLosses(
            subject,
            models,
            complete.map((r, i) => ({ label: r.label, means: means[i]! })),
            better,
          ),
  };
}

/** `bilstm-attention ranks 3.25 on average, 4th of 6`: where attention stands; "" without it or without a ranked problem. */
export function attentionStanding(comparison: ArchiveComparison): string {
  const j = comparison.models.indexOf(ATTENTION_MODEL);
  const rank = comparison.meanRanks[j];
  if (j < 0 || rank === undefined || Number.isNaN(rank)) return "";
  const place = comparison.meanRanks.filter((r) => r < rank).length + 1;
  const shared = comparison.meanRanks.filter((r) => r === rank).length > 1 ? " (shared)" : "";
  return `${ATTENTION_MODEL} ranks ${rank.toFixed(2)} on average, place ${place}${shared} of ${comparison.models.length}`;
}

/**
 * The headline's sentences on archive problems, one per setting of the other axes (`At zNormalize=true: …`);
 * "" without a ranked problem.
 */
export function archiveHeadline(comparisons: readonly ArchiveComparison[]): string {
  return comparisons
    .map((comparison) => {
      const sentence = settingHeadline(comparison);
      return sentence === "" || comparison.setting === ""
        ? sentence
        : `At ${comparison.setting}: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
    })
    .filter((sentence) => sentence !== "")
    .join(" ");
}

/** Where attention stands in mean rank, and what the critical-difference test can say over this many problems. */
function settingHeadline(comparison: ArchiveComparison): string {
  const standing = attentionStanding(comparison);
  const { cd, complete } = comparison;
  if (cd === null) return standing === "" ? "" : `Over ${complete.length} problem: ${standing}.`;
  const differing = cd.pairs.filter((p) => p.pHolm < ALPHA).length;
  const test = !comparison.decidable
    ? `with ${complete.length} problems no pair of models can be told apart (the signed-rank test with Holm needs at least ${comparison.problemsNeeded})`
    : `${differing} of ${cd.pairs.length} pairs of models differ (Wilcoxon signed-rank over problems, Holm, α = ${ALPHA})`;
  return `Over ${complete.length} problems${standing === "" ? "" : `, ${standing}`}; ${test}.`;
}
