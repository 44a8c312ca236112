import { UserInputError } from "@tsa/errors";
import { beforeAll, describe, expect, it } from "vitest";
import type { BackendInfo } from "./backend.js";
import { presetSpec, resolveTrainConfig } from "./config.js";
import { FAWAZ2019, LowestTrainingLoss, ReduceLrOnPlateau, fawaz2019BatchSize } from "./protocol.js";
import { trainAndEvaluateOn } from "./run.js";
import { toyMulticlass, wasm } from "./test-support.js";

let backend: BackendInfo;
beforeAll(async () => {
  backend = await wasm();
});

describe("the fawaz2019 protocol's parts", () => {
  it("batches as dl-4-tsc: int(min(n / 10, batch_size)), at least 1", () => {
    expect([50, 36, 67, 1000, 5].map((n) => fawaz2019BatchSize(16, n))).toEqual([5, 3, 6, 16, 1]);
    expect(fawaz2019BatchSize(64, 1000)).toBe(64);
  });

  it("halves the learning rate after `patience` epochs without a loss lower by more than minDelta, never below minLr", () => {
    const plateau = new ReduceLrOnPlateau(1e-3, { ...FAWAZ2019, patience: 2 });
    // 1.0 best; 0.99995 is not lower by more than 1e-4: two epochs without improvement → halved.
    expect([1.0, 0.99995, 1.2].map((loss) => plateau.observe(loss))).toEqual([1e-3, 1e-3, 5e-4]);
    // The count starts again after a reduction, and an improvement resets it.
    expect([1.1, 0.5, 0.6, 0.6].map((loss) => plateau.observe(loss))).toEqual([5e-4, 5e-4, 5e-4, 2.5e-4]);
    for (let i = 0; i < 10; i++) plateau.observe(1);
    expect(plateau.learningRate).toBe(1e-4);
  });

  it("has the paper's settings: factor 0.5, patience 50, min lr 1e-4", () => {
    expect(FAWAZ2019).toMatchObject({ factor: 0.5, patience: 50, minLr: 1e-4 });
    const plateau = new ReduceLrOnPlateau(1e-3);
    plateau.observe(1);
    for (let i = 0; i < 49; i++) plateau.observe(1);
    expect(plateau.learningRate).toBe(1e-3);
    plateau.observe(1);
    expect(plateau.learningRate).toBe(5e-4);
  });

  it("keeps the epoch of the strictly lowest training loss", () => {
    const selection = new LowestTrainingLoss();
    expect([0.5, 0.4, 0.4, 0.6, 0.3].map((loss) => selection.observe(loss).improved)).toEqual([true, true, false, false, true]);
  });
});

describe("training under fawaz2019", () => {
  const splits = toyMulticlass({ train: 40, val: 20, test: 20 }, { numPoints: 16, numChannels: 2, numClasses: 3 }, 4);

  it("runs every epoch (no early stopping) and keeps the weights of the lowest training loss", async () => {
    const train = resolveTrainConfig({ epochs: 8, patience: 1, lr: 0.02, protocol: "fawaz2019" });
    const outcome = await trainAndEvaluateOn(splits, { model: presetSpec("cnn"), train, seed: 2 }, backend);
    expect(outcome.epochs).toHaveLength(8);
    expect(outcome.stoppedEarly).toBe(false);
    const losses = outcome.epochs.map((e) => e.trainLoss);
    expect(outcome.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    // The model holds that epoch's weights: its validation accuracy is the one recorded after that epoch.
    expect(outcome.metrics.val.accuracy).toBeCloseTo(outcome.epochs[outcome.bestEpoch - 1]!.valAccuracy, 10);
  }, 60_000);

  it("differs from early stopping at the same seed: batches of min(batchSize, ⌊n/10⌋) = 4 series", async () => {
    const run = (protocol: "fawaz2019" | "early-stopping") =>
      trainAndEvaluateOn(splits, { model: presetSpec("ffn"), train: resolveTrainConfig({ epochs: 2, protocol }), seed: 2 }, backend);
    const batches: number[] = [];
    await trainAndEvaluateOn(
      splits,
      { model: presetSpec("ffn"), train: resolveTrainConfig({ epochs: 1, protocol: "fawaz2019" }), seed: 2 },
      backend,
      { onBatch: (_b, total) => batches.push(total) },
    );
    expect(batches[0]).toBe(10);
    expect((await run("fawaz2019")).epochs.map((e) => e.trainLoss)).not.toEqual(
      (await run("early-stopping")).epochs.map((e) => e.trainLoss),
    );
  });

  it("trains on the whole train file (an empty validation split) and judges 'learned' on the training loss", async () => {
    const whole = {
      ...splits,
      val: { ...splits.val, x: new Float32Array(0), labels: new Int32Array(0), n: 0, indices: new Int32Array(0) },
    };
    const train = resolveTrainConfig({ epochs: 6, lr: 0.02, protocol: "fawaz2019" });
    const outcome = await trainAndEvaluateOn(whole, { model: presetSpec("cnn"), train, seed: 2 }, backend);
    expect(outcome.epochs.every((e) => Number.isNaN(e.valLoss))).toBe(true);
    expect(outcome.metrics.val.n).toBe(0);
    expect(outcome.metrics.test.n).toBe(20);
    expect(outcome.didNotLearn).toBe(!outcome.epochs.some((e) => e.trainLoss < Math.log(3) - 0.02));
    await expect(
      trainAndEvaluateOn(whole, { model: presetSpec("cnn"), train: resolveTrainConfig({ epochs: 1 }), seed: 2 }, backend),
    ).rejects.toBeInstanceOf(UserInputError);
  }, 60_000);
});
