import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel, parameterCount } from "./architectures.js";
import type { BackendInfo } from "./backend.js";
import { presetSpec, resolveTrainConfig } from "./config.js";
import { batchNormalization, residualBlock } from "./convolutions.js";
import { trainAndEvaluateOn } from "./run.js";
import { tensorCount, toyMulticlass, wasm } from "./test-support.js";

let backend: BackendInfo;
beforeAll(async () => {
  backend = await wasm();
});

/** Largest |a − b| over two arrays. */
function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** A model of one part over [T, C] inputs. */
function partModel(shape: [number, number], part: (x: tf.SymbolicTensor) => tf.SymbolicTensor): tf.LayersModel {
  const input = tf.input({ shape });
  return tf.model({ inputs: input, outputs: part(input) });
}

describe("batch normalisation", () => {
  const x = () => tf.randomNormal<tf.Rank.R3>([4, 5, 3], 2, 3, "float32", 1);
  const statistics = (t: tf.Tensor) => tf.moments(t, [0, 1]);

  it("in training normalises by the batch's statistics and moves the moving averages towards them (momentum 0.99, ε 1e-3)", () => {
    const model = partModel([5, 3], (s) => batchNormalization(s, "keras"));
    tf.tidy(() => {
      const input = x();
      const { mean, variance } = statistics(input);
      const expected = tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, 1e-3)));
      const actual = model.apply(input, { training: true }) as tf.Tensor;
      expect(maxError(actual.dataSync(), expected.dataSync())).toBeLessThan(1e-5);
      const [, , movingMean, movingVariance] = model.getWeights();
      // Started at mean 0, variance 1: each moves 1 % of the way to the batch's.
      expect(maxError(movingMean!.dataSync(), tf.mul(mean, 0.01).dataSync())).toBeLessThan(1e-6);
      expect(maxError(movingVariance!.dataSync(), tf.add(tf.mul(variance, 0.01), 0.99).dataSync())).toBeLessThan(1e-5);
    });
    model.dispose();
  });

  it("in inference normalises by the moving averages and leaves them alone; PyTorch's momentum under init: pytorch", () => {
    const model = partModel([5, 3], (s) => batchNormalization(s, "pytorch"));
    tf.tidy(() => {
      const input = x();
      model.apply(input, { training: true });
      const { mean, variance } = statistics(input);
      const [, , movingMean, movingVariance] = model.getWeights();
      // nn.BatchNorm1d's momentum 0.1: 10 % of the way.
      expect(maxError(movingMean!.dataSync(), tf.mul(mean, 0.1).dataSync())).toBeLessThan(1e-6);
      expect(maxError(movingVariance!.dataSync(), tf.add(tf.mul(variance, 0.1), 0.9).dataSync())).toBeLessThan(1e-5);
      const expected = tf.div(tf.sub(input, movingMean!), tf.sqrt(tf.add(movingVariance!, 1e-5)));
      expect(maxError((model.predict(input) as tf.Tensor).dataSync(), expected.dataSync())).toBeLessThan(1e-5);
      expect(maxError(model.getWeights()[2]!.dataSync(), movingMean!.dataSync())).toBe(0);
    });
    model.dispose();
  });

  it("in training has the gradient of a plain-ops version, to the input and to γ and β", () => {
    const model = partModel([5, 3], (s) => batchNormalization(s, "keras"));
    const input = x();
    const probe = tf.randomNormal([4, 5, 3], 0, 1, "float32", 2);
    const [gamma, beta] = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const plain = (a: tf.Tensor) => {
      const { mean, variance } = statistics(a);
      return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-3))), gamma!), beta!);
    };
    const grads = (f: (a: tf.Tensor) => tf.Tensor) => tf.grads((a: tf.Tensor) => tf.sum(tf.mul(f(a), probe)))([input])[0]!;
    const expected = grads(plain);
    const actual = grads((a) => model.apply(a, { training: true }) as tf.Tensor);
    expect(maxError(actual.dataSync(), expected.dataSync())).toBeLessThan(1e-4);
    const weights = tf.variableGrads(() => tf.sum(tf.mul(model.apply(input, { training: true }) as tf.Tensor, probe)), [gamma!, beta!]);
    const plainWeights = tf.variableGrads(() => tf.sum(tf.mul(plain(input), probe)), [gamma!, beta!]);
    for (const v of [gamma!, beta!])
      expect(maxError(weights.grads[v.name]!.dataSync(), plainWeights.grads[v.name]!.dataSync())).toBeLessThan(1e-4);
    tf.dispose([
      input,
      probe,
      expected,
      actual,
      weights.value,
      plainWeights.value,
      ...Object.values(weights.grads),
      ...Object.values(plainWeights.grads),
    ]);
    model.dispose();
  });
});

describe("residual block", () => {
  /** A 'same' convolution of x with a kernel stored [k·C, F] (tf's [k, C, F] flattened) and its bias, with tf.conv1d. */
  const conv = (x: tf.Tensor3D, kernel: tf.Tensor, bias: tf.Tensor, k: number) =>
    tf.add(tf.conv1d(x, kernel.reshape([k, x.shape[2], -1]) as tf.Tensor3D, 1, "same"), bias) as tf.Tensor3D;
  /** Inference-mode batch norm from its four weights. */
  const norm = (x: tf.Tensor, [gamma, beta, mean, variance]: tf.Tensor[]) =>
    tf.add(tf.mul(tf.div(tf.sub(x, mean!), tf.sqrt(tf.add(variance!, 1e-3))), gamma!), beta!);

  /** The block with every weight (moving statistics included) set to a random value, so each one counts. */
  function randomised(channels: number, filters: number): tf.LayersModel {
    let seed = 0;
    const model = partModel([7, channels], (s) => residualBlock(s, filters, [3, 2], () => seed++, "keras"));
    model.setWeights(model.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5, 1.5, "float32", 100 + i)));
    return model;
  }

  /** Each layer's weights, layers in the order the block built them (conv: kernel, bias; BN: γ, β, mean, variance). */
  const builtOrder = (model: tf.LayersModel) =>
    [...model.layers]
      .filter((layer) => layer.getWeights().length > 0)
      .sort((a, b) => a.id - b.id)
      .flatMap((layer) => layer.getWeights());

  it("is conv → BN → ReLU, conv → BN, plus a 1×1 conv + BN shortcut where the channels differ, then ReLU", () => {
    const model = randomised(2, 4);
    // Built: conv k3 (kernel, bias), BN (4), conv k2 (2), BN (4), shortcut conv k1 (2), BN (4).
    const w = builtOrder(model);
    expect(w).toHaveLength(18);
    tf.tidy(() => {
      const x = tf.randomNormal<tf.Rank.R3>([3, 7, 2], 0, 1, "float32", 5);
      const first = tf.relu(norm(conv(x, w[0]!, w[1]!, 3), w.slice(2, 6))) as tf.Tensor3D;
      const second = norm(conv(first, w[6]!, w[7]!, 2), w.slice(8, 12));
      const shortcut = norm(conv(x, w[12]!, w[13]!, 1), w.slice(14, 18));
      const expected = tf.relu(tf.add(shortcut, second));
      expect(maxError((model.predict(x) as tf.Tensor).dataSync(), expected.dataSync())).toBeLessThan(1e-4);
    });
    model.dispose();
  });

  it("normalises the input alone on the shortcut when the channels are equal (no 1×1 convolution)", () => {
    const model = randomised(4, 4);
    const w = builtOrder(model);
    expect(w).toHaveLength(16);
    tf.tidy(() => {
      const x = tf.randomNormal<tf.Rank.R3>([3, 7, 4], 0, 1, "float32", 6);
      const first = tf.relu(norm(conv(x, w[0]!, w[1]!, 3), w.slice(2, 6))) as tf.Tensor3D;
      const second = norm(conv(first, w[6]!, w[7]!, 2), w.slice(8, 12));
      const expected = tf.relu(tf.add(norm(x, w.slice(12, 16)), second));
      expect(maxError((model.predict(x) as tf.Tensor).dataSync(), expected.dataSync())).toBeLessThan(1e-4);
    });
    model.dispose();
  });
});

describe("the archive's baselines", () => {
  it("fcn has the published FCN's trainable parameters (univariate, 3 classes)", () => {
    // Wang et al. 2017 / dl-4-tsc's fcn.py, as Keras counts them:
    //   conv 1→128 k8: 8·1·128 + 128 = 1,152;  BN 128: γ, β 256
    //   conv 128→256 k5: 5·128·256 + 256 = 164,096;  BN 256: 512
    //   conv 256→128 k3: 3·256·128 + 128 = 98,432;  BN 128: 256
    //   dense 128→3: 387
    //   trainable 265,091 (+ 1,024 moving means and variances: Keras' total 266,115).
    const model = buildModel(presetSpec("fcn"), { numPoints: 150, numClasses: 3, seed: 1 });
    expect(parameterCount(model)).toBe(265_091);
    expect(model.getWeights().reduce((n, w) => n + w.size, 0)).toBe(266_115);
    model.dispose();
  });

  it("resnet has the published ResNet's trainable parameters (univariate, 3 classes)", () => {
    // dl-4-tsc's resnet.py; each BN of c channels trains 2c (γ, β) and keeps 2c moving statistics.
    //   block 1 (1→64):   convs 8·1·64+64 = 576, 5·64·64+64 = 20,544, 3·64·64+64 = 12,352; shortcut 1·1·64+64 = 128;
    //                     4 BN × 128 = 512                                                             → 34,112
    //   block 2 (64→128): convs 8·64·128+128 = 65,664, 5·128·128+128 = 82,048, 3·128·128+128 = 49,280;
    //                     shortcut 64·128+128 = 8,320; 4 BN × 256 = 1,024                               → 206,336
    //   block 3 (128→128): convs 8·128·128+128 = 131,200, 82,048, 49,280; shortcut BN only; 4 BN × 256 → 263,552
    //   dense 128→3: 387
    //   trainable 504,387 (+ 2,560 moving statistics: Keras' total 506,947).
    const model = buildModel(presetSpec("resnet"), { numPoints: 150, numClasses: 3, seed: 1 });
    expect(parameterCount(model)).toBe(504_387);
    expect(model.getWeights().reduce((n, w) => n + w.size, 0)).toBe(506_947);
    model.dispose();
  });

  it.each(["fcn", "resnet"] as const)(
    "%s trains on 6 channels and 4 classes, the moving statistics kept with the best weights",
    async (name) => {
      const splits = toyMulticlass({ train: 24, val: 12, test: 12 }, { numPoints: 16, numChannels: 6, numClasses: 4 });
      const before = tensorCount();
      const outcome = await trainAndEvaluateOn(
        splits,
        { model: presetSpec(name), train: resolveTrainConfig({ epochs: 2, batchSize: 8 }), seed: 1 },
        backend,
      );
      expect(outcome.epochs).toHaveLength(2);
      expect(outcome.epochs.every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss))).toBe(true);
      // Evaluation is in inference mode with the best epoch's moving statistics: its validation accuracy is the epoch's.
      expect(outcome.metrics.val.accuracy).toBeCloseTo(outcome.epochs[outcome.bestEpoch - 1]!.valAccuracy, 10);
      expect(tensorCount()).toBe(before);
    },
    60_000,
  );
});
