import type { ExperimentResults, RunResult } from "@tsa/tracker";
import { ATTENTION_MODEL, METRICS, axesOf, axisLabel, metricOf, modelsOf, sweepPoints, usable, type MetricName, type SweepPoint } from "./results.js";
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
  return results.runs.filter((r) => r.model === model && JSON.stringify(r.point) === JSON.stringify(point.point));
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
        bySeed: new Map(good.map((r) => [r.seed, metricOf(r, metric)])),
        didNotLearn: runs.filter((r) => r.status === "completed" && r.didNotLearn).length,
        failed: runs.filter((r) => r.status === "failed").length,
      };
    }),
  );
}

/** bilstm-attention minus the best baseline at one point, paired over the seeds both have. */
export interface Advantage {
  point: SweepPoint;
  baseline: string;
  n: number;
  mean: number;
  lo: number;
  hi: number;
  p: number;
  pHolm: number;
  verdict: Verdict;
}

/**
 * At each point: the baseline with the best mean, the paired differences per seed (same data per seed),
 * their 95% t interval and p-value, then Holm's correction across all points of the sweep.
 */
export function attentionAdvantage(results: ExperimentResults, metric: MetricName): Advantage[] {
  const cells = summarize(results, metric);
  const points = sweepPoints(results);
  const raw = points.flatMap((point) => {
    const here = cells.filter((c) => c.point.key === point.key);
    const attention = here.find((c) => c.model === ATTENTION_MODEL);
    const baselines = here.filter((c) => c.model !== ATTENTION_MODEL && c.n > 0).sort((a, b) => b.mean - a.mean);
    const best = baselines[0];
    if (attention === undefined || best === undefined || attention.n === 0) return [];
    const seeds = [...attention.bySeed.keys()].filter((s) => best.bySeed.has(s));
    const test = pairedDifference(seeds.map((s) => attention.bySeed.get(s)!), seeds.map((s) => best.bySeed.get(s)!));
    return [{ point, baseline: best.model, ...test }];
  });
  const adjusted = holm(raw.map((r) => r.p));
  return raw.map((r, i) => ({ ...r, pHolm: adjusted[i]!, verdict: verdict(r.mean, adjusted[i]!) }));
}

/** The one sentence at the top of a report: where attention is clearly ahead, behind, or tied. */
export function headline(results: ExperimentResults, metric: MetricName = "f1"): string {
  const advantages = attentionAdvantage(results, metric);
  const axes = axesOf(results);
  const what = axes.length === 0 ? "" : ` (${axes.map(axisLabel).join(" × ")})`;
  if (advantages.length === 0) {
    return `No comparison yet: ${ATTENTION_MODEL} and at least one baseline need completed runs at the same sweep point.`;
  }
  const list = (v: Verdict) => advantages.filter((a) => a.verdict === v).map((a) => a.point.label);
  const ahead = list("ahead");
  const behind = list("behind");
  const untested = list("n/a").length;
  const parts: string[] = [];
  if (ahead.length === advantages.length) parts.push(`${ATTENTION_MODEL} clearly beats the best baseline at every sweep point${what}`);
  else if (ahead.length > 0) parts.push(`${ATTENTION_MODEL} clearly beats the best baseline at ${ahead.join("; ")}${what}`);
  if (behind.length > 0) parts.push(`it is clearly behind at ${behind.join("; ")}`);
  if (ahead.length + behind.length < advantages.length - untested) {
    parts.push(ahead.length + behind.length === 0 ? `no sweep point separates ${ATTENTION_MODEL} from the best baseline` : "ties elsewhere");
  }
  if (untested > 0) parts.push(`${untested} point(s) have too few paired seeds to test`);
  const sentence = parts.join("; ");
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)} (${METRICS[metric]}, paired t over seeds, Holm-corrected, α = 0.05).`;
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
