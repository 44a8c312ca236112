// The parity tables as lines of text: per seed and variant, then the summary and the tests against PyTorch.
import { JUMP_FACTOR } from "./dynamics.js";
import type { SeedResult } from "./results.js";
import { F1_TOLERANCE, type ParitySummary } from "./summary.js";
import { VARIANT_LABELS } from "./variants.js";

const pad = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
const f = (n: number, digits: number) => (Number.isNaN(n) ? "–" : n.toFixed(digits));
const signed = (n: number) => `${n >= 0 ? "+" : ""}${f(n, 4)}`;

export function seedTable(results: readonly SeedResult[]): string[] {
  const widths = [18, 5, 8, 8, 7, 5, 9];
  const rows = [...results].sort((a, b) => a.seed - b.seed);
  return [
    pad(["variant", "seed", "test F1", "ROC AUC", "epochs", "best", "seconds"], widths),
    ...rows.map((r) =>
      pad(
        [r.variant, String(r.seed), f(r.testF1, 4), f(r.testRocAuc, 4), String(r.epochsRun), String(r.bestEpoch), f(r.seconds, 0)],
        widths,
      ),
    ),
  ];
}

export function summaryTable(summary: ParitySummary): string[] {
  const widths = [18, 6, 17, 17, 7, 5, 9];
  const lines = [
    pad(["variant", "seeds", "test F1", "ROC AUC", "epochs", "best", "seconds"], widths),
    ...summary.variants.map((v) =>
      pad(
        [
          v.variant,
          String(v.seeds.length),
          `${f(v.f1.mean, 4)} ± ${f(v.f1.std, 4)}`,
          `${f(v.rocAuc.mean, 4)} ± ${f(v.rocAuc.std, 4)}`,
          f(v.epochsRun, 1),
          f(v.bestEpoch, 1),
          f(v.seconds, 0),
        ],
        widths,
      ),
    ),
  ];
  if (summary.comparisons.length > 0) {
    lines.push("", `Against PyTorch (test F1; target: our mean ≥ PyTorch's − ${F1_TOLERANCE}):`);
    const w = [18, 11, 10, 15, 7];
    lines.push(pad(["variant", "difference", "Welch p", "Mann–Whitney p", "target"], w));
    for (const c of summary.comparisons) {
      lines.push(pad([c.variant, signed(c.difference), f(c.welchP, 3), f(c.mannWhitneyP, 3), c.meetsTarget ? "met" : "missed"], w));
    }
  }
  const paired = summary.comparisons.flatMap(({ variant, paired: p }) => (p === null ? [] : [{ variant, p }]));
  if (paired.length > 0) {
    lines.push("", "Paired by seed (both trained on the same series; ours − PyTorch, test F1):");
    const w = [18, 6, 28, 8, 9, 11];
    lines.push(pad(["variant", "seeds", "mean difference [95% CI]", "median", "paired t p", "Wilcoxon p"], w));
    for (const { variant, p } of paired) {
      const interval = `${signed(p.difference)} [${signed(p.lo)}, ${signed(p.hi)}]`;
      lines.push(pad([variant, String(p.seeds), interval, signed(p.median), f(p.tP, 3), f(p.wilcoxonP, 3)], w));
    }
  }
  lines.push("", ...dynamicsTable(summary));
  lines.push("", ...summary.variants.map((v) => `${v.variant}: ${VARIANT_LABELS[v.variant]}`));
  return lines;
}

/** How each variant's runs learn: whether one framework's validation loss is rougher than the other's. */
function dynamicsTable(summary: ParitySummary): string[] {
  const w = [18, 8, 12, 13, 12, 10];
  return [
    `How the runs learn (validation loss, from the first epoch below chance; a jump: a rise by more than ${Math.round((JUMP_FACTOR - 1) * 100)}%):`,
    pad(["variant", "learned", "from epoch", "mean |Δ ln|", "jump share", "best loss"], w),
    ...summary.variants.map(({ variant, dynamics: d }) =>
      pad([variant, `${d.learned}/${d.runs}`, f(d.firstEpochBelowChance, 1), f(d.meanLogStep, 3), f(d.jumpShare, 2), f(d.bestLoss, 3)], w),
    ),
    "best loss: the median over runs of each run's lowest validation loss, whose weights are tested",
  ];
}

/** Validation loss per epoch, one column per variant, for each seed: the learning curves side by side. */
export function curvesTable(results: readonly SeedResult[]): string[] {
  const lines: string[] = [];
  const seeds = [...new Set(results.map((r) => r.seed))].sort((a, b) => a - b);
  for (const seed of seeds) {
    const rows = results.filter((r) => r.seed === seed);
    const widths = [6, ...rows.map((r) => Math.max(8, r.variant.length))];
    const epochs = Math.max(...rows.map((r) => r.valLoss.length));
    lines.push(`seed ${seed}: validation loss per epoch (* the best epoch, whose weights are tested)`);
    lines.push(pad(["epoch", ...rows.map((r) => r.variant)], widths));
    for (let e = 0; e < epochs; e++) {
      const cell = (r: SeedResult) => (e < r.valLoss.length ? `${f(r.valLoss[e]!, 4)}${e + 1 === r.bestEpoch ? "*" : " "}` : "");
      lines.push(pad([String(e + 1), ...rows.map(cell)], widths));
    }
    lines.push("");
  }
  return lines;
}
