// The sweep's closing lines for sequential seeds: the report's own wording (one function), from the runner's comparisons.
import { sequentialComparisonLines as sequentialLines } from "@tsa/report/tables";
import type { SequentialComparison } from "@tsa/runner/sequential";
import { describe, expect, it } from "vitest";

const PLAN = { looks: [8, 12], alpha: 0.05, boundary: "pocock" as const, margin: 0.02, metric: "f1" as const };
const look = { look: 0, n: 8, level: 0.01, pTwoSided: 0.0078, pLevel: 1 };

describe("the sweep's lines for sequential comparisons", () => {
  it("says a comparison whose baseline was never chosen is waiting for its first look, not open after 0 looks", () => {
    const waiting: SequentialComparison = {
      point: { "data.noise": 0 },
      treatment: "bilstm-attention",
      control: null,
      looks: [],
      verdict: null,
      differences: [],
      next: 8,
    };
    expect(sequentialLines([waiting], PLAN)).toEqual([
      "bilstm-attention vs the best baseline (chosen at the first look) at noise=0: waiting for the first look: not every model has a settled run on each of its 8 seeds",
    ]);
  });

  it("states a decided comparison as the report does, with the interval of its differences", () => {
    const ahead: SequentialComparison = {
      point: {},
      treatment: "cnn",
      control: "ffn",
      looks: [{ ...look, decided: "ahead" }],
      verdict: "ahead",
      differences: Array.from({ length: 8 }, () => 0.1),
      next: null,
    };
    expect(sequentialLines([ahead], PLAN)).toEqual([
      "cnn vs ffn: ahead, decided at n = 8 (look 1 of 2), mean difference +0.100 [+0.100, +0.100]",
    ]);
  });
});
