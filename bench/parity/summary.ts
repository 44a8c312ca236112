// The parity verdict from per-seed results: each variant's mean ± std, and each of ours against PyTorch
// (Welch's t test, the Mann–Whitney U test, and the target: our mean ≥ PyTorch's − 0.005).
import { mannWhitneyU, mean, std, welchTTest } from "@tsa/report";
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
}

export interface Comparison {
  variant: Variant;
  /** Our mean test F1 − PyTorch's. */
  difference: number;
  welchP: number;
  mannWhitneyP: number;
  /** difference ≥ −F1_TOLERANCE. */
  meetsTarget: boolean;
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
    };
  });
  const torch = (byVariant.get("pytorch") ?? []).map((r) => r.testF1);
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
            };
          });
  return { variants, comparisons };
}
