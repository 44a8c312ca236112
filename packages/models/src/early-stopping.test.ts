import { describe, expect, it } from "vitest";
import { EarlyStopping } from "./early-stopping.js";
import { resolveTrainConfig } from "./config.js";

/** The epoch after which training stops for these validation losses (null: it runs them all). */
function stopsAfter(losses: number[], train: Record<string, unknown>): number | null {
  const stopping = new EarlyStopping(resolveTrainConfig(train));
  for (const [i, loss] of losses.entries()) if (stopping.observe(i + 1, loss).stop) return i + 1;
  return null;
}

const PLATEAU = [0.6932, 0.6931, 0.6933, 0.6934, 0.6935, 0.6932, 0.5, 0.3, 0.31, 0.32, 0.33];

describe("EarlyStopping", () => {
  it("stops `patience` epochs after the best one (the reference)", () => {
    expect(stopsAfter(PLATEAU, { patience: 3 })).toBe(5);
    expect(stopsAfter([0.5, 0.4, 0.3], { patience: 3 })).toBeNull();
    expect(stopsAfter(PLATEAU, { patience: 0 })).toBeNull();
  });

  it("counts nothing up to startFromEpoch", () => {
    expect(stopsAfter(PLATEAU, { patience: 3, startFromEpoch: 4 })).toBe(11);
    expect(stopsAfter(PLATEAU, { patience: 1, startFromEpoch: 2 })).toBe(3);
  });

  it("with patienceFrom: learning, counts nothing until the loss first goes below chance", () => {
    // Below chance (ln 2 − 0.02 ≈ 0.673) first at epoch 7; best at 8; three worse epochs after it.
    expect(stopsAfter(PLATEAU, { patience: 3, patienceFrom: "learning" })).toBe(11);
    expect(stopsAfter(PLATEAU.slice(0, 6), { patience: 1, patienceFrom: "learning" })).toBeNull();
    expect(stopsAfter(PLATEAU, { patience: 3, patienceFrom: "start" })).toBe(5);
  });

  it("says which epochs improved", () => {
    const stopping = new EarlyStopping(resolveTrainConfig({}));
    expect([0.7, 0.6, 0.65, 0.5].map((l, i) => stopping.observe(i + 1, l).improved)).toEqual([true, true, false, true]);
  });
});
