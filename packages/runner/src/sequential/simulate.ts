import { makeRng } from "@tsa/data";
import { testAtLevel, testLook, type SequentialPlan } from "./decide.js";

/** Draws one paired difference (treatment − control) for a simulated seed. */
export type DifferenceSampler = (rng: { uniform(): number; gaussian(): number }) => number;

export interface OperatingCharacteristics {
  /** Share of families with at least one false "ahead" or "behind" (comparisons whose true difference is 0). */
  familyWiseError: number;
  /** Share of comparisons with a true difference that were found ahead or behind in its direction. */
  power: number;
  /** Mean seeds per comparison at the end, and what a fixed design at the last look would spend. */
  meanSeeds: number;
  fixedSeeds: number;
}

/**
 * Monte Carlo of the sequential design: `families` families of comparisons, each drawn by its sampler
 * (null or with an effect), run look by look as a sweep would. `spend: false` tests every look at the whole
 * per-comparison α: naive repeated testing, to show what the spending prevents.
 */
export function simulateFamilies(
  plan: SequentialPlan,
  comparisons: { sampler: DifferenceSampler; trueDifference: number }[],
  families: number,
  seed: number,
  options: { spend?: boolean } = {},
): OperatingCharacteristics {
  const rng = makeRng(seed, "sequential-simulation");
  let falseFamilies = 0;
  let found = 0;
  let effects = 0;
  let seeds = 0;
  for (let f = 0; f < families; f++) {
    let familyError = false;
    for (const comparison of comparisons) {
      const d: number[] = [];
      for (let look = 0; look < plan.looks.length; look++) {
        while (d.length < plan.looks[look]!) d.push(comparison.sampler(rng));
        const { decided } =
          options.spend === false
            ? testAtLevel(plan, look, plan.alpha / comparisons.length, d)
            : testLook(plan, comparisons.length, look, d);
        if (decided === null) continue;
        if ((decided === "ahead" || decided === "behind") && comparison.trueDifference === 0) familyError = true;
        if (comparison.trueDifference !== 0 && decided === (comparison.trueDifference > 0 ? "ahead" : "behind")) found++;
        break;
      }
      if (comparison.trueDifference !== 0) effects++;
      seeds += d.length;
    }
    if (familyError) falseFamilies++;
  }
  return {
    familyWiseError: falseFamilies / families,
    power: effects === 0 ? 0 : found / effects,
    meanSeeds: seeds / (families * comparisons.length),
    fixedSeeds: plan.looks.at(-1)!,
  };
}
