import { jStat } from "./distributions.js";

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function std(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

export interface Interval {
  n: number;
  mean: number;
  lo: number;
  hi: number;
}

/** Two-sided t interval of the mean at `level`; a single value gives a zero-width interval. */
export function tInterval(values: readonly number[], level = 0.95): Interval {
  const n = values.length;
  const m = mean(values);
  if (n < 2) return { n, mean: m, lo: m, hi: m };
  const half = jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * (std(values) / Math.sqrt(n));
  return { n, mean: m, lo: m - half, hi: m + half };
}

export interface PairedTest extends Interval {
  /** Two-sided p-value of the paired t test (H0: mean difference 0). */
  p: number;
}

/** Paired comparison a − b over matched observations (seeds): mean difference, t interval, t-test p. */
export function pairedDifference(a: readonly number[], b: readonly number[], level = 0.95): PairedTest {
  if (a.length !== b.length) throw new Error("paired samples must have the same length");
  const d = a.map((v, i) => v - (b[i] as number));
  const interval = tInterval(d, level);
  const n = d.length;
  if (n < 2) return { ...interval, p: Number.NaN };
  const s = std(d);
  if (s === 0) return { ...interval, p: interval.mean === 0 ? 1 : 0 };
  const t = interval.mean / (s / Math.sqrt(n));
  return { ...interval, p: 2 * (1 - jStat.studentt.cdf(Math.abs(t), n - 1)) };
}

/** Holm's step-down adjustment of p-values for multiple comparisons; NaN stays NaN. */
export function holm(pValues: readonly number[]): number[] {
  const indexed = pValues
    .map((p, i) => ({ p, i }))
    .filter((x) => !Number.isNaN(x.p))
    .sort((a, b) => a.p - b.p);
  const m = indexed.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  indexed.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export type Verdict = "ahead" | "behind" | "tie" | "n/a";

/** Clearly ahead or behind when the adjusted p is below alpha; a tie otherwise; n/a without a test. */
export function verdict(meanDifference: number, adjustedP: number, alpha = 0.05): Verdict {
  if (Number.isNaN(adjustedP)) return "n/a";
  if (adjustedP >= alpha) return "tie";
  return meanDifference > 0 ? "ahead" : "behind";
}

/** Ranks with ties averaged: rank 1 for the largest value when `descending` (better = higher). */
export function ranks(values: readonly number[], descending = true): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => (descending ? b.v - a.v : a.v - b.v));
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end < order.length && order[end]!.v === order[start]!.v) end++;
    for (let k = start; k < end; k++) out[order[k]!.i] = (start + 1 + end) / 2;
    start = end;
  }
  return out;
}

/** Wilcoxon signed-rank test, two-sided: exact for ≤ 25 untied non-zero differences, else normal. */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): { statistic: number; p: number; n: number } {
  const d = a.map((v, i) => v - (b[i] as number)).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, p: 1, n };
  const r = ranks(d.map(Math.abs), false);
  const wPlus = d.reduce((s, x, i) => s + (x > 0 ? (r[i] as number) : 0), 0);
  const tied = new Set(r).size !== r.length;
  if (!tied && n <= 25) {
    // counts[w] = number of sign patterns with W+ = w.
    const max = (n * (n + 1)) / 2;
    let counts = new Array<number>(max + 1).fill(0);
    counts[0] = 1;
    for (let k = 1; k <= n; k++) {
      const next = counts.slice();
      for (let w = k; w <= max; w++) next[w]! += counts[w - k] as number;
      counts = next;
    }
    const total = 2 ** n;
    const lower = counts.slice(0, Math.floor(wPlus) + 1).reduce((s, c) => s + c, 0) / total;
    const upper = counts.slice(Math.ceil(wPlus)).reduce((s, c) => s + c, 0) / total;
    return { statistic: wPlus, p: Math.min(1, 2 * Math.min(lower, upper)), n };
  }
  const mu = (n * (n + 1)) / 4;
  const tieCounts = [...new Map(r.map((x) => [x, r.filter((y) => y === x).length])).values()];
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieCounts.reduce((s, t) => s + (t ** 3 - t), 0) / 48;
  const z = (wPlus - mu) / Math.sqrt(variance);
  return { statistic: wPlus, p: Math.min(1, 2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1))), n };
}

/**
 * Friedman test over blocks (rows) of k treatments (columns), higher = better: average ranks, the
 * chi-square statistic with the usual correction for ties within blocks (as scipy's friedmanchisquare)
 * and its p-value.
 */
export function friedman(blocks: readonly (readonly number[])[]): { averageRanks: number[]; statistic: number; p: number } {
  const k = blocks[0]?.length ?? 0;
  const n = blocks.length;
  const sums = new Array<number>(k).fill(0);
  let tieTerm = 0;
  for (const block of blocks) {
    const r = ranks(block);
    r.forEach((x, j) => (sums[j]! += x));
    for (const t of new Map(r.map((x) => [x, r.filter((y) => y === x).length])).values()) tieTerm += t ** 3 - t;
  }
  const averageRanks = sums.map((s) => s / n);
  if (n === 0 || k < 2) return { averageRanks, statistic: Number.NaN, p: Number.NaN };
  const uncorrected = ((12 * n) / (k * (k + 1))) * (averageRanks.reduce((s, r) => s + r * r, 0) - (k * (k + 1) ** 2) / 4);
  const correction = 1 - tieTerm / (n * (k ** 3 - k));
  // Every block all ties: no information, no evidence of a difference.
  if (correction <= 0) return { averageRanks, statistic: 0, p: 1 };
  const statistic = uncorrected / correction;
  return { averageRanks, statistic, p: 1 - jStat.chisquare.cdf(statistic, k - 1) };
}

export interface Proportion {
  /** Successes (runs that learned) of `n` trials (runs with a score). */
  k: number;
  n: number;
  rate: number;
  lo: number;
  hi: number;
}

/**
 * Wilson score interval of a proportion k/n (Wilson 1927): unlike the normal (Wald) interval it stays
 * inside [0, 1] and is not zero-width at 0 of n or n of n, which is where a few seeds put us. No trials:
 * rate NaN, interval [0, 1].
 */
export function wilson(k: number, n: number, level = 0.95): Proportion {
  if (n === 0) return { k, n, rate: Number.NaN, lo: 0, hi: 1 };
  const z = jStat.normal.inv(1 - (1 - level) / 2, 0, 1);
  const p = k / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { k, n, rate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * The smallest mean paired difference a two-sided paired t test over `n` pairs with spread `sd` (sample std
 * of the differences) rejects at level `alpha`: t(1 − α/2, n − 1) · sd / √n. With Holm over m tests, pass
 * α/m: Holm's first step, the threshold a lone difference must pass whatever the other points do.
 */
export function minimumDetectableDifference(n: number, sd: number, alpha = 0.05): number {
  if (n < 2) return Number.POSITIVE_INFINITY;
  return jStat.studentt.inv(1 - alpha / 2, n - 1) * (sd / Math.sqrt(n));
}

/**
 * How many pairs the same test needs before a mean difference of `difference` at spread `sd` would be
 * significant (the n where `minimumDetectableDifference` drops below it; that is about even odds of
 * detecting a true difference of that size, not 80% power); null beyond `max`.
 */
export function pairsNeeded(difference: number, sd: number, alpha = 0.05, max = 1000): number | null {
  for (let n = 2; n <= max; n++) if (minimumDetectableDifference(n, sd, alpha) < Math.abs(difference)) return n;
  return null;
}

export interface TwoSampleTest {
  statistic: number;
  /** Two-sided p-value. */
  p: number;
}

/**
 * Welch's t test of a − b on two independent samples (unequal variances, Welch–Satterthwaite degrees of
 * freedom), two-sided. Fewer than 2 values on a side: NaN; both samples constant: p 1 if their means are
 * equal, else 0.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): TwoSampleTest & { df: number } {
  if (a.length < 2 || b.length < 2) return { statistic: Number.NaN, df: Number.NaN, p: Number.NaN };
  const va = std(a) ** 2 / a.length;
  const vb = std(b) ** 2 / b.length;
  const difference = mean(a) - mean(b);
  if (va + vb === 0)
    return { statistic: difference === 0 ? 0 : Math.sign(difference) * Infinity, df: Number.NaN, p: difference === 0 ? 1 : 0 };
  const statistic = difference / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { statistic, df, p: 2 * (1 - jStat.studentt.cdf(Math.abs(statistic), df)) };
}

/** Up to this many values in all, the Mann–Whitney p-value is exact (every split of the pooled ranks counted). */
const MANN_WHITNEY_EXACT_MAX = 50;

/**
 * Mann–Whitney U test of two independent samples, two-sided; U is a's statistic (the number of pairs in
 * which a's value is larger, ties counting one half). Exact over every assignment of the pooled, tie-averaged
 * ranks up to 50 values in all (as scipy's method="exact" without ties; with ties this is the exact
 * permutation test of the rank sum), normal approximation with the tie correction beyond. An empty
 * sample: NaN.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): TwoSampleTest {
  const n1 = a.length;
  const n = n1 + b.length;
  if (n1 === 0 || b.length === 0) return { statistic: Number.NaN, p: Number.NaN };
  const r = ranks([...a, ...b], false);
  // Doubled ranks are integers (a tie average is a whole or a half).
  const doubled = r.map((x) => Math.round(2 * x));
  const observed = doubled.slice(0, n1).reduce((s, x) => s + x, 0);
  const statistic = observed / 2 - (n1 * (n1 + 1)) / 2;
  const expected = n1 * (n + 1);
  if (n <= MANN_WHITNEY_EXACT_MAX) {
    // ways[k].get(s): subsets of k of the pooled values whose doubled rank sum is s.
    let ways: Array<Map<number, number>> = Array.from({ length: n1 + 1 }, (_, k) => new Map(k === 0 ? [[0, 1]] : []));
    for (const x of doubled) {
      const next = ways.map((m) => new Map(m));
      for (let k = 1; k <= n1; k++) {
        for (const [s, c] of ways[k - 1]!) next[k]!.set(s + x, (next[k]!.get(s + x) ?? 0) + c);
      }
      ways = next;
    }
    let extreme = 0;
    let total = 0;
    for (const [s, c] of ways[n1]!) {
      total += c;
      if (Math.abs(s - expected) >= Math.abs(observed - expected)) extreme += c;
    }
    return { statistic, p: extreme / total };
  }
  const n2 = b.length;
  const tieCounts = [...new Map(r.map((x) => [x, r.filter((y) => y === x).length])).values()];
  const variance = ((n1 * n2) / 12) * (n + 1 - tieCounts.reduce((s, t) => s + (t ** 3 - t), 0) / (n * (n - 1)));
  if (variance === 0) return { statistic, p: 1 };
  const z = (statistic - (n1 * n2) / 2) / Math.sqrt(variance);
  return { statistic, p: Math.min(1, 2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1))) };
}
