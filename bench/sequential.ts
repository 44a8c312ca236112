// `yarn bench sequential`: the operating characteristics of sequential seeds (issue 23), by Monte Carlo: the
// family-wise error rate under the null, power and the mean seeds spent under an effect, for normal
// differences and for the recorded runs of experiments/fair/noise.yaml resampled. Never part of a test run.
import {
  recordedEffectSamplers,
  recordedNullSamplers,
  simulateFamilies,
  type DifferenceSampler,
  type RecordedRun,
  type SequentialPlan,
} from "@tsa/runner/sequential";
import { readFileSync } from "node:fs";

const RECORDED = JSON.parse(
  readFileSync(new URL("../packages/runner/src/sequential/fixtures/recorded-runs.json", import.meta.url), "utf8"),
) as RecordedRun[];
const COMPARISONS = 5;

const normalNull: DifferenceSampler = (rng) => rng.gaussian() * 0.1;
const normalEffect: DifferenceSampler = (rng) => 0.1 + rng.gaussian() * 0.1;
const cycle = <T>(items: T[]) => Array.from({ length: Math.max(COMPARISONS, items.length) }, (_, i) => items[i % items.length]!);

export function sequentialBench(): void {
  const shapes: Array<[string, Array<{ sampler: DifferenceSampler; trueDifference: number }>, number]> = [
    ["null, normal (sd 0.1)", cycle([{ sampler: normalNull, trueDifference: 0 }]), 4000],
    ["null, recorded runs", cycle(recordedNullSamplers(RECORDED).map((sampler) => ({ sampler, trueDifference: 0 }))), 2000],
    ["effect, normal (+0.1 ± 0.1)", cycle([{ sampler: normalEffect, trueDifference: 0.1 }]), 1000],
    ["effect, recorded (learned vs all)", cycle(recordedEffectSamplers(RECORDED)), 1000],
  ];
  const designs: SequentialPlan[] = [
    { looks: [5, 10, 20], alpha: 0.05, boundary: "obrien-fleming", margin: 0 },
    { looks: [5, 10, 20], alpha: 0.05, boundary: "pocock", margin: 0 },
    { looks: [10, 20], alpha: 0.05, boundary: "pocock", margin: 0 },
  ];
  console.log(
    `${RECORDED.length} recorded runs (${RECORDED.filter((r) => r.didNotLearn === 1).length} did not learn); ${COMPARISONS} comparisons a family, alpha 0.05`,
  );
  const widths = [36, 22, 8, 8, 11, 7];
  const row = (cells: string[]) => console.log(cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  row(["differences", "design", "FWER", "power", "mean seeds", "fixed"]);
  for (const [name, family, families] of shapes) {
    for (const plan of designs) {
      const r = simulateFamilies(plan, family, families, 23);
      const isNull = family.every((c) => c.trueDifference === 0);
      row([
        name,
        `${plan.boundary} [${plan.looks.join(", ")}]`,
        isNull ? r.familyWiseError.toFixed(3) : "–",
        isNull ? "–" : r.power.toFixed(3),
        r.meanSeeds.toFixed(1),
        String(r.fixedSeeds),
      ]);
    }
  }
}
