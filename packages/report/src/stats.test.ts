import { describe, expect, it } from "vitest";
import { friedman, holm, mean, pairedDifference, ranks, std, tInterval, verdict, wilcoxonSignedRank } from "./stats.js";

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

  it("ranks with ties averaged", () => {
    expect(ranks([0.9, 0.7, 0.9, 0.5])).toEqual([1.5, 3, 1.5, 4]);
  });

  it("Wilcoxon signed-rank, exact", () => {
    // d = 1..6 all positive: W+ = 21, the single most extreme of 64 patterns → p = 2/64.
    expect(wilcoxonSignedRank([2, 3, 4, 5, 6, 7], [1, 1, 1, 1, 1, 1]).p).toBeCloseTo(2 / 64, 12);
    // d = +1, -2, +3: W+ = 4 of max 6; P(W+ >= 4) = 3/8, P(W+ <= 4) = 6/8 → p = 0.75.
    expect(wilcoxonSignedRank([2, 0, 4], [1, 2, 1]).p).toBeCloseTo(0.75, 12);
  });

  it("Friedman: average ranks and statistic", () => {
    // Three blocks, model A always best, C always worst: ranks 1, 2, 3; chi2 = 12*3/(3*4)*(1+4+9 - 3*16/4) = 6.
    const r = friedman([[0.9, 0.8, 0.7], [0.95, 0.9, 0.6], [0.8, 0.7, 0.65]]);
    expect(r.averageRanks).toEqual([1, 2, 3]);
    expect(r.statistic).toBeCloseTo(6, 12);
    expect(r.p).toBeCloseTo(Math.exp(-3), 8);
  });
});
