import { describe, expect, it } from "vitest";
import { resolveTrainConfig } from "./config.js";
import { learningRateAt } from "./schedule.js";

describe("learningRateAt", () => {
  it("is lr at every step in the reference protocol", () => {
    const config = resolveTrainConfig({ lr: 0.002, epochs: 3 });
    expect([0, 1, 50, 299].map((s) => learningRateAt(config, s, 100))).toEqual([0.002, 0.002, 0.002, 0.002]);
  });

  it("rises linearly over the warm-up epochs, batch by batch, then stays at lr", () => {
    const config = resolveTrainConfig({ lr: 0.01, warmupEpochs: 2, epochs: 10 });
    // 2 epochs of 5 batches: steps 0..9 give 1/10 .. 10/10 of lr.
    expect(learningRateAt(config, 0, 5)).toBeCloseTo(0.001, 12);
    expect(learningRateAt(config, 4, 5)).toBeCloseTo(0.005, 12);
    expect(learningRateAt(config, 9, 5)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(config, 10, 5)).toBe(0.01);
    expect(learningRateAt(config, 49, 5)).toBe(0.01);
  });

  it("follows a half cosine from lr after the warm-up to 0 at the last step", () => {
    const config = resolveTrainConfig({ lr: 0.01, warmupEpochs: 1, epochs: 5, lrSchedule: "cosine" });
    // 4 batches an epoch: warm-up steps 0..3, decay over steps 4..20 (16 steps).
    expect(learningRateAt(config, 3, 4)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(config, 4, 4)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(config, 12, 4)).toBeCloseTo(0.005, 12);
    expect(learningRateAt(config, 20, 4)).toBeCloseTo(0, 12);
    expect(learningRateAt(config, 19, 4)).toBeGreaterThan(0);
  });
});
