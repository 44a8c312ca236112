/**
 * The exact Wilcoxon signed-rank test of paired differences, one-sided either way, ties included: zero
 * differences are dropped (Wilcoxon's rule) and tied |d| share their mid-rank. Mid-ranks doubled are whole
 * numbers, so the null distribution of the doubled W+ (each rank's sign a fair coin, given the ranks) is
 * counted exactly by dynamic programming at any n, with or without ties. Exact means valid at any n and for
 * any shape of differences symmetric under the null, such as the mixture of learned and chance runs.
 */
export interface SignedRank {
  /** Non-zero differences used. */
  n: number;
  /** P(W+ ≥ observed) under the null: small when the differences are mostly positive. */
  pGreater: number;
  /** P(W+ ≤ observed) under the null: small when they are mostly negative. */
  pLess: number;
}

/** Doubled mid-ranks of |d| (1-based ranks × 2, ties sharing their mean), in the order of `d`. */
function doubledRanks(abs: readonly number[]): number[] {
  const order = abs.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(abs.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end < order.length && order[end]!.v === order[start]!.v) end++;
    // Ranks start+1 … end share their mean, (start + 1 + end) / 2; doubled, start + 1 + end.
    for (let k = start; k < end; k++) out[order[k]!.i] = start + 1 + end;
    start = end;
  }
  return out;
}

/** Cumulative null counts of the doubled W+ for a multiset of doubled ranks, cached by that multiset. */
const nullCache = new Map<string, { cumulative: Float64Array; total: number }>();

function nullDistribution(ranks: readonly number[]): { cumulative: Float64Array; total: number } {
  const key = [...ranks].sort((a, b) => a - b).join(",");
  const cached = nullCache.get(key);
  if (cached !== undefined) return cached;
  const max = ranks.reduce((a, b) => a + b, 0);
  let counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (const r of ranks) {
    const next = counts.slice();
    for (let w = r; w <= max; w++) next[w]! += counts[w - r]!;
    counts = next;
  }
  const cumulative = new Float64Array(max + 1);
  let sum = 0;
  counts.forEach((c, w) => (cumulative[w] = sum += c));
  const result = { cumulative, total: sum };
  if (nullCache.size > 10_000) nullCache.clear();
  nullCache.set(key, result);
  return result;
}

export function signedRank(differences: readonly number[]): SignedRank {
  const d = differences.filter((x) => x !== 0);
  if (d.length === 0) return { n: 0, pGreater: 1, pLess: 1 };
  const ranks = doubledRanks(d.map(Math.abs));
  const wPlus = d.reduce((s, x, i) => s + (x > 0 ? ranks[i]! : 0), 0);
  const { cumulative, total } = nullDistribution(ranks);
  const atMost = (w: number) => (w < 0 ? 0 : cumulative[Math.min(w, cumulative.length - 1)]!);
  return { n: d.length, pLess: atMost(wPlus) / total, pGreater: (total - atMost(wPlus - 1)) / total };
}
