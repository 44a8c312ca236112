import type { ExperimentResults, RunResult } from "@tsa/tracker";
import { ATTENTION_MODEL, METRICS, axesOf, axisLabel, metricOf, modelsOf, pointKey, sweepPoints, usable, type MetricName, type SweepPoint } from "./results.js";
import { friedman, holm, pairedDifference, std, tInterval, verdict, wilcoxonSignedRank, type Verdict } from "./stats.js";

/** One model at one sweep point: the metric over seeds, and the runs left out. */
export interface CellSummary {
  point: SweepPoint;
  model: string;
  metric: MetricName;
  n: number;
  mean: number;
  std: number;
  lo: number;
  hi: number;
  /** Metric by seed, usable runs only. */
  bySeed: Map<number, number>;
  didNotLearn: number;
  failed: number;
}

function cellRuns(results: ExperimentResults, point: SweepPoint, model: string): RunResult[] {
  return results.runs.filter((r) => r.model === model && pointKey(r.point) === point.key);
}

export function summarize(results: ExperimentResults, metric: MetricName): CellSummary[] {
  const points = sweepPoints(results);
  return points.flatMap((point) =>
    modelsOf(results).map((model) => {
      const runs = cellRuns(results, point, model);
      const good = runs.filter(usable);
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
        didNotLearn: runs.filter((r) => r.status === "completed" && r.didNotLearn).length,
        failed: runs.filter((r) => r.status === "failed").length,
      };
    }),
  );
}

/** bilstm-attention minus the best baseline at one point, paired over the seeds both have. */
export interface Advantage {
  point: SweepPoint;
  /** The baseline with the best mean at this point; null when no baseline has a usable run. */
  baseline: string | null;
  n: number;
  mean: number;
  lo: number;
  hi: number;
  p: number;
  pHolm: number;
  verdict: Verdict;
  /** Why there is no test at this point (verdict n/a), in the page's words; null when tested. */
  untested: string | null;
}

/**
 * At each point: the baseline with the best mean, the paired differences per seed (same data per seed),
 * their 95% t interval and p-value, then Holm's correction across all tested points of the sweep. Points
 * where no test is possible (attention or every baseline without a usable run, fewer than 2 paired seeds)
 * are kept with verdict n/a and the reason, so the page can say so instead of dropping them.
 */
export function attentionAdvantage(results: ExperimentResults, metric: MetricName): Advantage[] {
  if (!modelsOf(results).includes(ATTENTION_MODEL)) return [];
  const cells = summarize(results, metric);
  const raw = sweepPoints(results).map((point) => {
    const here = cells.filter((c) => c.point.key === point.key);
    const attention = here.find((c) => c.model === ATTENTION_MODEL);
    const baselines = here.filter((c) => c.model !== ATTENTION_MODEL && c.n > 0).sort((a, b) => b.mean - a.mean);
    const best = baselines[0];
    const none = { n: 0, mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, p: Number.NaN };
    if (attention === undefined || attention.n === 0) return { point, baseline: best?.model ?? null, ...none, untested: `${ATTENTION_MODEL} has no usable run` };
    if (best === undefined) return { point, baseline: null, ...none, untested: "no baseline has a usable run" };
    const seeds = [...attention.bySeed.keys()].filter((s) => best.bySeed.has(s));
    const test = pairedDifference(seeds.map((s) => attention.bySeed.get(s)!), seeds.map((s) => best.bySeed.get(s)!));
    return { point, baseline: best.model, ...test, untested: Number.isNaN(test.p) ? `${seeds.length} paired seed(s), at least 2 are needed` : null };
  });
  const adjusted = holm(raw.map((r) => r.p));
  return raw.map((r, i) => ({ ...r, pHolm: adjusted[i]!, verdict: verdict(r.mean, adjusted[i]!) }));
}

/** Points as a reader names them: `length 0.02–0.05, 0.05–0.1` on one axis, full labels on several. */
function pointList(advantages: readonly Advantage[], axes: readonly string[]): string {
  const labels = advantages.map((a) => a.point.label);
  return axes.length === 1 ? `${axisLabel(axes[0]!)} ${labels.join(", ")}` : labels.join("; ");
}

/** The one sentence at the top of a report: where attention is clearly ahead, behind, level, or untested. */
export function headline(results: ExperimentResults, metric: MetricName = "f1"): string {
  const advantages = attentionAdvantage(results, metric);
  const axes = axesOf(results);
  const tested = advantages.filter((a) => a.verdict !== "n/a");
  if (tested.length === 0) {
    const why = advantages.length === 0 ? "" : `: ${[...new Set(advantages.map((a) => a.untested))].join("; ")}`;
    return `No comparison yet: ${ATTENTION_MODEL} and at least one baseline need usable runs on at least 2 common seeds at the same sweep point${why}.`;
  }
  const by = (v: Verdict) => advantages.filter((a) => a.verdict === v);
  const [ahead, behind, tie, untested] = [by("ahead"), by("behind"), by("tie"), by("n/a")];
  const everywhere = axes.length === 0 ? "" : " at every sweep point";
  const subject = `Attention (${ATTENTION_MODEL})`;
  const parts: string[] = [];
  if (untested.length === 0 && ahead.length === tested.length) parts.push(`${subject} clearly beats the best baseline${everywhere}`);
  else if (untested.length === 0 && behind.length === tested.length) parts.push(`${subject} is clearly behind the best baseline${everywhere}`);
  else if (untested.length === 0 && ahead.length + behind.length === 0) {
    parts.push(`${subject} is neither clearly ahead of nor clearly behind the best baseline${everywhere === "" ? "" : " at any sweep point"}`);
  } else {
    // The first clause names the subject; the ones after it read on from it.
    if (ahead.length > 0) parts.push(`${subject} clearly beats the best baseline at ${pointList(ahead, axes)}`);
    if (behind.length > 0) parts.push(`${parts.length > 0 ? "it is" : `${subject} is`} clearly behind ${parts.length > 0 ? "" : "the best baseline "}at ${pointList(behind, axes)}`);
    if (tie.length > 0) parts.push(`${parts.length > 0 ? "no clear difference" : `${subject} shows no clear difference from the best baseline`} at ${pointList(tie, axes)}`);
  }
  if (untested.length > 0) parts.push(`untested at ${pointList(untested, axes)} (${[...new Set(untested.map((a) => a.untested))].join("; ")})`);
  const [fewest, most] = [Math.min(...tested.map((a) => a.n)), Math.max(...tested.map((a) => a.n))];
  const seeds = fewest === most ? String(most) : `${fewest}–${most}`;
  const correction = tested.length > 1 ? `Holm-corrected over ${tested.length} points` : "one point, no correction needed";
  return `${parts.join("; ")} (test ${METRICS[metric]}, paired t over ${seeds} seeds, ${correction}, α = 0.05).`;
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

export function criticalDifference(results: ExperimentResults, metric: MetricName): CriticalDifference | null {
  const models = modelsOf(results);
  if (models.length < 2) return null;
  const cells = summarize(results, metric);
  const blocks: number[][] = [];
  for (const point of sweepPoints(results)) {
    const here = models.map((m) => cells.find((c) => c.point.key === point.key && c.model === m)!);
    const seeds = [...(here[0]?.bySeed.keys() ?? [])].filter((s) => here.every((c) => c.bySeed.has(s)));
    for (const s of seeds) blocks.push(here.map((c) => c.bySeed.get(s)!));
  }
  if (blocks.length < 2) return null;
  const { averageRanks, p } = friedman(blocks);
  const rawPairs: Array<{ a: string; b: string; p: number }> = [];
  for (let i = 0; i < models.length; i++) {
    for (let j = i + 1; j < models.length; j++) {
      rawPairs.push({ a: models[i]!, b: models[j]!, p: wilcoxonSignedRank(blocks.map((b) => b[i]!), blocks.map((b) => b[j]!)).p });
    }
  }
  const adjusted = holm(rawPairs.map((x) => x.p));
  const pairs = rawPairs.map((x, k) => ({ ...x, pHolm: adjusted[k]! }));
  const differ = (a: string, b: string) => pairs.some((x) => ((x.a === a && x.b === b) || (x.a === b && x.b === a)) && x.pHolm < 0.05);
  const order = models.map((_, i) => i).sort((i, j) => averageRanks[i]! - averageRanks[j]!);
  const cliques: number[][] = [];
  for (let start = 0; start < order.length; start++) {
    let end = start;
    while (end + 1 < order.length && order.slice(start, end + 2).every((i, _, group) => group.every((j) => i === j || !differ(models[i]!, models[j]!)))) end++;
    const group = order.slice(start, end + 1);
    if (group.length > 1 && !cliques.some((c) => group.every((g) => c.includes(g)))) cliques.push(group);
  }
  return { models, averageRanks, blocks: blocks.length, friedmanP: p, pairs, cliques };
}
