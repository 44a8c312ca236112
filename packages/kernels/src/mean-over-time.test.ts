import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { meanOverTime } from "./ops.js";

/** Value and gradient of `f` at x for the fixed output weights `probe`, as plain arrays. */
function valueAndGrad(f: (a: tf.Tensor) => tf.Tensor, x: tf.Tensor, probe: tf.Tensor) {
  const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), probe)))(x);
  const result = { value: Array.from(f(x).dataSync()), grad: Array.from(grad.dataSync()) };
  grad.dispose();
  return result;
}

describe("meanOverTime", () => {
  it.each([
    ["wasm", 1, 1, 1],
    ["wasm", 2, 7, 3],
    ["wasm", 32, 250, 128],
    ["cpu", 4, 125, 48],
  ])("on %s is tf.mean over time bit for bit, value and gradient, for [%i, %i, %i]", async (backend, B, T, C) => {
    await tf.setBackend(backend);
    tf.tidy(() => {
      const x = tf.randomNormal([B, T, C], 0, 1, "float32", 5);
      // Step counts that are not powers of two make dy / T round: both gradients must round alike.
      const probe = tf.randomNormal([B, C], 0, 1, "float32", 6);
      const expected = valueAndGrad((a) => tf.mean(a, 1), x, probe);
      const actual = valueAndGrad((a) => meanOverTime(a as tf.Tensor3D), x, probe);
      expect(actual.value).toEqual(expected.value);
      expect(actual.grad).toEqual(expected.grad);
    });
  });

  it("leaves no tensor and no backend data behind", async () => {
    await tf.setBackend("wasm");
    const x = tf.randomNormal([2, 7, 3], 0, 1, "float32", 8);
    const step = () =>
      tf
        .grad((a: tf.Tensor) => tf.sum(meanOverTime(a as tf.Tensor3D)))(x)
        .dispose();
    step();
    // tf.grad disposes the tensors its gradient made; the backend's count also sees an output written in
    // the wasm heap that never became a tensor.
    const [tensors, data] = [tf.memory().numTensors, tf.engine().backend.numDataIds()];
    for (let i = 0; i < 3; i++) step();
    expect([tf.memory().numTensors, tf.engine().backend.numDataIds()]).toEqual([tensors, data]);
    x.dispose();
  });
});
