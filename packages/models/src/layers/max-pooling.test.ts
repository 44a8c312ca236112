import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { valueAndGrad } from "../test-support.js";
import { maxOverTime, maxPool1d } from "./max-pooling.js";

beforeAll(async () => {
  await tf.setBackend("wasm");
});

describe("masked max pooling", () => {
  it.each([
    [1, 1, 1],
    [2, 7, 3],
    [4, 125, 48],
  ])("maxOverTime matches tf.max over time, value and gradient (ties included), for [%i, %i, %i]", (B, T, C) => {
    tf.tidy(() => {
      // Rounded values so some steps tie for the maximum: tf.max gives each of them dy.
      const x = tf.round(tf.mul(tf.randomNormal([B, T, C], 0, 1, "float32", 5), 2));
      const probe = tf.randomNormal([B, C], 0, 1, "float32", 6);
      const expected = valueAndGrad((a) => tf.max(a, 1), x, probe);
      const actual = valueAndGrad((a) => maxOverTime(a as tf.Tensor3D), x, probe);
      expect(actual.value).toEqual(expected.value);
      actual.grad.forEach((g, i) => expect(g).toBeCloseTo(expected.grad[i]!, 5));
    });
  });

  it.each([
    [1, 2, 1, 2],
    [2, 9, 3, 2],
    [3, 250, 32, 2],
    [2, 10, 4, 3],
  ])("maxPool1d on wasm matches tf.layers.maxPooling1d on cpu without ties, for [%i, %i, %i] pool %i", async (B, T, C, pool) => {
    // On cpu: wasm's MaxPoolGrad routes the gradient to the wrong elements when there are several channels.
    const run = (f: (a: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() =>
        valueAndGrad(f, tf.randomNormal([B, T, C], 0, 1, "float32", 7), tf.randomNormal([B, Math.floor(T / pool), C], 0, 1, "float32", 8)),
      );
    await tf.setBackend("cpu");
    const layer = tf.layers.maxPooling1d({ poolSize: pool });
    const expected = run((a) => layer.apply(a) as tf.Tensor);
    await tf.setBackend("wasm");
    const actual = run((a) => maxPool1d(a as tf.Tensor3D, pool));
    expect(actual.value).toEqual(expected.value);
    actual.grad.forEach((g, i) => expect(g).toBeCloseTo(expected.grad[i]!, 5));
  });
});
