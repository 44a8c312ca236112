import { makeRng } from "@tsa/data";
import { describe, expect, it } from "vitest";
import { replayComparison, seedsNeeded, testLook, type SequentialPlan } from "./decide.js";
import { signedRank } from "./signed-rank.js";
import { simulateFamilies, type DifferenceSampler } from "./simulate.js";
import { alphaSpent, lookLevels } from "./spending.js";
import { recordedEffectSamplers, recordedNullSamplers, type RecordedRun } from "./recorded.js";
import { readFileSync } from "node:fs";

// Completed runs of experiments/fair/noise.yaml as recorded on the project's machine (test F1, learned or not):
// fixtures/README.md says how they were read out of the store.
const RECORDED = JSON.parse(readFileSync(new URL("./fixtures/recorded-runs.json", import.meta.url), "utf8")) as RecordedRun[];

describe("signedRank (exact, ties included)", () => {
  it("counts sign patterns exactly on hand-checked cases", () => {
    // Doubled ranks 2, 4, 6; W+ over the 8 sign patterns: 0, 2, 4, 6, 6, 8, 10, 12.
    expect(signedRank([1, 2, 3])).toEqual({ n: 3, pGreater: 1 / 8, pLess: 1 });
    expect(signedRank([1, -2, 3])).toEqual({ n: 3, pGreater: 3 / 8, pLess: 6 / 8 });
    // Three tied |d| share rank 2 (doubled 4): W+ over the patterns 0, 4, 4, 4, 8, 8, 8, 12.
    expect(signedRank([1, 1, -1])).toEqual({ n: 3, pGreater: 4 / 8, pLess: 7 / 8 });
  });

  it("drops zero differences and says so in n", () => {
    expect(signedRank([0, 0, 2]).n).toBe(1);
    expect(signedRank([0, 0])).toEqual({ n: 0, pGreater: 1, pLess: 1 });
  });

  it("can never go below 2/2^n two-sided: 3 pairs cannot decide anything at 0.05", () => {
    const p = signedRank([0.3, 0.2, 0.4]);
    expect(2 * Math.min(p.pGreater, p.pLess)).toBe(0.25);
  });
});

describe("alpha spending (Lan–DeMets)", () => {
  it("spends exactly alpha by the last look, O'Brien–Fleming almost nothing early", () => {
    for (const boundary of ["obrien-fleming", "pocock"] as const) {
      const levels = lookLevels([3, 6, 12, 24], 0.01, boundary);
      expect(levels.reduce((a, b) => a + b, 0)).toBeCloseTo(0.01, 12);
      expect(levels.every((l) => l >= 0)).toBe(true);
    }
    expect(alphaSpent("obrien-fleming", 0.05, 0.25)).toBeLessThan(1e-4);
    expect(alphaSpent("pocock", 0.05, 0.5)).toBeCloseTo(0.05 * Math.log(1 + (Math.E - 1) / 2), 12);
  });
});

const plan: SequentialPlan = { looks: [6, 12, 18, 24], alpha: 0.05, boundary: "pocock", margin: 0.01 };

describe("decisions", () => {
  it("decides a clear difference early, a level pair as level, and leaves noise undecided to the end", () => {
    const ahead = Array.from({ length: 24 }, (_, i) => 0.2 + 0.001 * i);
    expect(replayComparison(plan, 5, ahead).at(-1)).toMatchObject({ decided: "ahead", n: 12 });
    expect(
      replayComparison(
        plan,
        5,
        ahead.map((d) => -d),
      ).at(-1)?.decided,
    ).toBe("behind");
    const level = Array.from({ length: 24 }, (_, i) => (i % 2 ? 1 : -1) * 0.0001 * (i + 1));
    expect(replayComparison(plan, 5, level).at(-1)?.decided).toBe("level");
    const rng = makeRng(3, "noise");
    const noise = Array.from({ length: 24 }, () => rng.gaussian() * 0.2);
    const history = replayComparison(plan, 5, noise);
    expect(history.map((h) => h.decided)).toEqual([null, null, null, "undecided"]);
  });

  it("asks for the next look's seeds until decided, then none", () => {
    const rng = makeRng(4, "noise");
    const noise = Array.from({ length: 24 }, () => rng.gaussian() * 0.2);
    expect(seedsNeeded(plan, 5, noise.slice(0, 6))).toBe(12);
    expect(seedsNeeded(plan, 5, noise.slice(0, 12))).toBe(18);
    expect(seedsNeeded(plan, 5, noise)).toBeNull();
    expect(seedsNeeded(plan, 5, Array(12).fill(0.3))).toBeNull();
  });

  it("replays the same decisions from the same differences (a resumed sweep decides the same)", () => {
    const rng = makeRng(5, "noise");
    const d = Array.from({ length: 24 }, () => 0.05 + rng.gaussian() * 0.1);
    expect(replayComparison(plan, 5, d)).toEqual(replayComparison(plan, 5, [...d]));
    expect(testLook(plan, 5, 1, d.slice(0, 12))).toEqual(replayComparison(plan, 5, d)[1]);
  });
});

// The family-wise error rate under the null, by simulation: 5 comparisons, ≥ 3 looks, two shapes of differences.
const FAMILIES = 2000;
const allowed = (alpha: number) => alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / FAMILIES);
const normal: DifferenceSampler = (rng) => rng.gaussian() * 0.1;
/** Each model of a pair learns or stays at chance (F1 near 0.5) on its own: the project's runs' shape. */
const learnedOrChance: DifferenceSampler = (rng) => {
  const f1 = () => (rng.uniform() < 0.5 ? 0.95 + 0.02 * rng.gaussian() : 0.5 + 0.03 * rng.gaussian());
  return f1() - f1();
};
const nullFamily = (sampler: DifferenceSampler) => Array.from({ length: 5 }, () => ({ sampler, trueDifference: 0 }));
/** Five null comparisons (and more when the runs cover more noise levels), each resampling one level's recorded runs. */
const recordedFamily = () => {
  const samplers = recordedNullSamplers(RECORDED);
  return Array.from({ length: Math.max(5, samplers.length) }, (_, i) => ({ sampler: samplers[i % samplers.length]!, trueDifference: 0 }));
};

describe("the family-wise error rate holds over points and looks", () => {
  for (const [shape, sampler] of [
    ["normal differences", normal],
    ["learned-or-chance mixtures", learnedOrChance],
  ] as const) {
    for (const boundary of ["obrien-fleming", "pocock"] as const) {
      it(`${shape}, ${boundary}: at most alpha within three Monte Carlo standard errors`, () => {
        const result = simulateFamilies({ ...plan, looks: [3, 6, 12, 24], boundary }, nullFamily(sampler), FAMILIES, 11);
        expect(result.familyWiseError).toBeLessThanOrEqual(allowed(0.05));
      });
    }
  }

  for (const boundary of ["obrien-fleming", "pocock"] as const) {
    it(`recorded runs, resampled, ${boundary}: at most alpha within three Monte Carlo standard errors`, () => {
      expect(RECORDED.some((r) => r.didNotLearn === 1) && RECORDED.some((r) => r.didNotLearn === 0)).toBe(true);
      const result = simulateFamilies({ ...plan, looks: [5, 10, 20], boundary }, recordedFamily(), FAMILIES, 14);
      expect(result.familyWiseError).toBeLessThanOrEqual(allowed(0.05));
    });
  }

  it("recorded runs: naive repeated testing exceeds alpha where the spending holds it", () => {
    const many: SequentialPlan = { ...plan, looks: [8, 10, 12, 14, 16, 18, 20, 22, 24], margin: 0 };
    // Fewer families than above: exact tests on many tied values are slower; the bounds use this count.
    const families = 800;
    const bound = 0.05 + 3 * Math.sqrt((0.05 * 0.95) / families);
    const naive = simulateFamilies(many, recordedFamily(), families, 15, { spend: false });
    expect(naive.familyWiseError).toBeGreaterThan(bound);
    expect(simulateFamilies(many, recordedFamily(), families, 15).familyWiseError).toBeLessThanOrEqual(bound);
  });

  it("recorded runs: a learned-against-all effect is found, with fewer seeds than the fixed design", () => {
    const effects = recordedEffectSamplers(RECORDED);
    expect(effects.length).toBeGreaterThan(0);
    const result = simulateFamilies({ ...plan, looks: [5, 10, 20], boundary: "pocock", margin: 0 }, effects, 500, 16);
    // Far more often than a false verdict under the null, and on average before the last look.
    expect(result.power).toBeGreaterThan(5 * 0.05);
    expect(result.meanSeeds).toBeLessThan(result.fixedSeeds);
  });

  it("fails without the spending: testing every look at the whole alpha exceeds it", () => {
    const many: SequentialPlan = { ...plan, looks: [8, 10, 12, 14, 16, 18, 20, 22, 24], margin: 0 };
    const naive = simulateFamilies(many, nullFamily(normal), FAMILIES, 12, { spend: false });
    const spent = simulateFamilies(many, nullFamily(normal), FAMILIES, 12);
    expect(naive.familyWiseError).toBeGreaterThan(allowed(0.05));
    expect(spent.familyWiseError).toBeLessThanOrEqual(allowed(0.05));
  });

  it("finds a real difference (one standard deviation) with fewer seeds than a fixed design would spend", () => {
    const effect: DifferenceSampler = (rng) => 0.1 + rng.gaussian() * 0.1;
    const family = Array.from({ length: 5 }, () => ({ sampler: effect, trueDifference: 0.1 }));
    const result = simulateFamilies({ ...plan, looks: [3, 6, 12, 24] }, family, 500, 13);
    expect(result.power).toBeGreaterThan(0.9);
    expect(result.meanSeeds).toBeLessThan(0.9 * result.fixedSeeds);
  });
});
