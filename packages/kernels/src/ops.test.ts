import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { attentionPooling, attentionScores, batchNormTraining, bidirectionalLstm, conv1dSame, lstm, maxPool1d } from "./ops.js";
import { FusedBidirectionalLSTM, FusedLSTM } from "./layers.js";
import { kernels, withKernels } from "./select.js";
import { attentionReference, conv1dReference, lstmReference, maxRelativeError, useWasm } from "./test-support.js";
import { typescriptKernels } from "./typescript-kernels.js";
import type { KernelImplementationApi } from "./implementation.js";
import { ADDON_PATH } from "./native-kernels.js";
import { Worker } from "node:worker_threads";

beforeAll(useWasm);

const implementations: Array<[string, () => KernelImplementationApi]> = [
  ["typescript", () => typescriptKernels],
  [
    "native",
    () => {
      const native = kernels();
      if (native.name !== "native") throw new Error("the native addon did not load: run `yarn build` in packages/kernels");
      return native;
    },
  ],
];

/**
 * [batch, steps, features, units]: batch 1, sequence 1, odd sizes, a realistic one, units that are
 * a multiple of the native kernels' 8-lane vectors plus a tail (12: gates 48 = 32 + 8 + 8 columns), and
 * a batch of 64 whose 40 steps the native kernels' big products take in two chunks (32 + 8 steps).
 */
const LSTM_SHAPES: Array<[number, number, number, number]> = [
  [1, 1, 1, 1],
  [1, 7, 1, 3],
  [3, 1, 2, 5],
  [5, 9, 3, 7],
  [6, 12, 2, 12],
  [4, 40, 1, 32],
  [64, 40, 3, 8],
];

/**
 * [batch, steps, channels, filters, kernelSize]: k 1, even k, k longer than the series, vector tails, and
 * series the native im2col unrolls in chunks of 2 (5 × 400 × 8 taps × 128 channels).
 */
const CONV_SHAPES: Array<[number, number, number, number, number]> = [
  [1, 5, 1, 1, 1],
  [2, 9, 1, 4, 7],
  [3, 16, 5, 3, 4],
  [2, 3, 2, 2, 7],
  [5, 40, 16, 33, 5],
  [4, 64, 32, 48, 5],
  [5, 400, 128, 16, 8],
];

describe.each(implementations)("%s kernels", (_name, implementation) => {
  it.each(LSTM_SHAPES.filter(([, T]) => T > 1))("BiLSTM matches tf.layers Bidirectional(LSTM) for B=%i T=%i F=%i H=%i", (B, T, F, H) => {
    withKernels(implementation(), () => {
      const reference = tf.layers.bidirectional({
        layer: tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: "sigmoid" }) as tf.RNN,
        mergeMode: "concat",
      });
      const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, F], 0, 1, "float32", 1));
      reference.apply(x);
      // Non-zero biases so their gradients and the forget-gate path are exercised.
      reference.setWeights(reference.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, "float32", 10 + i)));
      const weights = reference.trainableWeights.map((w) => w.read() as tf.Variable);
      const probe = tf.randomNormal([B, T, 2 * H], 0, 1, "float32", 2);

      const expected = tf.variableGrads(() => tf.sum(tf.mul(reference.apply(x) as tf.Tensor, probe)) as tf.Scalar, [x, ...weights]);
      const [kf, uf, bf, kb, ub, bb] = weights as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const run = () =>
        bidirectionalLstm(
          x,
          { kernel: kf as tf.Tensor as tf.Tensor2D, recurrentKernel: uf as tf.Tensor as tf.Tensor2D, bias: bf as tf.Tensor as tf.Tensor1D },
          { kernel: kb as tf.Tensor as tf.Tensor2D, recurrentKernel: ub as tf.Tensor as tf.Tensor2D, bias: bb as tf.Tensor as tf.Tensor1D },
        );
      const actual = tf.variableGrads(() => tf.sum(tf.mul(run(), probe)) as tf.Scalar, [x, ...weights]);

      expect(maxRelativeError(run().dataSync(), (reference.apply(x) as tf.Tensor).dataSync())).toBeLessThan(1e-4);
      for (const v of [x, ...weights]) {
        expect(maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()), v.name).toBeLessThan(1e-4);
      }
      tf.dispose([x, probe, actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
      reference.dispose();
    });
  });

  it.each(LSTM_SHAPES)("BiLSTM matches an unrolled tf-ops LSTM for B=%i T=%i F=%i H=%i", (B, T, F, H) => {
    withKernels(implementation(), () => {
      const param = (shape: number[], seed: number) => tf.variable(tf.randomUniform(shape, -0.5, 0.5, "float32", seed));
      const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, F], 0, 1, "float32", 1));
      const dirs = [0, 1].map((d) => ({
        kernel: param([F, 4 * H], 20 + d) as tf.Tensor as tf.Tensor2D,
        recurrentKernel: param([H, 4 * H], 30 + d) as tf.Tensor as tf.Tensor2D,
        bias: param([4 * H], 40 + d) as tf.Tensor as tf.Tensor1D,
      }));
      const vars = [x, ...dirs.flatMap((w) => [w.kernel, w.recurrentKernel, w.bias])] as tf.Variable[];
      const probe = tf.randomNormal([B, T, 2 * H], 0, 1, "float32", 2);
      const expected = tf.variableGrads(() => tf.sum(tf.mul(lstmReference(x, dirs), probe)) as tf.Scalar, vars);
      const actual = tf.variableGrads(() => tf.sum(tf.mul(bidirectionalLstm(x, dirs[0]!, dirs[1]!), probe)) as tf.Scalar, vars);
      expect(maxRelativeError(actual.value.dataSync(), expected.value.dataSync())).toBeLessThan(1e-4);
      for (const v of vars) {
        expect(maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()), v.name).toBeLessThan(1e-4);
      }
      tf.dispose([...vars, probe, actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    });
  });

  it.each(LSTM_SHAPES)("single-direction LSTM matches an unrolled tf-ops LSTM for B=%i T=%i F=%i H=%i", (B, T, F, H) => {
    withKernels(implementation(), () => {
      const param = (shape: number[], seed: number) => tf.variable(tf.randomUniform(shape, -0.5, 0.5, "float32", seed));
      const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, F], 0, 1, "float32", 1));
      const w = {
        kernel: param([F, 4 * H], 50) as tf.Tensor as tf.Tensor2D,
        recurrentKernel: param([H, 4 * H], 51) as tf.Tensor as tf.Tensor2D,
        bias: param([4 * H], 52) as tf.Tensor as tf.Tensor1D,
      };
      const vars = [x, w.kernel, w.recurrentKernel, w.bias] as tf.Variable[];
      const probe = tf.randomNormal([B, T, H], 0, 1, "float32", 2);
      const expected = tf.variableGrads(() => tf.sum(tf.mul(lstmReference(x, [w]), probe)) as tf.Scalar, vars);
      const actual = tf.variableGrads(() => tf.sum(tf.mul(lstm(x, w), probe)) as tf.Scalar, vars);
      expect(lstm(x, w).shape).toEqual([B, T, H]);
      expect(maxRelativeError(actual.value.dataSync(), expected.value.dataSync())).toBeLessThan(1e-4);
      for (const v of vars) {
        expect(maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()), v.name).toBeLessThan(1e-4);
      }
      // Inference (no tape) gives the same states.
      expect(maxRelativeError(tf.tidy(() => lstm(x, w)).dataSync(), tf.tidy(() => lstmReference(x, [w])).dataSync())).toBeLessThan(1e-4);
      tf.dispose([...vars, probe, actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    });
  });

  it("single-direction LSTM matches tf.layers.lstm (returnSequences) for B=3 T=9 F=2 H=5", () => {
    withKernels(implementation(), () => {
      const reference = tf.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: "sigmoid" });
      const x = tf.randomNormal<tf.Rank.R3>([3, 9, 2], 0, 1, "float32", 1);
      reference.apply(x);
      reference.setWeights(reference.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.5, 0.5, "float32", 60 + i)));
      const [kernel, recurrentKernel, bias] = reference.getWeights() as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      expect(
        maxRelativeError(lstm(x, { kernel, recurrentKernel, bias }).dataSync(), (reference.apply(x) as tf.Tensor).dataSync()),
      ).toBeLessThan(1e-4);
      reference.dispose();
    });
  });

  it.each([
    [1, 1, 1, 1],
    [2, 5, 3, 4],
    [5, 17, 10, 40],
    [3, 50, 64, 64],
  ])("attention pooling matches the tf composition for B=%i T=%i D=%i A=%i", (B, T, D, A) => {
    withKernels(implementation(), () => {
      const h = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, D], 0, 1, "float32", 3));
      const w1 = tf.variable(tf.randomNormal([D, A], 0, 0.3, "float32", 4));
      const b1 = tf.variable(tf.randomNormal([A], 0, 0.3, "float32", 5));
      const w2 = tf.variable(tf.randomNormal([A, 1], 0, 0.3, "float32", 6));
      const b2 = tf.variable(tf.randomNormal([1], 0, 0.3, "float32", 7));
      const weights = {
        w1: w1 as tf.Tensor as tf.Tensor2D,
        b1: b1 as tf.Tensor as tf.Tensor1D,
        w2: w2 as tf.Tensor as tf.Tensor2D,
        b2: b2 as tf.Tensor as tf.Tensor1D,
      };
      const probe = tf.randomNormal([B, D], 0, 1, "float32", 8);
      const vars = [h, w1, b1, w2, b2];
      const expected = tf.variableGrads(() => tf.sum(tf.mul(attentionReference(h, weights).context, probe)) as tf.Scalar, vars);
      const actual = tf.variableGrads(() => tf.sum(tf.mul(attentionPooling(h, weights), probe)) as tf.Scalar, vars);
      expect(maxRelativeError(attentionPooling(h, weights).dataSync(), attentionReference(h, weights).context.dataSync())).toBeLessThan(
        1e-4,
      );
      expect(maxRelativeError(attentionScores(h, weights).dataSync(), attentionReference(h, weights).alpha.dataSync())).toBeLessThan(1e-5);
      for (const v of vars) {
        expect(maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()), v.name).toBeLessThan(1e-4);
      }
      tf.dispose([...vars, probe, actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    });
  });

  it.each(CONV_SHAPES)("conv1d matches the im2col tf composition for B=%i T=%i C=%i F=%i k=%i", (B, T, C, F, K) => {
    withKernels(implementation(), () => {
      const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, C], 0, 1, "float32", 11));
      const kernel = tf.variable(tf.randomNormal<tf.Rank.R2>([K * C, F], 0, 0.5, "float32", 12));
      const bias = tf.variable(tf.randomNormal<tf.Rank.R1>([F], 0, 0.5, "float32", 13));
      const probe = tf.randomNormal([B, T, F], 0, 1, "float32", 14);
      const vars = [x, kernel, bias];
      const expected = tf.variableGrads(() => tf.sum(tf.mul(conv1dReference(x, kernel, bias, K), probe)) as tf.Scalar, vars);
      const actual = tf.variableGrads(() => tf.sum(tf.mul(conv1dSame(x, kernel, bias, K), probe)) as tf.Scalar, vars);
      expect(maxRelativeError(conv1dSame(x, kernel, bias, K).dataSync(), conv1dReference(x, kernel, bias, K).dataSync())).toBeLessThan(
        1e-4,
      );
      for (const v of vars) {
        expect(maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()), v.name).toBeLessThan(1e-4);
      }
      tf.dispose([...vars, probe, actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    });
  });

  it.each(CONV_SHAPES)("conv1d with its ReLU fused matches tf.relu of the tf composition for B=%i T=%i C=%i F=%i k=%i", (B, T, C, F, K) => {
    withKernels(implementation(), () => {
      const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, C], 0, 1, "float32", 21));
      const kernel = tf.variable(tf.randomNormal<tf.Rank.R2>([K * C, F], 0, 0.5, "float32", 22));
      const bias = tf.variable(tf.randomNormal<tf.Rank.R1>([F], 0, 0.5, "float32", 23));
      const probe = tf.randomNormal([B, T, F], 0, 1, "float32", 24);
      const vars = [x, kernel, bias];
      const reference = () => tf.relu(conv1dReference(x, kernel, bias, K));
      const fused = () => conv1dSame(x, kernel, bias, K, "relu");
      const expected = tf.variableGrads(() => tf.sum(tf.mul(reference(), probe)) as tf.Scalar, vars);
      const actual = tf.variableGrads(() => tf.sum(tf.mul(fused(), probe)) as tf.Scalar, vars);
      const values = fused().dataSync();
      expect(maxRelativeError(values, reference().dataSync())).toBeLessThan(1e-4);
      expect(Math.min(...values)).toBe(0);
      for (const v of vars) {
        expect(maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()), v.name).toBeLessThan(1e-4);
      }
      tf.dispose([...vars, probe, actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    });
  });

  // [batch, steps, channels, pool]: a remainder of steps, channels below, at and past the native kernels'
  // 8-lane vectors, and the global max (pool = steps).
  it.each([
    [1, 2, 1, 2],
    [2, 9, 3, 2],
    [3, 250, 16, 2],
    [2, 10, 13, 3],
    [4, 125, 48, 125],
    [2, 7, 8, 7],
  ])("maxPool1d matches tf.max over each window, value and gradient (ties included), for [%i, %i, %i] pool %i", (B, T, C, P) => {
    withKernels(implementation(), () => {
      // Rounded values so some steps tie for a window's max: tf.max gives each of them dy.
      const x = tf.variable(tf.round(tf.mul(tf.randomNormal<tf.Rank.R3>([B, T, C], 0, 1, "float32", 31), 2))) as tf.Variable<tf.Rank.R3>;
      const W = Math.floor(T / P);
      const probe = tf.randomNormal([B, W, C], 0, 1, "float32", 32);
      const reference = () => tf.max(tf.slice(x, [0, 0, 0], [B, W * P, C]).reshape([B, W, P, C]), 2);
      const expected = tf.variableGrads(() => tf.sum(tf.mul(reference(), probe)) as tf.Scalar, [x]);
      const actual = tf.variableGrads(() => tf.sum(tf.mul(maxPool1d(x, P), probe)) as tf.Scalar, [x]);
      expect(Array.from(maxPool1d(x, P).dataSync())).toEqual(Array.from(reference().dataSync()));
      // tf's gradient is dy · 0 where a step is not its window's max, −0 for a negative dy: the same number.
      const unsigned = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);
      expect(unsigned(actual.grads[x.name]!)).toEqual(unsigned(expected.grads[x.name]!));
      tf.dispose([x, probe, actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    });
  });

  // [batch, steps, channels]: channels below, at and past the native kernels' vectors.
  it.each([
    [1, 1, 1],
    [3, 7, 5],
    [4, 50, 16],
    [2, 150, 128],
  ])("batchNormTraining matches tf.moments and its normalisation, value, statistics and gradients, for [%i, %i, %i]", (B, T, C) => {
    withKernels(implementation(), () => {
      const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, C], 1, 2, "float32", 41));
      const gamma = tf.variable(tf.randomNormal<tf.Rank.R1>([C], 1, 0.5, "float32", 42));
      const beta = tf.variable(tf.randomNormal<tf.Rank.R1>([C], 0, 0.5, "float32", 43));
      const probe = tf.randomNormal([B, T, C], 0, 1, "float32", 44);
      const vars = [x, gamma, beta];
      for (const activation of ["linear", "relu"] as const) {
        const reference = () => {
          const { mean, variance } = tf.moments(x, [0, 1]);
          const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), gamma), beta);
          return activation === "relu" ? tf.relu(y) : y;
        };
        const fused = () => batchNormTraining(x, gamma, beta, 1e-3, activation).y;
        const expected = tf.variableGrads(() => tf.sum(tf.mul(reference(), probe)) as tf.Scalar, vars);
        const actual = tf.variableGrads(() => tf.sum(tf.mul(fused(), probe)) as tf.Scalar, vars);
        const out = batchNormTraining(x, gamma, beta, 1e-3, activation);
        const moments = tf.moments(x, [0, 1]);
        expect(maxRelativeError(out.y.dataSync(), reference().dataSync())).toBeLessThan(1e-4);
        expect(maxRelativeError(out.mean.dataSync(), moments.mean.dataSync())).toBeLessThan(1e-5);
        expect(maxRelativeError(out.variance.dataSync(), moments.variance.dataSync())).toBeLessThan(1e-5);
        for (const v of vars) {
          expect(
            maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()),
            `${activation} ${v.name}`,
          ).toBeLessThan(1e-4);
        }
        tf.dispose([out.y, out.mean, out.variance, moments.mean, moments.variance, actual.value, expected.value]);
        tf.dispose([...Object.values(actual.grads), ...Object.values(expected.grads)]);
      }
      tf.dispose([...vars, probe]);
    });
  });

  // Archive problems (issue 24): the fused ops under a K = 3-class softmax head on C = 6-channel series, every
  // gradient of the categorical cross-entropy against tfjs autodiff of the tf-ops references.
  describe("with C = 6 input channels under a K = 3-class softmax cross-entropy", () => {
    const [B, T, C, K] = [4, 9, 6, 3];
    const param = (shape: number[], seed: number) => tf.variable(tf.randomUniform(shape, -0.5, 0.5, "float32", seed));
    const targets = () => tf.oneHot(tf.tensor1d([0, 2, 1, 2], "int32"), K);
    const crossEntropy = (logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(targets(), logits) as tf.Scalar;
    const attentionParams = (D: number, A: number, seed: number) => ({
      w1: param([D, A], seed) as tf.Tensor as tf.Tensor2D,
      b1: param([A], seed + 1) as tf.Tensor as tf.Tensor1D,
      w2: param([A, 1], seed + 2) as tf.Tensor as tf.Tensor2D,
      b2: param([1], seed + 3) as tf.Tensor as tf.Tensor1D,
    });
    const compare = (vars: tf.Variable[], fused: () => tf.Scalar, reference: () => tf.Scalar) => {
      const expected = tf.variableGrads(reference, vars);
      const actual = tf.variableGrads(fused, vars);
      expect(Math.abs(actual.value.dataSync()[0]! - expected.value.dataSync()[0]!)).toBeLessThan(1e-5);
      for (const v of vars) {
        expect(maxRelativeError(actual.grads[v.name]!.dataSync(), expected.grads[v.name]!.dataSync()), v.name).toBeLessThan(1e-4);
      }
      tf.dispose([actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    };

    it("BiLSTM over 6 channels → attention → 3 logits", () => {
      withKernels(implementation(), () => {
        const H = 5;
        const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, C], 0, 1, "float32", 71));
        const dirs = [0, 1].map((d) => ({
          kernel: param([C, 4 * H], 72 + d) as tf.Tensor as tf.Tensor2D,
          recurrentKernel: param([H, 4 * H], 74 + d) as tf.Tensor as tf.Tensor2D,
          bias: param([4 * H], 76 + d) as tf.Tensor as tf.Tensor1D,
        }));
        const att = attentionParams(2 * H, 7, 80);
        const head = param([2 * H, K], 85) as tf.Tensor as tf.Tensor2D;
        const vars = [
          x,
          ...dirs.flatMap((w) => [w.kernel, w.recurrentKernel, w.bias]),
          att.w1,
          att.b1,
          att.w2,
          att.b2,
          head,
        ] as tf.Variable[];
        compare(
          vars,
          () => crossEntropy(tf.matMul(attentionPooling(bidirectionalLstm(x, dirs[0]!, dirs[1]!), att), head)),
          () => crossEntropy(tf.matMul(attentionReference(lstmReference(x, dirs), att).context, head)),
        );
        tf.dispose(vars);
      });
    });

    it("LSTM over 6 channels → last state → 3 logits", () => {
      withKernels(implementation(), () => {
        const H = 4;
        const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, C], 0, 1, "float32", 91));
        const w = {
          kernel: param([C, 4 * H], 92) as tf.Tensor as tf.Tensor2D,
          recurrentKernel: param([H, 4 * H], 93) as tf.Tensor as tf.Tensor2D,
          bias: param([4 * H], 94) as tf.Tensor as tf.Tensor1D,
        };
        const head = param([H, K], 95) as tf.Tensor as tf.Tensor2D;
        const last = (states: tf.Tensor3D) => tf.slice(states, [0, T - 1, 0], [B, 1, H]).reshape([B, H]);
        const vars = [x, w.kernel, w.recurrentKernel, w.bias, head] as tf.Variable[];
        compare(
          vars,
          () => crossEntropy(tf.matMul(last(lstm(x, w)), head)),
          () => crossEntropy(tf.matMul(last(lstmReference(x, [w])), head)),
        );
        tf.dispose(vars);
      });
    });

    it("attention straight over the 6 channels of the series → 3 logits", () => {
      withKernels(implementation(), () => {
        const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, C], 0, 1, "float32", 101));
        const att = attentionParams(C, 8, 102);
        const head = param([C, K], 107) as tf.Tensor as tf.Tensor2D;
        const vars = [x, att.w1, att.b1, att.w2, att.b2, head] as tf.Variable[];
        compare(
          vars,
          () => crossEntropy(tf.matMul(attentionPooling(x, att), head)),
          () => crossEntropy(tf.matMul(attentionReference(x, att).context, head)),
        );
        tf.dispose(vars);
      });
    });

    it("a convolution over 6 channels → global mean → 3 logits", () => {
      withKernels(implementation(), () => {
        const [F, k] = [8, 5];
        const x = tf.variable(tf.randomNormal<tf.Rank.R3>([B, T, C], 0, 1, "float32", 111));
        const kernel = param([k * C, F], 112) as tf.Tensor as tf.Tensor2D;
        const bias = param([F], 113) as tf.Tensor as tf.Tensor1D;
        const head = param([F, K], 114) as tf.Tensor as tf.Tensor2D;
        const vars = [x, kernel, bias, head] as tf.Variable[];
        compare(
          vars,
          () => crossEntropy(tf.matMul(tf.mean(tf.relu(conv1dSame(x, kernel, bias, k)), 1), head)),
          () => crossEntropy(tf.matMul(tf.mean(tf.relu(conv1dReference(x, kernel, bias, k)), 1), head)),
        );
        tf.dispose(vars);
      });
    });
  });

  it("does not leak tensors across forward and backward passes", () => {
    withKernels(implementation(), () => {
      const x = tf.randomNormal([2, 6, 1]) as tf.Tensor3D;
      const w = () => ({
        kernel: tf.variable(tf.randomNormal([1, 12])) as tf.Tensor as tf.Tensor2D,
        recurrentKernel: tf.variable(tf.randomNormal([3, 12])) as tf.Tensor as tf.Tensor2D,
        bias: tf.variable(tf.zeros([12])) as tf.Tensor as tf.Tensor1D,
      });
      const [fwd, bwd] = [w(), w()];
      const step = () => {
        const { value, grads } = tf.variableGrads(() => tf.sum(bidirectionalLstm(x, fwd, bwd)) as tf.Scalar);
        const single = tf.variableGrads(() => tf.sum(lstm(x, fwd)) as tf.Scalar);
        tf.dispose([value, ...Object.values(grads), single.value, ...Object.values(single.grads)]);
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, ...Object.values(fwd), ...Object.values(bwd)]);
    });
  });
});

/** Runs fn with TSA_KERNEL_THREADS set (the native kernels read it on every call), then restores it. */
function withThreads<T>(threads: number, fn: () => T): T {
  const saved = process.env.TSA_KERNEL_THREADS;
  process.env.TSA_KERNEL_THREADS = String(threads);
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TSA_KERNEL_THREADS;
    else process.env.TSA_KERNEL_THREADS = saved;
  }
}

describe("LSTM layers", () => {
  it("FusedLSTM is FusedBidirectionalLSTM's forward half at the same seed", () => {
    const x = tf.randomNormal<tf.Rank.R3>([2, 7, 3], 0, 1, "float32", 1);
    const one = new FusedLSTM({ units: 4, seed: 3 });
    const both = new FusedBidirectionalLSTM({ units: 4, seed: 3 });
    const y1 = one.apply(x) as tf.Tensor;
    const y2 = both.apply(x) as tf.Tensor;
    expect(y1.shape).toEqual([2, 7, 4]);
    expect(maxRelativeError(y1.dataSync(), tf.slice(y2, [0, 0, 0], [-1, -1, 4]).dataSync())).toBeLessThan(1e-6);
    tf.dispose([x, y1, y2]);
    one.dispose();
    both.dispose();
  });

  it("biasVectors 2 adds a second PyTorch-uniform bias vector, the other weights unchanged", () => {
    const x = tf.zeros([1, 2, 1]);
    const values = (biasVectors: 1 | 2) => {
      const layer = new FusedBidirectionalLSTM({ units: 64, seed: 5, biasVectors });
      layer.apply(x);
      const out = layer.getWeights().map((w) => Array.from(w.dataSync()));
      layer.dispose();
      return out;
    };
    const [single, both] = [values(1), values(2)];
    // One direction after the other: kernel, recurrent kernel, bias (and the second bias).
    expect(both).toHaveLength(8);
    // Index in the single-bias layer → index in the two-bias layer.
    const moved: Array<[number, number]> = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 5],
      [5, 6],
    ];
    for (const [i, j] of moved) expect(both[j]).toEqual(single[i]);
    for (const j of [3, 7]) {
      expect(both[j]).not.toEqual(both[j - 1]);
      // U(±1/8), and their sum reaches beyond one vector's ±1/8.
      expect(Math.max(...both[j]!.map(Math.abs))).toBeLessThanOrEqual(0.125);
      expect(both[j]!.some((v, k) => Math.abs(v + both[j - 1]![k]!) > 0.125)).toBe(true);
    }
    x.dispose();
  });

  it("biasVectors 2 computes with the sum, and each vector gets the whole gradient, as PyTorch's b_ih and b_hh", () => {
    const x = tf.randomNormal([3, 5, 1], 0, 1, "float32", 4);
    const layer = new FusedBidirectionalLSTM({ units: 4, seed: 2, biasVectors: 2 });
    layer.apply(x);
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar, variables);
    const [forwardBias, forwardSecond] = [variables[2]!, variables[3]!].map((v) => grads[v.name]!.dataSync());
    expect(Array.from(forwardSecond!)).toEqual(Array.from(forwardBias!));
    expect(Math.max(...Array.from(forwardBias!).map(Math.abs))).toBeGreaterThan(0);
    // One vector holding the sum gives the same output.
    const single = new FusedBidirectionalLSTM({ units: 4, seed: 2 });
    single.apply(x);
    const w = layer.getWeights();
    single.setWeights([w[0]!, w[1]!, tf.add(w[2]!, w[3]!), w[4]!, w[5]!, tf.add(w[6]!, w[7]!)]);
    expect(maxRelativeError((single.apply(x) as tf.Tensor).dataSync(), (layer.apply(x) as tf.Tensor).dataSync())).toBeLessThan(1e-6);
    tf.dispose(Object.values(grads));
    layer.dispose();
    single.dispose();
    x.dispose();
  });
});

describe("native kernels split over helper threads", () => {
  // Shapes above the addon's least work per part, so 3 threads really split (the LSTM into its 2
  // directions, attention and convolution into 3 batch parts); each call runs twice per setting so
  // a pool helper is reused, not only started.
  const native = implementations[1]![1];
  const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.5);
  const bothWays = <T>(fn: () => T): [T, T] => [withThreads(1, () => (fn(), fn())), withThreads(3, () => (fn(), fn()))];
  const close = (a: Float32Array, b: Float32Array) => expect(maxRelativeError(a, b)).toBeLessThan(1e-5);

  it("gives the BiLSTM's single-thread outputs and gradients", () => {
    const k = native();
    const shape = { batch: 6, steps: 50, features: 2, units: 32 };
    const x = rand(6 * 50 * 2, 1);
    const p = (seed: number) => ({ kernel: rand(2 * 128, seed), recurrent: rand(32 * 128, seed + 1), bias: rand(128, seed + 2) });
    const [fwd, bwd] = [p(2), p(5)];
    const dy = rand(6 * 50 * 64, 9);
    const [one, split] = bothWays(() => {
      const { y, tape } = k.lstmForward(shape, x, fwd, bwd, true);
      return { y: y.slice(), g: k.lstmBackward(shape, x, fwd, bwd, tape!, y, dy) };
    });
    close(split.y, one.y);
    close(split.g.dx, one.g.dx);
    for (const dir of ["forward", "backward"] as const) {
      for (const w of ["kernel", "recurrent", "bias"] as const) close(split.g[dir][w], one.g[dir][w]);
    }
  });

  it("gives attention pooling's single-thread outputs and gradients", () => {
    const k = native();
    const shape = { batch: 9, steps: 60, features: 64, units: 64 };
    const h = rand(9 * 60 * 64, 1);
    const w = { w1: rand(64 * 64, 2), b1: rand(64, 3), w2: rand(64, 4), b2: rand(1, 5) };
    const dContext = rand(9 * 64, 6);
    const [one, split] = bothWays(() => {
      const f = k.attentionForward(shape, h, w);
      const out = { context: f.context.slice(), alpha: f.alpha.slice() };
      return { ...out, g: k.attentionBackward(shape, h, w, f, dContext) };
    });
    close(split.context, one.context);
    close(split.alpha, one.alpha);
    for (const key of ["dh", "w1", "b1", "w2", "b2"] as const) close(split.g[key], one.g[key]);
  });

  it("stays correct when several JavaScript threads call at once (the helpers serve one call at a time)", async () => {
    const shape = { batch: 7, steps: 64, channels: 16, filters: 32, kernelSize: 5 };
    const x = rand(7 * 64 * 16, 1),
      kernel = rand(5 * 16 * 32, 2),
      bias = rand(32, 3);
    const expected = withThreads(1, () => native().conv1dForward(shape, x, kernel, bias));
    // Each worker thread loads the addon itself and calls it 200 times with 3 threads while the others do.
    const source = `
      const { parentPort, workerData: w } = require("node:worker_threads");
      const addon = require(w.addonPath);
      const out = new Float32Array(w.size);
      let worst = 0;
      for (let i = 0; i < 200; i++) {
        addon.conv1dForward(7, 64, 16, 32, 5, w.x, w.kernel, w.bias, out, 3);
        for (let j = 0; j < out.length; j++) worst = Math.max(worst, Math.abs(out[j] - w.expected[j]));
      }
      parentPort.postMessage(worst);`;
    const workers = Array.from(
      { length: 3 },
      () => new Worker(source, { eval: true, workerData: { addonPath: ADDON_PATH, size: expected.length, x, kernel, bias, expected } }),
    );
    const worst = await Promise.all(
      workers.map((w) => new Promise<number>((resolve, reject) => w.once("message", resolve).once("error", reject))),
    );
    await Promise.all(workers.map((w) => w.terminate()));
    for (const diff of worst) expect(diff).toBeLessThan(1e-5);
  });

  it("gives the convolution's single-thread outputs and gradients", () => {
    const k = native();
    const shape = { batch: 7, steps: 64, channels: 16, filters: 32, kernelSize: 5 };
    const x = rand(7 * 64 * 16, 1),
      kernel = rand(5 * 16 * 32, 2),
      bias = rand(32, 3),
      dOut = rand(7 * 64 * 32, 4);
    for (const relu of [false, true]) {
      const [one, split] = bothWays(() => {
        const out = k.conv1dForward(shape, x, kernel, bias, relu);
        return { out, g: k.conv1dBackward(shape, x, kernel, dOut, relu ? out : undefined) };
      });
      close(split.out, one.out);
      for (const key of ["dx", "kernel", "bias"] as const) close(split.g[key], one.g[key]);
    }
  });
});

describe("numeric gradient check (TypeScript kernels, tiny case)", () => {
  it("BPTT agrees with central differences of the forward pass", () => {
    const shape = { batch: 2, steps: 4, features: 2, units: 2 };
    const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.8);
    const x = rand(2 * 4 * 2, 1);
    const fwd = { kernel: rand(2 * 8, 2), recurrent: rand(2 * 8, 3), bias: rand(8, 4) };
    const bwd = { kernel: rand(2 * 8, 5), recurrent: rand(2 * 8, 6), bias: rand(8, 7) };
    const probe = rand(2 * 4 * 4, 8);
    const objective = () => {
      const { y } = typescriptKernels.lstmForward(shape, x, fwd, bwd);
      return y.reduce((s, v, i) => s + v * (probe[i] as number), 0);
    };
    const { y, tape } = typescriptKernels.lstmForward(shape, x, fwd, bwd);
    if (tape === null) throw new Error("the TypeScript kernels always keep the tape");
    const g = typescriptKernels.lstmBackward(shape, x, fwd, bwd, tape, y, probe);
    const eps = 1e-2;
    const check = (values: Float32Array, analytic: Float32Array) => {
      for (let i = 0; i < values.length; i++) {
        const saved = values[i] as number;
        values[i] = saved + eps;
        const up = objective();
        values[i] = saved - eps;
        const down = objective();
        values[i] = saved;
        expect(Math.abs((up - down) / (2 * eps) - (analytic[i] as number))).toBeLessThan(2e-3);
      }
    };
    check(x, g.dx);
    check(fwd.kernel, g.forward.kernel);
    check(fwd.recurrent, g.forward.recurrent);
    check(bwd.bias, g.backward.bias);
    check(bwd.recurrent, g.backward.recurrent);
  });
});
