// The parity verdict from per-seed results: each variant's mean ± std, and each of ours against PyTorch
// (Welch's t test, the Mann–Whitney U test, and the target: our mean ≥ PyTorch's − 0.005), and
// paired by seed, since on one seed both frameworks train on the very same series.
import { mannWhitneyU, mean, pairedDifference, std, welchTTest, wilcoxonSignedRank } from "@tsa/report";
import { median } from "../scale.js";
import { learningDynamics, type LearningDynamics } from "./dynamics.js";
import type { SeedResult } from "./results.js";
import { VARIANTS, type Variant } from "./variants.js";

/** The target: our mean test F1 may trail PyTorch's by at most this. */
export const F1_TOLERANCE = 0.005;

export interface VariantSummary {
  variant: Variant;
  seeds: number[];
  f1: { mean: number; std: number };
  rocAuc: { mean: number; std: number };
  epochsRun: number;
  bestEpoch: number;
  seconds: number;
  dynamics: LearningDynamics;
}

export interface Comparison {
  variant: Variant;
  /** Our mean test F1 − PyTorch's. */
  difference: number;
  welchP: number;
  mannWhitneyP: number;
  /** difference ≥ −F1_TOLERANCE. */
  meetsTarget: boolean;
  /** Ours − PyTorch on the seeds both ran; null below 2 such seeds. */
  paired: PairedComparison | null;
}

export interface PairedComparison {
  seeds: number;
  /** Mean difference with its 95% t interval, and the paired t test's p. */
  difference: number;
  lo: number;
  hi: number;
  tP: number;
  /** The median difference: what a typical seed shows, whatever one failed run does to the mean. */
  median: number;
  wilcoxonP: number;
}

export interface ParitySummary {
  variants: VariantSummary[];
  comparisons: Comparison[];
}

const spread = (values: number[]) => ({ mean: mean(values), std: std(values) });

export function summarize(results: readonly SeedResult[]): ParitySummary {
  const byVariant = new Map<Variant, SeedResult[]>();
  for (const r of results) byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  const variants = VARIANTS.filter((v) => byVariant.has(v)).map((variant): VariantSummary => {
    const rows = byVariant.get(variant)!;
    return {
      variant,
      seeds: rows.map((r) => r.seed),
      f1: spread(rows.map((r) => r.testF1)),
      rocAuc: spread(rows.map((r) => r.testRocAuc)),
      epochsRun: mean(rows.map((r) => r.epochsRun)),
      bestEpoch: mean(rows.map((r) => r.bestEpoch)),
      seconds: mean(rows.map((r) => r.seconds)),
      dynamics: learningDynamics(rows),
    };
  });
  const torchRuns = byVariant.get("pytorch") ?? [];
  const torch = torchRuns.map((r) => r.testF1);
  const comparisons =
    torch.length === 0
      ? []
      : variants
          .filter((v) => v.variant !== "pytorch")
          .map((v): Comparison => {
            const ours = byVariant.get(v.variant)!.map((r) => r.testF1);
            const difference = mean(ours) - mean(torch);
            return {
              variant: v.variant,
              difference,
              welchP: welchTTest(ours, torch).p,
              mannWhitneyP: mannWhitneyU(ours, torch).p,
              meetsTarget: difference >= -F1_TOLERANCE,
              paired: pairedComparison(byVariant.get(v.variant)!, torchRuns),
            };
          });
  return { variants, comparisons };
}

function pairedComparison(ours: readonly SeedResult[], torch: readonly SeedResult[]): PairedComparison | null {
  const torchBySeed = new Map(torch.map((r) => [r.seed, r.testF1]));
  const pairs = ours.filter((r) => torchBySeed.has(r.seed)).map((r) => [r.testF1, torchBySeed.get(r.seed)!] as const);
  if (pairs.length < 2) return null;
  const [a, b] = [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
  const t = pairedDifference(a, b);
  return {
    seeds: pairs.length,
    difference: t.mean,
    lo: t.lo,
    hi: t.hi,
    tP: t.p,
    median: median(a.map((x, i) => x - b[i]!)),
    wilcoxonP: wilcoxonSignedRank(a, b).p,
  };
}
