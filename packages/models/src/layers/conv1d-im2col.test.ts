import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { Conv1DIm2col } from "./conv1d-im2col.js";

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

/** The probe's input, kernel [k, C, F], bias and output weights, fixed by seed. */
function probeOf(c: Case) {
  return {
    x: tf.randomNormal<tf.Rank.R3>([c.batch, c.steps, c.channels], 0, 1, "float32", 1),
    kernel: tf.randomNormal<tf.Rank.R3>([c.kernelSize, c.channels, c.filters], 0, 0.5, "float32", 2),
    bias: tf.randomNormal<tf.Rank.R1>([c.filters], 0, 0.5, "float32", 3),
    weights: tf.randomNormal([c.batch, c.steps, c.filters], 0, 1, "float32", 4),
  };
}

/** tf.conv1d's output and gradients (input, kernel, bias) for the probe, as plain arrays. */
function reference(c: Case): number[][] {
  return tf.tidy(() => {
    const { x, kernel, bias, weights } = probeOf(c);
    // tf.conv1d 'same' pads (k-1)/2 on the left, rounding down, as the layer does.
    const conv = (xi: tf.Tensor, ki: tf.Tensor, bi: tf.Tensor) => tf.add(tf.conv1d(xi as tf.Tensor3D, ki as tf.Tensor3D, 1, "same"), bi);
    const grads = tf.grads((xi, ki, bi) => tf.sum(tf.mul(conv(xi, ki, bi), weights)))([x, kernel, bias]);
    return [conv(x, kernel, bias), ...grads].map((t) => Array.from(t.dataSync()));
  });
}

/** The layer's output and gradients (input, its kernel and bias variables) for the probe, as plain arrays. */
function layerOutputAndGrads(c: Case): number[][] {
  return tf.tidy(() => {
    const { x, kernel, bias, weights } = probeOf(c);
    const layer = new Conv1DIm2col({ filters: c.filters, kernelSize: c.kernelSize, seed: 0 });
    layer.build([c.batch, c.steps, c.channels]);
    // The layer's kernel rows are tap-major then channel: exactly [k, C, F] flattened.
    layer.setWeights([kernel.reshape([c.kernelSize * c.channels, c.filters]), bias]);
    const input = tf.variable(x);
    const [kernelVariable, biasVariable] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const output = () => layer.apply(input) as tf.Tensor;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(output(), weights)) as tf.Scalar, [input, kernelVariable!, biasVariable!]);
    const values = [output(), grads[input.name]!, grads[kernelVariable!.name]!, grads[biasVariable!.name]!].map((t) =>
      Array.from(t.dataSync()),
    );
    // Variables outlive tidy; the layer has no model to dispose it.
    tf.dispose([input, kernelVariable!, biasVariable!]);
    return values;
  });
}

describe("Conv1DIm2col", () => {
  it.each(CASES)("on wasm matches tf.conv1d on cpu, output and gradients: %j", async (c) => {
    await tf.setBackend("cpu");
    const expected = reference(c);
    await tf.setBackend("wasm");
    const actual = layerOutputAndGrads(c);
    expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
    actual.forEach((values, i) =>
      values.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[i]![j]!)))),
    );
  });
});
