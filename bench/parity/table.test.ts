import { describe, expect, it } from "vitest";
import type { SeedResult } from "./results.js";
import { summarize } from "./summary.js";
import { curvesTable, seedTable, summaryTable } from "./table.js";

const base = { testRocAuc: 0.99, testAccuracy: 0.98, seconds: 61.4 };
const results: SeedResult[] = [
  { ...base, variant: "tsa", seed: 1, testF1: 0.97, epochsRun: 3, bestEpoch: 2, valLoss: [0.6, 0.3, 0.35] },
  { ...base, variant: "pytorch", seed: 1, testF1: 0.98, epochsRun: 2, bestEpoch: 2, valLoss: [0.5, 0.2] },
];

describe("parity tables", () => {
  it("one row per seed and variant, by seed", () => {
    const [header, ...rows] = seedTable(results);
    expect(header).toMatch(/^variant\s+seed\s+test F1\s+ROC AUC\s+epochs\s+best\s+seconds$/);
    expect(rows.map((r) => r.split(/\s+/))).toEqual([
      ["tsa", "1", "0.9700", "0.9900", "3", "2", "61"],
      ["pytorch", "1", "0.9800", "0.9900", "2", "2", "61"],
    ]);
  });

  it("the summary with the test against PyTorch; a single seed has no p-value yet", () => {
    const text = summaryTable(summarize(results)).join("\n");
    expect(text).toContain("0.9800 ± 0.0000");
    expect(text).toMatch(/tsa\s+-0\.0100\s+–\s+1\.000\s+missed/);
    // How the runs learn: both below chance from epoch 1; ours halved, then rose by a sixth (no jump): mean |ln| 0.424.
    expect(text).toMatch(/tsa\s+1\/1\s+1\.0\s+0\.424\s+0\.00\s+0\.300/);
  });

  it("the paired comparison once two seeds have both frameworks", () => {
    expect(summaryTable(summarize(results)).join("\n")).not.toContain("Paired by seed");
    const more: SeedResult[] = [
      ...results,
      { ...base, variant: "tsa", seed: 2, testF1: 0.95, epochsRun: 3, bestEpoch: 2, valLoss: [] },
      { ...base, variant: "pytorch", seed: 2, testF1: 0.98, epochsRun: 3, bestEpoch: 2, valLoss: [] },
    ];
    const text = summaryTable(summarize(more)).join("\n");
    expect(text).toContain("Paired by seed (both trained on the same series; ours − PyTorch, test F1):");
    // Differences −0.01 and −0.03: mean −0.02, 95% t interval ±12.706 · 0.01.
    expect(text).toMatch(/tsa\s+2\s+-0\.0200 \[-0\.1471, \+0\.1071\]\s+-0\.0200\s+0\.295\s+0\.500/);
  });

  it("learning curves side by side, the best epoch starred, a shorter run's cells empty", () => {
    const lines = curvesTable(results);
    expect(lines[0]).toBe("seed 1: validation loss per epoch (* the best epoch, whose weights are tested)");
    expect(lines[3]!.trim().split(/\s+/)).toEqual(["2", "0.3000*", "0.2000*"]);
    expect(lines[4]!.trim().split(/\s+/)).toEqual(["3", "0.3500"]);
  });
});
