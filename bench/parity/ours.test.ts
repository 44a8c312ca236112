import { resolveTrainConfig } from "@tsa/models";
import { describe, expect, it } from "vitest";
import { isCurrent } from "./ours.js";
import type { SeedResult } from "./results.js";

const protocol = resolveTrainConfig({ epochs: 50, patience: 5, batchSize: 32, lr: 0.001 });
const kept = (modelCodeVersion?: number): SeedResult => ({
  variant: "tsa-pytorch-init",
  seed: 0,
  testF1: 0.9,
  testRocAuc: 0.9,
  testAccuracy: 0.9,
  epochsRun: 20,
  bestEpoch: 15,
  seconds: 60,
  valLoss: [],
  ...(modelCodeVersion === undefined ? {} : { modelCodeVersion }),
});

describe("isCurrent", () => {
  it("keeps a result of the model as it is now, and one written before versions were recorded while the model is still version 1", () => {
    expect(isCurrent(kept(1), "tsa", protocol)).toBe(true);
    expect(isCurrent(kept(), "tsa", protocol)).toBe(true);
    expect(isCurrent(kept(2), "tsa-pytorch-init", protocol)).toBe(true);
  });

  it("trains again what an older model trained: init: pytorch's LSTM now trains its second bias vector", () => {
    expect(isCurrent(kept(), "tsa-pytorch-init", protocol)).toBe(false);
    expect(isCurrent(kept(1), "tsa-pytorch-init", protocol)).toBe(false);
  });
});
