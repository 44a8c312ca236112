import { describe, expect, it } from "vitest";
import type { SeedResult } from "./results.js";
import { summarize } from "./summary.js";
import type { Variant } from "./variants.js";

const result = (variant: Variant, seed: number, testF1: number): SeedResult => ({
  variant,
  seed,
  testF1,
  testRocAuc: testF1,
  testAccuracy: testF1,
  epochsRun: 20 + seed,
  bestEpoch: 15 + seed,
  seconds: 100,
  valLoss: [],
});

describe("summarize", () => {
  const torch = [0.97, 0.96, 0.98, 0.95].map((f1, seed) => result("pytorch", seed, f1));
  const ours = [0.99, 0.985, 0.98].map((f1, seed) => result("tsa", seed, f1));
  const close = [0.965, 0.962, 0.96].map((f1, seed) => result("tsa-pytorch-init", seed, f1));

  it("gives each variant's mean ± std in the table's order, whatever the order of the results", () => {
    const { variants } = summarize([...ours, ...close, ...torch]);
    expect(variants.map((v) => v.variant)).toEqual(["pytorch", "tsa", "tsa-pytorch-init"]);
    expect(variants[0]!.f1.mean).toBeCloseTo(0.965, 12);
    expect(variants[0]!.f1.std).toBeCloseTo(0.0129099445, 9);
    expect(variants[0]).toMatchObject({ seeds: [0, 1, 2, 3], epochsRun: 21.5, bestEpoch: 16.5, seconds: 100 });
  });

  it("tests each of ours against PyTorch (Welch and Mann–Whitney, as scipy) and checks the −0.005 target", () => {
    const [better, near] = summarize([...torch, ...ours, ...close]).comparisons;
    expect(better).toMatchObject({ variant: "tsa", meetsTarget: true });
    expect(better!.difference).toBeCloseTo(0.02, 12);
    expect(better!.welchP).toBeCloseTo(0.0464072099, 6);
    // The tie at 0.98: the exact permutation test of the tie-averaged rank sum, 3 of the 35 splits as far
    // from the mean as ours (scipy's method="exact" ignores ties: 4/35).
    expect(better!.mannWhitneyP).toBeCloseTo(3 / 35, 12);
    expect(near!.difference).toBeCloseTo((0.965 + 0.962 + 0.96) / 3 - 0.965, 12);
    expect(near!.meetsTarget).toBe(true);
    const behind = summarize([...torch, ...[0.9, 0.91].map((f1, seed) => result("tsa", seed, f1))]).comparisons[0]!;
    expect(behind.meetsTarget).toBe(false);
  });

  it("pairs ours with PyTorch by seed, on the seeds both ran (t test and Wilcoxon, as scipy)", () => {
    // Seed 3 has no run of ours; the differences of seeds 0–2 are +0.02, +0.025 and 0.
    const { paired } = summarize([...torch, ...ours]).comparisons[0]!;
    expect(paired).not.toBeNull();
    expect(paired!.seeds).toBe(3);
    expect(paired!.difference).toBeCloseTo(0.015, 12);
    expect(paired!.median).toBeCloseTo(0.02, 12);
    expect(paired!.lo).toBeCloseTo(-0.017862053, 8);
    expect(paired!.hi).toBeCloseTo(0.047862053, 8);
    expect(paired!.tP).toBeCloseTo(0.1884973288, 8);
    // scipy.stats.wilcoxon drops the zero difference: two positive ranks, p = 2 · 1/4.
    expect(paired!.wilcoxonP).toBeCloseTo(0.5, 12);
  });

  it("pairs nothing on fewer than two common seeds", () => {
    const other = [0.99, 0.98].map((f1, i) => result("tsa", i + 3, f1));
    expect(summarize([...torch, ...other]).comparisons[0]!.paired).toBeNull();
  });

  it("compares nothing without PyTorch results", () => {
    expect(summarize(ours).comparisons).toEqual([]);
  });
});
