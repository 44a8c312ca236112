import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel } from "./architectures.js";
import type { BackendInfo } from "./backend.js";
import { ModelSpecSchema, PRESET_NAMES, presetSpec, resolveTrainConfig } from "./config.js";
import { priorEntropy } from "./multiclass-metrics.js";
import { logitLoss } from "./predict.js";
import { trainAndEvaluateOn } from "./run.js";
import { allCombinations, tensorCount, toyMulticlass, wasm } from "./test-support.js";

let backend: BackendInfo;
beforeAll(async () => {
  backend = await wasm();
});

describe("C channels and K classes", () => {
  it.each([...PRESET_NAMES])("%s takes [batch, T, 6] and gives 3 logits per series", (name) => {
    const model = buildModel(presetSpec(name), { numPoints: 32, numChannels: 6, numClasses: 3, seed: 1 });
    const out = tf.tidy(() => (model.predict(tf.randomNormal([2, 32, 6], 0, 1, "float32", 1)) as tf.Tensor).arraySync() as number[][]);
    expect(out).toHaveLength(2);
    expect(out[0]).toHaveLength(3);
    expect(out.flat().every(Number.isFinite)).toBe(true);
    model.dispose();
  });

  it("every combination of parts builds for 2 channels and 4 classes", () => {
    for (const spec of allCombinations()) {
      const model = buildModel(spec, { numPoints: 32, numChannels: 2, numClasses: 4, seed: 1 });
      expect(model.outputs[0]!.shape, JSON.stringify(spec)).toEqual([null, 4]);
      model.dispose();
    }
  });

  it("a channel that the label depends on changes the output (channels are not ignored)", () => {
    const model = buildModel(ModelSpecSchema.parse({ encoder: "cnn", pooling: "max-mean" }), {
      numPoints: 16,
      numChannels: 3,
      numClasses: 3,
      seed: 2,
    });
    tf.tidy(() => {
      const x = tf.randomNormal([1, 16, 3], 0, 1, "float32", 3);
      const onlyLast = tf.mul(x, tf.tensor1d([0, 0, 1]));
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const b = (model.predict(onlyLast) as tf.Tensor).dataSync();
      expect(Array.from(a)).not.toEqual(Array.from(b));
    });
    model.dispose();
  });

  it("softmax cross-entropy from logits equals tfjs' softmaxCrossEntropy, accuracy by argmax", () => {
    const logits = Float32Array.from([2, 0.5, -1, 0, 3, 1, -2, -2, 0.1, 1, 1, 1]);
    const labels = [0, 1, 1, 2];
    const expected = tf.tidy(
      () => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, "int32"), 3), tf.tensor2d(logits, [4, 3])).dataSync()[0],
    )!;
    const { loss, accuracy } = logitLoss(logits, labels, 3);
    expect(loss).toBeCloseTo(expected, 5);
    // Predicted 0, 1, 2, 0 (a tie goes to the first class): 3 of 4 right.
    expect(accuracy).toBe(0.5);
  });
});

describe("training on K > 2 classes", () => {
  const splits = toyMulticlass({ train: 60, val: 30, test: 30 }, { numPoints: 24, numChannels: 2, numClasses: 3 });

  it.each([
    ["cnn", presetSpec("cnn")],
    ["bilstm-attention", presetSpec("bilstm-attention")],
  ] as const)(
    "%s learns a 3-class, 2-channel problem: validation loss below the prior's entropy",
    async (_name, model) => {
      const outcome = await trainAndEvaluateOn(
        splits,
        { model, train: resolveTrainConfig({ epochs: 15, patience: 15, lr: 0.01 }), seed: 1 },
        backend,
      );
      expect(outcome.chanceLoss).toBeCloseTo(Math.log(3), 12);
      expect(outcome.didNotLearn).toBe(false);
      expect(outcome.metrics.test.n).toBe(30);
      expect(outcome.metrics.test.accuracy).toBeGreaterThan(0.6);
      expect(outcome.metrics.test.f1).toBeGreaterThan(0.5);
      expect(Number.isNaN(outcome.metrics.test.tp)).toBe(true);
      expect(outcome.metrics.test.attentionMassInWindow).toBeNull();
      if (model.pooling === "attention") {
        // Three samples of each class, weights over the series' 24 steps.
        expect(outcome.attention.map((a) => a.label).sort()).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
        for (const sample of outcome.attention) {
          expect(sample.signal).toHaveLength(24);
          expect(sample.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
          expect(sample.window).toBeNull();
        }
      }
    },
    60_000,
  );

  it("measures 'learned' against the entropy of the train split's class prior", async () => {
    const skewed = { ...splits, train: { ...splits.train, labels: Int32Array.from(splits.train.labels, (k, i) => (i < 40 ? 0 : k)) } };
    const outcome = await trainAndEvaluateOn(
      skewed,
      { model: presetSpec("ffn"), train: resolveTrainConfig({ epochs: 1 }), seed: 1 },
      backend,
    );
    expect(outcome.chanceLoss).toBeCloseTo(priorEntropy(skewed.train.labels, 3), 12);
    expect(outcome.chanceLoss).toBeLessThan(Math.log(3));
  });

  it("does not leak tensors", async () => {
    const run = () => trainAndEvaluateOn(splits, { model: presetSpec("ffn"), train: resolveTrainConfig({ epochs: 1 }), seed: 1 }, backend);
    await run();
    const before = tensorCount();
    await run();
    expect(tensorCount()).toBe(before);
  });
});
