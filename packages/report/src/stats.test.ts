import { describe, expect, it } from "vitest";
import {
  friedman,
  holm,
  mean,
  minimumDetectableDifference,
  pairedDifference,
  pairsNeeded,
  ranks,
  std,
  tInterval,
  verdict,
  wilcoxonSignedRank,
  welchTTest,
  mannWhitneyU,
  wilson,
} from "./stats.js";

describe("statistics against hand-computed values", () => {
  it("mean, sample std and the 95% t interval", () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 8);
    // n = 3, mean 2, sd 1, t(0.975, 2) = 4.302653: half-width 4.302653 / sqrt(3) = 2.484138.
    const i = tInterval([1, 2, 3]);
    expect(i.mean).toBe(2);
    expect(i.hi - i.mean).toBeCloseTo(2.484138, 5);
    expect(tInterval([0.7])).toEqual({ n: 1, mean: 0.7, lo: 0.7, hi: 0.7 });
  });

  it("paired difference: interval and two-sided p", () => {
    // d = [0.1, 0.2, 0.3]: mean 0.2, sd 0.1, t = 0.2 / (0.1/√3) = 3.4641, df 2 → p = 0.07418.
    const r = pairedDifference([0.9, 0.9, 0.9], [0.8, 0.7, 0.6]);
    expect(r.mean).toBeCloseTo(0.2, 12);
    expect(r.p).toBeCloseTo(0.07418, 4);
    expect(r.lo).toBeCloseTo(0.2 - 0.2484138, 5);
    expect(pairedDifference([1, 1], [0.5, 0.5]).p).toBe(0);
    expect(pairedDifference([1, 1], [1, 1]).p).toBe(1);
  });

  it("Holm adjusts step-down and stays monotone", () => {
    // p = 0.01, 0.04, 0.03 → sorted 0.01*3 = 0.03, 0.03*2 = 0.06, max(0.06, 0.04*1) = 0.06.
    expect(holm([0.01, 0.04, 0.03]).map((p) => Number(p.toFixed(6)))).toEqual([0.03, 0.06, 0.06]);
    expect(holm([0.5, Number.NaN])).toEqual([0.5, Number.NaN]);
  });

  it("decides clearly ahead / behind / tie from the adjusted p", () => {
    expect(verdict(0.05, 0.01)).toBe("ahead");
    expect(verdict(-0.05, 0.01)).toBe("behind");
    expect(verdict(0.05, 0.2)).toBe("tie");
    expect(verdict(0.05, Number.NaN)).toBe("n/a");
  });

  it("Holm on four p-values, and the clearly-ahead decision taken on the adjusted p", () => {
    // Sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, max(0.06, 0.04*1) = 0.06; back in input order.
    const adjusted = holm([0.04, 0.01, 0.03, 0.005]);
    expect(adjusted.map((p) => Number(p.toFixed(6)))).toEqual([0.06, 0.03, 0.06, 0.02]);
    // 0.04 alone would be clearly ahead; after Holm it is not.
    expect(verdict(0.02, 0.04)).toBe("ahead");
    expect(verdict(0.02, adjusted[0]!)).toBe("tie");
    expect(verdict(-0.02, adjusted[3]!)).toBe("behind");
    // At exactly alpha the null is not rejected.
    expect(verdict(0.02, 0.05)).toBe("tie");
    expect(holm([0.9, 0.8])).toEqual([1, 1]);
  });

  it("paired difference: the interval is centred on the mean difference and excludes 0 exactly when p < 0.05", () => {
    // d = [0.05, 0.06, 0.07, 0.08]: mean 0.065, sd 0.0129099, t(0.975, 3) = 3.182446 → half-width 0.0205426.
    const r = pairedDifference([0.95, 0.96, 0.97, 0.98], [0.9, 0.9, 0.9, 0.9]);
    expect(r.mean).toBeCloseTo(0.065, 12);
    expect(r.hi - r.mean).toBeCloseTo(0.0205426, 6);
    expect(r.mean - r.lo).toBeCloseTo(0.0205426, 6);
    expect(r.lo > 0).toBe(r.p < 0.05);
    expect(() => pairedDifference([1, 2], [1])).toThrow(/same length/);
  });

  it("ranks with ties averaged", () => {
    expect(ranks([0.9, 0.7, 0.9, 0.5])).toEqual([1.5, 3, 1.5, 4]);
  });

  it("Wilcoxon signed-rank, exact", () => {
    // d = 1..6 all positive: W+ = 21, the single most extreme of 64 patterns → p = 2/64.
    expect(wilcoxonSignedRank([2, 3, 4, 5, 6, 7], [1, 1, 1, 1, 1, 1]).p).toBeCloseTo(2 / 64, 12);
    // d = +1, -2, +3: W+ = 4 of max 6; P(W+ >= 4) = 3/8, P(W+ <= 4) = 6/8 → p = 0.75.
    expect(wilcoxonSignedRank([2, 0, 4], [1, 2, 1]).p).toBeCloseTo(0.75, 12);
  });

  it("Wilcoxon signed-rank, normal approximation with ties", () => {
    // d = 1, 1, 2, -3, 4: |d| ranks 1.5, 1.5, 3, 4, 5; W+ = 11; mean 7.5; variance 5*6*11/24 - (2^3 - 2)/48 = 13.625;
    // z = 3.5 / sqrt(13.625) = 0.948200 → p = 2 (1 - Φ(z)) = 0.343028.
    const r = wilcoxonSignedRank([2, 2, 3, 0, 5], [1, 1, 1, 3, 1]);
    expect(r.statistic).toBe(11);
    expect(r.p).toBeCloseTo(0.343028, 5);
    // Zero differences are dropped (Wilcoxon's convention); none left means no evidence.
    expect(wilcoxonSignedRank([1, 2], [1, 2])).toEqual({ statistic: 0, p: 1, n: 0 });
  });

  it("Friedman with ties in a block: corrected statistic", () => {
    // Ranks (1.5, 1.5, 3), (1, 2, 3), (3, 2, 1): sums 5.5, 5.5, 7; uncorrected chi2 = 12/(3*3*4) * (5.5^2 + 5.5^2 + 7^2) - 3*3*4 = 0.5;
    // tie correction 1 - (2^3 - 2) / (3 * (3^3 - 3)) = 11/12 → chi2 = 6/11, df 2 → p = exp(-3/11) = 0.761300.
    const r = friedman([
      [0.9, 0.9, 0.5],
      [0.8, 0.7, 0.6],
      [0.6, 0.7, 0.8],
    ]);
    expect(r.averageRanks.map((x) => Number(x.toFixed(6)))).toEqual([1.833333, 1.833333, 2.333333]);
    expect(r.statistic).toBeCloseTo(6 / 11, 12);
    expect(r.p).toBeCloseTo(0.7613, 4);
    expect(
      friedman([
        [1, 1],
        [2, 2],
      ]),
    ).toMatchObject({ statistic: 0, p: 1 });
  });

  it("Friedman: average ranks and statistic", () => {
    // Three blocks, model A always best, C always worst: ranks 1, 2, 3; chi2 = 12*3/(3*4)*(1+4+9 - 3*16/4) = 6.
    const r = friedman([
      [0.9, 0.8, 0.7],
      [0.95, 0.9, 0.6],
      [0.8, 0.7, 0.65],
    ]);
    expect(r.averageRanks).toEqual([1, 2, 3]);
    expect(r.statistic).toBeCloseTo(6, 12);
    expect(r.p).toBeCloseTo(Math.exp(-3), 8);
  });
});

describe("learned rates and what a few seeds can detect", () => {
  it("Wilson 95% interval, by hand", () => {
    // k = 1, n = 3: p = 1/3, z = 1.959964, z² = 3.841459; denominator 1 + z²/3 = 2.280486;
    // centre (1/3 + z²/6) / 2.280486 = (0.333333 + 0.640243) / 2.280486 = 0.426916;
    // half z / 2.280486 · √(p(1 − p)/3 + z²/36) = 0.859454 · √(0.074074 + 0.106707) = 0.859454 · 0.425183 = 0.365425;
    // → [0.061491, 0.792341].
    const w = wilson(1, 3);
    expect(w.rate).toBeCloseTo(1 / 3, 12);
    expect(w.lo).toBeCloseTo(0.061491, 5);
    expect(w.hi).toBeCloseTo(0.792341, 5);
    // 3 of 3: the interval is not [1, 1]; centre (1 + z²/6) / 2.280486 = 0.719264, half 0.859454 · √(z²/36) = 0.280736 → [0.438503, 1].
    expect(wilson(3, 3).lo).toBeCloseTo(0.438503, 5);
    expect(wilson(3, 3).hi).toBeCloseTo(1, 12);
    expect(wilson(0, 3).lo).toBeCloseTo(0, 12);
    expect(wilson(0, 3).hi).toBeCloseTo(1 - 0.438503, 5);
    expect(wilson(0, 0)).toEqual({ k: 0, n: 0, rate: Number.NaN, lo: 0, hi: 1 });
  });

  it("the smallest significant paired difference, and the pairs a difference needs", () => {
    // n = 2, α = 0.05/5 = 0.01 (Holm's first step over 5 points): t(0.995, 1) = 63.656741; sd 0.2 → 63.656741 · 0.2 / √2 = 9.002385.
    expect(minimumDetectableDifference(2, 0.2, 0.01)).toBeCloseTo(9.002385, 4);
    // n = 3, α = 0.05: t(0.975, 2) = 4.302653; sd 0.1 → 0.248414.
    expect(minimumDetectableDifference(3, 0.1)).toBeCloseTo(0.248414, 5);
    expect(minimumDetectableDifference(1, 0.1)).toBe(Number.POSITIVE_INFINITY);
    // A difference of 0.2 at sd 0.1, α = 0.05: n = 3 needs 0.248 (too much), n = 4 needs t(0.975, 3) · 0.1 / 2 = 3.182446 · 0.05 = 0.159.
    expect(pairsNeeded(0.2, 0.1)).toBe(4);
    expect(pairsNeeded(-0.2, 0.1)).toBe(4);
    expect(pairsNeeded(0, 0.1)).toBeNull();
  });
});

describe("two-sample tests against scipy 1.17 (yarn parity)", () => {
  it("Welch's t test: statistic, Welch–Satterthwaite df and two-sided p (scipy.stats.ttest_ind, equal_var=False)", () => {
    const a = welchTTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(a.statistic).toBeCloseTo(-1.8973665961, 8);
    expect(a.df).toBeCloseTo(5.8823529412, 8);
    expect(a.p).toBeCloseTo(0.1075311949, 6);
    expect(welchTTest([0.97, 0.96, 0.98, 0.95], [0.99, 0.985, 0.98]).p).toBeCloseTo(0.0464072099, 6);
  });

  it("Welch's t test at the edges: too few values, constant samples", () => {
    expect(welchTTest([1], [1, 2]).p).toBeNaN();
    expect(welchTTest([1, 1], [1, 1]).p).toBe(1);
    expect(welchTTest([1, 1], [2, 2]).p).toBe(0);
  });

  it("Mann–Whitney U, exact two-sided (scipy.stats.mannwhitneyu, method='exact')", () => {
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toEqual({ statistic: 0, p: expect.closeTo(0.0079365079, 9) as number });
    const u = mannWhitneyU([3, 1, 4, 1.5, 9], [2, 6, 5.5, 8, 7]);
    expect(u.statistic).toBe(7);
    expect(u.p).toBeCloseTo(0.3095238095, 9);
  });

  it("Mann–Whitney U with ties: the exact permutation distribution of the tie-averaged rank sum", () => {
    // Every value tied: every split has the same rank sum.
    expect(mannWhitneyU([1, 1], [1, 1]).p).toBe(1);
    // Pooled ranks 1, 2.5, 2.5, 4; a = {1, 2.5}: U = 0.5; |S − 5| ≥ 1.5 for the splits {1, 2.5} (twice) and
    // {2.5, 4} (twice) of the 6: p = 4/6.
    const tied = mannWhitneyU([1, 2], [2, 3]);
    expect(tied.statistic).toBe(0.5);
    expect(tied.p).toBeCloseTo(4 / 6, 12);
  });

  it("Mann–Whitney U beyond 50 values: the normal approximation (scipy, method='asymptotic', no continuity correction)", () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const u = mannWhitneyU(
      a,
      a.map((x) => x + 7.5),
    );
    expect(u.statistic).toBe(253);
    expect(u.p).toBeCloseTo(0.0035851169, 8);
  });
});
