import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { conv1dIm2col } from "./conv1d-im2col.js";

interface Case {
  batch: number;
  steps: number;
  channels: number;
  filters: number;
  kernelSize: number;
}

const CASES: Case[] = [
  { batch: 1, steps: 5, channels: 1, filters: 1, kernelSize: 1 },
  { batch: 2, steps: 9, channels: 1, filters: 4, kernelSize: 7 },
  { batch: 3, steps: 16, channels: 5, filters: 3, kernelSize: 4 },
  { batch: 4, steps: 32, channels: 16, filters: 8, kernelSize: 5 },
];

/** Output and gradients (input, kernel, bias) of `conv` for a fixed probe, as plain arrays. */
function outputAndGrads(c: Case, conv: (x: tf.Tensor3D, k: tf.Tensor3D, b: tf.Tensor1D) => tf.Tensor3D) {
  return tf.tidy(() => {
    const x = tf.randomNormal([c.batch, c.steps, c.channels], 0, 1, "float32", 1) as tf.Tensor3D;
    const k = tf.randomNormal([c.kernelSize, c.channels, c.filters], 0, 0.5, "float32", 2) as tf.Tensor3D;
    const b = tf.randomNormal([c.filters], 0, 0.5, "float32", 3) as tf.Tensor1D;
    const probe = tf.randomNormal([c.batch, c.steps, c.filters], 0, 1, "float32", 4);
    const f = (xi: tf.Tensor, ki: tf.Tensor, bi: tf.Tensor) =>
      tf.sum(tf.mul(conv(xi as tf.Tensor3D, ki as tf.Tensor3D, bi as tf.Tensor1D), probe));
    const grads = tf.grads(f)([x, k, b]);
    return [conv(x, k, b), ...grads].map((t) => Array.from(t.dataSync()));
  });
}

describe("conv1dIm2col", () => {
  it.each(CASES)("on wasm matches tf.conv1d on cpu, output and gradients: %j", async (c) => {
    await tf.setBackend("cpu");
    // tf.conv1d 'same' pads (k-1)/2 on the left, rounding down, as conv1dIm2col does.
    const expected = outputAndGrads(c, (x, k, b) => tf.add(tf.conv1d(x, k, 1, "same"), b));
    await tf.setBackend("wasm");
    const actual = outputAndGrads(c, (x, k, b) =>
      // im2col's kernel rows are tap-major then channel: exactly [k, C, F] flattened.
      conv1dIm2col(x, k.reshape([c.kernelSize * c.channels, c.filters]) as tf.Tensor2D, b, c.kernelSize),
    );
    expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
    actual.forEach((values, i) =>
      values.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[i]![j]!)))),
    );
  });
});
