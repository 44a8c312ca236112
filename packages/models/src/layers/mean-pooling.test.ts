import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { valueAndGrad } from "../test-support.js";
import { GlobalMeanPooling1D, meanOverTime } from "./mean-pooling.js";

describe("mean pooling over time", () => {
  it.each([
    ["wasm", 1, 1, 1],
    ["wasm", 2, 7, 3],
    ["wasm", 32, 250, 128],
    ["cpu", 4, 125, 48],
  ])("on %s, meanOverTime is tf.mean over time bit for bit, value and gradient, for [%i, %i, %i]", async (backend, B, T, C) => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      const x = tf.randomNormal([B, T, C], 0, 1, "float32", 5);
      // A step count that is not a power of two makes dy / T round: the two gradients must round alike.
      const probe = tf.randomNormal([B, C], 0, 1, "float32", 6);
      const expected = valueAndGrad((a) => tf.mean(a, 1), x, probe);
      const actual = valueAndGrad((a) => meanOverTime(a as tf.Tensor3D), x, probe);
      expect(actual.value).toEqual(expected.value);
      expect(actual.grad).toEqual(expected.grad);
    });
  });

  it("leaves no tensor behind, value and gradient", async () => {
    await tf.setBackend("wasm");
    const x = tf.randomNormal([2, 7, 3], 0, 1, "float32", 8);
    const before = tf.memory().numTensors;
    tf.grad((a: tf.Tensor) => tf.sum(meanOverTime(a as tf.Tensor3D)))(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it("GlobalMeanPooling1D is tf.layers.globalAveragePooling1d in a model, shape and value", async () => {
    await tf.setBackend("wasm");
    const input = tf.input({ shape: [9, 4] });
    const model = tf.model({ inputs: input, outputs: new GlobalMeanPooling1D({}).apply(input) as tf.SymbolicTensor });
    expect(model.outputs[0]!.shape).toEqual([null, 4]);
    tf.tidy(() => {
      const x = tf.randomNormal([3, 9, 4], 0, 1, "float32", 7);
      const expected = tf.layers.globalAveragePooling1d().apply(x) as tf.Tensor;
      expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected.dataSync()));
    });
    model.dispose();
  });

  it("refuses an input that is not [batch, steps, channels] where the model is built", () => {
    expect(() => new GlobalMeanPooling1D({}).apply(tf.input({ shape: [4] }))).toThrow(/expected ndim=3, found ndim=2/);
  });
});
