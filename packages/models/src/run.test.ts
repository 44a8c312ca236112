import * as tf from "@tensorflow/tfjs";
import { RunFailedError } from "@tsa/errors";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel, parameterCount } from "./architectures.js";
import type { BackendInfo } from "./backend.js";
import { ModelSpecSchema, presetSpec, resolveTrainConfig, type PresetName } from "./config.js";
import { datasetFiles, makeDataset, readDatasetFiles } from "@tsa/data";
import { trainAndEvaluate, trainAndEvaluateOn } from "./run.js";
import { ABLATION_PRESETS, easyData, tensorCount, wasm } from "./test-support.js";

let backend: BackendInfo;
beforeAll(async () => {
  backend = await wasm();
});

describe("buildModel", () => {
  it.each(ABLATION_PRESETS)("%s has a budget within the ablation's range and one logit per series", (name) => {
    const model = buildModel(presetSpec(name), { numPoints: 250, seed: 1 });
    expect(parameterCount(model)).toBeGreaterThan(5_000);
    expect(parameterCount(model)).toBeLessThan(15_000);
    const out = model.predict(tf.zeros([3, 250, 1])) as tf.Tensor;
    expect(out.shape).toEqual([3, 1]);
    out.dispose();
    model.dispose();
  });

  it("gives the same initial weights for the same seed and different ones for another", () => {
    const weights = (seed: number) => {
      const model = buildModel(presetSpec("bilstm-attention"), { numPoints: 20, seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });
});

describe("trainAndEvaluate", () => {
  it.each(ABLATION_PRESETS)("%s learns the easy task well above chance", async (model) => {
    const outcome = await trainAndEvaluate(
      { model: presetSpec(model), data: easyData(), train: resolveTrainConfig({ epochs: 12, patience: 12, lr: 0.01 }), seed: 1 },
      backend,
    );
    expect(outcome.metrics.test.n).toBe(48);
    expect(outcome.metrics.test.rocAuc).toBeGreaterThan(0.75);
    expect(outcome.didNotLearn).toBe(false);
    expect(outcome.backend).toEqual(backend);
    if (model === "bilstm-attention") {
      expect(outcome.attention).toHaveLength(6);
      const sample = outcome.attention.find((s) => s.label === 1)!;
      expect(sample.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(sample.window).not.toBeNull();
      expect(outcome.metrics.test.attentionMassInWindow).toBeGreaterThan(0);
    } else {
      expect(outcome.attention).toEqual([]);
      expect(outcome.metrics.test.attentionMassInWindow).toBeNull();
    }
  });

  it.each([
    [{ encoder: "lstm", pooling: "last", normalize: "zscore", init: "pytorch" }, { adamEpsilon: 1e-8 }],
    [{ encoder: "cnn", pooling: "attention", filters: [8, 16], kernelSizes: [5, 5] }, {}],
    [{ encoder: "none", pooling: "attention", normalize: "zscore" }, {}],
  ])("a composed model %j trains, evaluates and gives attention maps over the series when it has attention", async (input, train) => {
    const model = ModelSpecSchema.parse(input);
    const outcome = await trainAndEvaluate(
      { model, data: easyData(), train: resolveTrainConfig({ epochs: 6, patience: 6, lr: 0.01, ...train }), seed: 1 },
      backend,
    );
    expect(outcome.epochs).toHaveLength(6);
    expect(Number.isFinite(outcome.metrics.test.rocAuc)).toBe(true);
    if (model.pooling === "attention") {
      expect(outcome.attention).toHaveLength(6);
      for (const sample of outcome.attention) {
        expect(sample.weights).toHaveLength(32);
        expect(sample.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
      expect(outcome.metrics.test.attentionMassInWindow).not.toBeNull();
    } else {
      expect(outcome.attention).toEqual([]);
    }
  });

  it("is deterministic on one backend: same request, same losses and metrics", async () => {
    const request = {
      model: presetSpec("bilstm-attention"),
      data: easyData({ size: 120 }),
      train: resolveTrainConfig({ epochs: 3 }),
      seed: 5,
    };
    const a = await trainAndEvaluate(request, backend);
    const b = await trainAndEvaluate(request, backend);
    expect(b.epochs.map((e) => [e.trainLoss, e.valLoss])).toEqual(a.epochs.map((e) => [e.trainLoss, e.valLoss]));
    expect(b.metrics).toEqual(a.metrics);
  });

  it("trains on given splits as on generated ones: the files' series read back give the same run (yarn parity)", async () => {
    const request = {
      model: presetSpec("bilstm-attention"),
      data: easyData({ size: 120 }),
      train: resolveTrainConfig({ epochs: 2 }),
      seed: 5,
    };
    const dataset = makeDataset(request.data, request.seed);
    const read = readDatasetFiles(datasetFiles(dataset));
    const numPoints = request.data.numPoints;
    const split = (name: "train" | "val" | "test") => {
      const n = read[name].labels.length;
      return {
        x: read[name].x,
        labels: Int32Array.from(read[name].labels),
        n,
        numPoints,
        numChannels: 1,
        numClasses: 2,
        windows: new Int32Array(2 * n).fill(-1),
        indices: new Int32Array(n),
      };
    };
    const given = await trainAndEvaluateOn({ train: split("train"), val: split("val"), test: split("test") }, request, backend);
    const generated = await trainAndEvaluate(request, backend);
    expect(given.epochs.map((e) => [e.trainLoss, e.valLoss])).toEqual(generated.epochs.map((e) => [e.trainLoss, e.valLoss]));
    expect(given.metrics.test.f1).toBe(generated.metrics.test.f1);
    expect(given.metrics.test.rocAuc).toBe(generated.metrics.test.rocAuc);
  });

  it("stops early after `patience` epochs without improvement and keeps the best epoch's weights", async () => {
    const outcome = await trainAndEvaluate(
      {
        model: presetSpec("ffn"),
        data: easyData({ size: 200 }),
        train: resolveTrainConfig({ epochs: 40, patience: 2, lr: 0.05 }),
        seed: 2,
      },
      backend,
    );
    const losses = outcome.epochs.map((e) => e.valLoss);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(outcome.bestEpoch).toBe(best);
    expect(outcome.stoppedEarly).toBe(true);
    expect(outcome.epochs).toHaveLength(best + 2);
    // The restored weights are the best epoch's: the validation metrics are computed with them.
    expect(outcome.metrics.val.accuracy).toBeCloseTo(outcome.epochs[best - 1]!.valAccuracy, 10);
  });

  it("counts no epoch towards patience before startFromEpoch", async () => {
    const train = { epochs: 40, patience: 2, lr: 0.05 };
    const request = { model: presetSpec("ffn"), data: easyData({ size: 200 }), seed: 2 };
    const reference = await trainAndEvaluate({ ...request, train: resolveTrainConfig(train) }, backend);
    const startFromEpoch = reference.epochs.length + 3;
    const warmed = await trainAndEvaluate({ ...request, train: resolveTrainConfig({ ...train, startFromEpoch }) }, backend);
    expect(reference.stoppedEarly).toBe(true);
    expect(warmed.epochs.length).toBeGreaterThanOrEqual(startFromEpoch + train.patience);
    // Same seed, same batches: the first epochs are the reference's, bit for bit.
    expect(warmed.epochs.slice(0, reference.epochs.length).map((e) => e.valLoss)).toEqual(reference.epochs.map((e) => e.valLoss));
  });

  it("trains the reference bit for bit when the levers are set to what changes nothing, and differently when not", async () => {
    const train = { epochs: 3, patience: 3, lr: 0.01 };
    const request = { model: presetSpec("bilstm-attention"), data: easyData({ size: 80 }), seed: 4 };
    const losses = async (extra: Record<string, unknown>) =>
      (await trainAndEvaluate({ ...request, train: resolveTrainConfig({ ...train, ...extra }) }, backend)).epochs.map((e) => e.valLoss);
    const reference = await losses({});
    // adamEpsilon 1e-7 is tfjs' own default (the reference protocol leaves the key out).
    expect(await losses({ clipNorm: 1e9, warmupEpochs: 0, lrSchedule: "constant", patienceFrom: "start", adamEpsilon: 1e-7 })).toEqual(
      reference,
    );
    for (const lever of [{ clipNorm: 0.01 }, { warmupEpochs: 2 }, { lrSchedule: "cosine" }, { adamEpsilon: 0.1 }]) {
      const changed = await losses(lever);
      expect(changed, JSON.stringify(lever)).not.toEqual(reference);
      expect(changed.every(Number.isFinite)).toBe(true);
      // The same lever twice: the same run.
      expect(await losses(lever)).toEqual(changed);
    }
  }, 60_000);

  it("records a diverging loss as a failure with its epoch", async () => {
    const run = trainAndEvaluate(
      { model: presetSpec("ffn"), data: easyData({ size: 100 }), train: resolveTrainConfig({ epochs: 3, lr: 1e30 }), seed: 1 },
      backend,
    );
    await expect(run).rejects.toBeInstanceOf(RunFailedError);
    await expect(run).rejects.toMatchObject({ epoch: 1, message: expect.stringMatching(/loss became (NaN|Infinity) at epoch 1/) });
  });

  it("does not leak tensors across consecutive runs", async () => {
    const run = (model: PresetName) =>
      trainAndEvaluate(
        { model: presetSpec(model), data: easyData({ size: 60 }), train: resolveTrainConfig({ epochs: 1 }), seed: 1 },
        backend,
      );
    for (const model of ABLATION_PRESETS) await run(model);
    const before = tensorCount();
    for (const model of ABLATION_PRESETS) await run(model);
    expect(tensorCount()).toBe(before);
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      trainAndEvaluate(
        { model: presetSpec("ffn"), data: easyData({ size: 60 }), train: resolveTrainConfig({ epochs: 1 }), seed: 1 },
        backend,
        {
          signal: controller.signal,
        },
      ),
    ).rejects.toMatchObject({ name: "AbortError" });
  });
});
