import * as tf from "@tensorflow/tfjs";
import { AttentionPooling } from "@tsa/kernels";
import { beforeAll, describe, expect, it } from "vitest";
import { ATTENTION_LAYER, ENCODER_LAYER, buildModel, parameterCount } from "./architectures.js";
import { attentionWeights, modelHasAttention } from "./attention.js";
import { ModelSpecSchema, describeSpec, encoderChannels, presetSpec, type ModelSpec } from "./config.js";
import { LastState, lastState } from "./layers/last-state.js";
import { ZScore, zscore } from "./layers/zscore.js";
import { allCombinations, tensorCount, wasm } from "./test-support.js";

beforeAll(wasm);

const spec = (input: Record<string, unknown>): ModelSpec => ModelSpecSchema.parse(input);

/** Largest |a − b| over two arrays. */
function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

/** Value and gradient of Σ f(x)·probe, with the probe drawn for f's output shape. */
function valueAndGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const probe = tf.randomNormal(f(x).shape, 0, 1, "float32", 9);
    const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), probe)))(x);
    return { value: f(x).dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}

describe("ZScore", () => {
  it("standardises each series over its steps: mean 0, std 1, hand-computed values", () => {
    tf.tidy(() => {
      const x = tf.tensor3d([1, 2, 3, 4, 10, 10, 10, 10], [2, 4, 1]);
      const y = new ZScore().apply(x) as tf.Tensor;
      expect(y.shape).toEqual([2, 4, 1]);
      // Series 1: mean 2.5, population variance 1.25. Series 2 is constant: zeros, not NaN.
      const s = Math.sqrt(1.25 + 1e-5);
      expect(maxError(y.dataSync(), [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, 0, 0, 0, 0])).toBeLessThan(1e-6);
    });
  });

  it("has the gradient of a plain-ops version (sums, not tf.moments)", () => {
    const x = tf.randomNormal([3, 11, 2], 2, 3, "float32", 1);
    const plain = (a: tf.Tensor) => {
      const mean = tf.div(tf.sum(a, 1, true), 11);
      const variance = tf.div(tf.sum(tf.square(tf.sub(a, mean)), 1, true), 11);
      return tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5)));
    };
    const expected = valueAndGrad(plain, x);
    const actual = valueAndGrad((a) => zscore(a as tf.Tensor3D, 1e-5), x);
    expect(maxError(actual.value, expected.value)).toBeLessThan(1e-5);
    expect(maxError(actual.grad, expected.grad)).toBeLessThan(1e-4);
    x.dispose();
  });

  it("round-trips its config and has no weights", () => {
    const layer = new ZScore({ epsilon: 1e-3 });
    expect(layer.getConfig()).toMatchObject({ epsilon: 1e-3 });
    expect(ZScore.className).toBe("ZScore");
    layer.apply(tf.input({ shape: [5, 1] }));
    expect(layer.getWeights()).toHaveLength(0);
  });
});

describe("LastState", () => {
  it("takes an LSTM's state at the last step, and a BiLSTM's forward last and backward first", () => {
    tf.tidy(() => {
      const states = tf.randomNormal([2, 5, 6], 0, 1, "float32", 2) as tf.Tensor3D;
      const values = states.arraySync();
      // By hand: the last step of all 6 channels (one direction), or forward [T−1, 0:3] + backward [0, 3:6].
      const single = values.map((series) => series[4]!);
      const both = values.map((series) => [...series[4]!.slice(0, 3), ...series[0]!.slice(3)]);
      expect(lastState(states, 1).arraySync()).toEqual(single);
      expect(new LastState({ directions: 2 }).apply(states)).toBeInstanceOf(tf.Tensor);
      expect((new LastState({ directions: 2 }).apply(states) as tf.Tensor).arraySync()).toEqual(both);
    });
  });

  it("has the gradient of a plain-ops version (a one-hot mask over steps, summed)", () => {
    const x = tf.randomNormal([2, 7, 4], 0, 1, "float32", 3);
    // Channels 0–1 (forward) picked at step 6, channels 2–3 (backward) at step 0.
    const mask = tf.tensor3d(
      Array.from({ length: 7 * 4 }, (_, i) => (Math.floor(i / 4) === (i % 4 < 2 ? 6 : 0) ? 1 : 0)),
      [1, 7, 4],
    );
    const masked = (a: tf.Tensor) => tf.sum(tf.mul(a, mask), 1);
    const expected = valueAndGrad(masked, x);
    const actual = valueAndGrad((a) => lastState(a as tf.Tensor3D, 2), x);
    expect(Array.from(actual.value)).toEqual(Array.from(expected.value));
    expect(maxError(actual.grad, expected.grad)).toBe(0);
    tf.dispose([x, mask]);
  });
});

describe("the new layers leak nothing", () => {
  // The functions themselves, outside any tidy (a layer's apply and tf.variableGrads tidy for them), then
  // through the layer with gradients: only the outputs the caller disposes are ever created.
  it.each([
    ["ZScore", (x: tf.Tensor3D) => zscore(x, 1e-5), () => new ZScore()],
    ["LastState over one direction", (x: tf.Tensor3D) => lastState(x, 1), () => new LastState({ directions: 1 })],
    ["LastState over two directions", (x: tf.Tensor3D) => lastState(x, 2), () => new LastState({ directions: 2 })],
  ] as const)("%s: no tensor left over across forward and backward passes", (_name, forward, make) => {
    const layer = make();
    const x = tf.variable(tf.randomNormal([2, 6, 4], 0, 1, "float32", 10)) as tf.Variable<tf.Rank.R3>;
    const step = () => {
      forward(x).dispose();
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar, [x]);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tensorCount();
    for (let i = 0; i < 3; i++) step();
    expect(tensorCount()).toBe(before);
    x.dispose();
  });
});

describe("attention pooling over any channel count", () => {
  it.each([1, 48])("C=%i: matches the score MLP → softmax → Σ α·h written in tf ops, with gradients", (C) => {
    const layer = new AttentionPooling({ units: 8, seed: 3 });
    const h = tf.randomNormal([3, 10, C], 0, 1, "float32", 4);
    layer.apply(h);
    const [w1, b1, w2, b2] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
    const plain = (a: tf.Tensor) => {
      const scores = tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(a.reshape([30, C]), w1), b1)), w2), b2).reshape([3, 10]);
      return tf.sum(tf.mul(a, tf.softmax(scores, -1).expandDims(2)), 1);
    };
    const expected = valueAndGrad(plain, h);
    const actual = valueAndGrad((a) => layer.apply(a) as tf.Tensor, h);
    expect(actual.value.length).toBe(3 * C);
    expect(maxError(actual.value, expected.value)).toBeLessThan(1e-5);
    expect(maxError(actual.grad, expected.grad)).toBeLessThan(1e-4);
    h.dispose();
    layer.dispose();
  });
});

describe("pytorch init", () => {
  const weightsOf = (s: ModelSpec) => {
    const model = buildModel(s, { numPoints: 32, seed: 3 });
    const out = model.weights.map((w) => ({ name: w.originalName, shape: w.shape, values: Array.from(w.read().dataSync()) }));
    model.dispose();
    return out;
  };
  const bound = (values: number[]) => Math.max(...values.map(Math.abs));

  it("draws dense and conv weights and biases uniform ±1/√fan_in, seeded", () => {
    const weights = weightsOf(spec({ encoder: "cnn", pooling: "max", hidden: 8, filters: [16, 32], kernelSizes: [7, 5], init: "pytorch" }));
    // conv 1 (k 7 × 1 channel), conv 2 (k 5 × 16), hidden (32 → 8), logit (8 → 1): kernel and bias each.
    const fans = [7, 7, 80, 80, 32, 32, 8, 8];
    expect(weights).toHaveLength(fans.length);
    weights.forEach((w, i) => {
      const limit = 1 / Math.sqrt(fans[i]!);
      expect(bound(w.values), w.name).toBeLessThanOrEqual(limit);
      if (w.values.length >= 32) expect(bound(w.values), w.name).toBeGreaterThan(0.5 * limit);
    });
    const again = weightsOf(spec({ encoder: "cnn", pooling: "max", hidden: 8, filters: [16, 32], kernelSizes: [7, 5], init: "pytorch" }));
    expect(again.map((w) => w.values)).toEqual(weights.map((w) => w.values));
  });

  it("gives an LSTM two bias vectors, each uniform ±1/√H, their sum the one the kernel adds; keras keeps zero dense biases", () => {
    const pytorch = weightsOf(spec({ encoder: "lstm", pooling: "last", units: 16, init: "pytorch" }));
    const keras = weightsOf(spec({ encoder: "lstm", pooling: "last", units: 16 }));
    const [first, second] = ["/bias", "/bias_hh"].map((end) => pytorch.find((w) => w.name.endsWith(end) && w.shape[0] === 64)!.values);
    expect(bound(first!)).toBeLessThanOrEqual(0.25);
    expect(bound(second!)).toBeLessThanOrEqual(0.25);
    const sum = first!.map((v, i) => v + second![i]!);
    expect(bound(sum)).toBeGreaterThan(0.25);
    expect(keras.some((w) => w.name.endsWith("/bias_hh"))).toBe(false);
    expect(keras.at(-1)!.values).toEqual([0]);
    expect(pytorch.at(-1)!.values[0]).not.toBe(0);
  });
});

describe("every allowed combination", () => {
  // numPoints 16: the CNN's minimum. Hidden layers on every other one, so both heads are built.
  const grid = allCombinations().map((s, i) => ({ ...s, units: 4, attentionUnits: 6, filters: [4, 6, 8], hidden: i % 2 === 0 ? 0 : 5 }));

  it.each(grid.map((s) => [describeSpec(s), s] as const))("%s builds, predicts one logit per series and leaks nothing", (_label, s) => {
    const before = tensorCount();
    const model = buildModel(s, { numPoints: 16, seed: 1 });
    const x = tf.randomNormal([3, 16, 1], 0, 1, "float32", 1);
    const out = model.predict(x) as tf.Tensor;
    expect(out.shape).toEqual([3, 1]);
    expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
    expect(modelHasAttention(model)).toBe(s.pooling === "attention");
    expect(parameterCount(model)).toBeGreaterThan(0);
    tf.dispose([x, out]);
    model.dispose();
    expect(tensorCount()).toBe(before);
  });

  it("gives a gradient to every weight of a model with each encoder", () => {
    for (const encoder of ["none", "cnn", "lstm", "bilstm"] as const) {
      const model = buildModel(
        spec({ encoder, pooling: "attention", normalize: "zscore", units: 4, filters: [4, 4], kernelSizes: [3, 3] }),
        {
          numPoints: 16,
          seed: 2,
        },
      );
      const x = tf.randomNormal([4, 16, 1], 0, 1, "float32", 5);
      const { value, grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      expect(Object.keys(grads)).toHaveLength(model.trainableWeights.length);
      for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).some((v) => v !== 0)).toBe(true);
      tf.dispose([x, value, ...Object.values(grads)]);
      model.dispose();
    }
  });
});

describe("save and load", () => {
  it.each([
    { encoder: "lstm", pooling: "last", normalize: "zscore", init: "pytorch" },
    { encoder: "bilstm", pooling: "last" },
    { encoder: "cnn", pooling: "attention", filters: [4, 6], kernelSizes: [3, 3] },
  ])("%j round-trips through its JSON and weights with the same predictions", async (input) => {
    const model = buildModel(spec(input), { numPoints: 16, seed: 3 });
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.randomNormal([2, 16, 1], 0, 1, "float32", 4);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe("encoders", () => {
  it.each([
    ["none", [16, 1]],
    ["cnn", [4, 48]],
    ["lstm", [16, 32]],
    ["bilstm", [16, 64]],
  ] as const)("%s gives states of shape %j at 16 points", (encoder, shape) => {
    const s = spec({ encoder, pooling: "attention" });
    const model = buildModel(s, { numPoints: 16, seed: 1 });
    expect((model.getLayer(ATTENTION_LAYER).input as tf.SymbolicTensor).shape).toEqual([null, ...shape]);
    expect(encoderChannels(s)).toBe(shape[1]);
    if (encoder === "lstm" || encoder === "bilstm") expect(model.getLayer(ENCODER_LAYER)).toBeDefined();
    model.dispose();
  });

  it("the lstm encoder is the preset BiLSTM's forward direction at the same seed", () => {
    const x = tf.randomNormal([2, 12, 1], 0, 1, "float32", 6);
    const states = (encoder: "lstm" | "bilstm") => {
      const model = buildModel(spec({ encoder, pooling: "last" }), { numPoints: 12, seed: 4 });
      const encoderModel = tf.model({ inputs: model.inputs, outputs: model.getLayer(ENCODER_LAYER).output as tf.SymbolicTensor });
      const out = tf.tidy(() => (encoderModel.predict(x) as tf.Tensor).slice([0, 0, 0], [-1, -1, 32]).dataSync());
      model.dispose();
      return out;
    };
    expect(maxError(states("lstm"), states("bilstm"))).toBeLessThan(1e-6);
    x.dispose();
  });
});

describe("attention extraction over any encoder", () => {
  it.each(["none", "cnn", "lstm"] as const)("%s → attention: α over the series' steps sums to 1 per series", (encoder) => {
    const model = buildModel(spec({ encoder, pooling: "attention", units: 4 }), { numPoints: 18, seed: 1 });
    const x = tf.randomNormal([5, 18, 1], 0, 1, "float32", 7) as tf.Tensor3D;
    const before = tensorCount();
    const alpha = attentionWeights(model, x);
    expect(tensorCount()).toBe(before);
    expect(alpha).toHaveLength(5 * 18);
    for (let i = 0; i < 5; i++) expect(alpha.subarray(i * 18, (i + 1) * 18).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    if (encoder === "cnn") {
      // 18 → 9 → 4 steps: each weight shared by the 4 steps it pooled; steps 16 and 17 were dropped.
      expect(alpha[0]).toBe(alpha[3]);
      expect(alpha[16]).toBe(0);
    }
    x.dispose();
    model.dispose();
  });

  it("the preset's extraction is unchanged: α equals the attention layer on the BiLSTM's states", () => {
    const model = buildModel(presetSpec("bilstm-attention"), { numPoints: 10, seed: 1 });
    const x = tf.randomNormal([2, 10, 1], 0, 1, "float32", 8) as tf.Tensor3D;
    const attention = model.getLayer(ATTENTION_LAYER) as AttentionPooling;
    const encoder = tf.model({ inputs: model.inputs, outputs: model.getLayer(ENCODER_LAYER).output as tf.SymbolicTensor });
    const expected = tf.tidy(() => attention.attention(encoder.predict(x) as tf.Tensor3D).dataSync());
    expect(Array.from(attentionWeights(model, x))).toEqual(Array.from(expected));
    x.dispose();
    model.dispose();
  });
});
