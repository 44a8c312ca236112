import type { DataConfig } from "@tsa/data";
import { describe, expect, it } from "vitest";
import { expandRuns, parseExperiment } from "../experiment/index.js";
import { expectedCost, longestFirst } from "./schedule.js";

const plans = expandRuns(
  parseExperiment(
    `name: order
data: { size: 200, numPoints: 40 }
sweep: { data.numPoints: [40, 80] }
models: [ffn, cnn, bilstm, bilstm-attention]
seeds: [1, 2]
train: { epochs: 3 }
`,
    "order.yaml",
  ),
);

describe("longestFirst", () => {
  it("starts the longest expected runs first: longer series, then the slower model", () => {
    const order = longestFirst(plans).map((p) => `${p.model}@${(p.data as DataConfig).numPoints}/${p.seed}`);
    expect(order).toEqual([
      "bilstm-attention@80/1",
      "bilstm-attention@80/2",
      "bilstm@80/1",
      "bilstm@80/2",
      "cnn@80/1",
      "cnn@80/2",
      "bilstm-attention@40/1",
      "bilstm-attention@40/2",
      "bilstm@40/1",
      "bilstm@40/2",
      "cnn@40/1",
      "cnn@40/2",
      "ffn@80/1",
      "ffn@80/2",
      "ffn@40/1",
      "ffn@40/2",
    ]);
  });

  it("keeps every run exactly once and leaves its input alone", () => {
    const before = plans.map((p) => p.id);
    const ordered = longestFirst(plans);
    expect(new Set(ordered.map((p) => p.id))).toEqual(new Set(before));
    expect(ordered).toHaveLength(plans.length);
    expect(plans.map((p) => p.id)).toEqual(before);
  });

  it("scales the cost with the data size and the epoch budget", () => {
    const [run] = plans;
    const data = run!.data as DataConfig;
    const bigger = { ...run!, data: { ...data, size: 2 * data.size }, train: { ...run!.train, epochs: 3 * run!.train.epochs } };
    expect(expectedCost(bigger)).toBeCloseTo(6 * expectedCost(run!));
  });
});
