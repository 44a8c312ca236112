import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildModel, parameterCount } from "./architectures.js";
import { presetSpec } from "./config.js";
import { ABLATION_PRESETS, wasm } from "./test-support.js";

beforeAll(wasm);

/** FNV-1a over float32 bytes, continuing from `hash`. */
function fnv1aUpdate(hash: number, values: Float32Array): number {
  for (const byte of new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

const fnv1a = (values: Float32Array): string => fnv1aUpdate(0x811c9dc5, values).toString(16);

/** FNV-1a over the float32 bytes of every weight, in layer order: any change of value or order shows. */
function fingerprint(model: tf.LayersModel): { sum: number; hash: string; count: number } {
  let hash = 0x811c9dc5;
  let sum = 0;
  let count = 0;
  for (const w of model.getWeights()) {
    const values = w.dataSync() as Float32Array;
    hash = fnv1aUpdate(hash, values);
    for (const v of values) sum += v;
    count += values.length;
  }
  return { sum: Number(sum.toFixed(6)), hash: hash.toString(16), count };
}

describe("presets", () => {
  // Computed with the fixed architectures of commit d24e3c2: the presets must stay bit-identical at a seed.
  const PINNED = {
    ffn: { sum: -15.216537, hash: "8a39d50e", count: 1585 },
    cnn: { sum: 11.9402, hash: "6fe66852", count: 10545 },
    bilstm: { sum: -2.810503, hash: "e0f412a2", count: 8769 },
    "bilstm-attention": { sum: -10.489881, hash: "be5a58b", count: 12994 },
  } as const;
  // At the reference's 500 points. Our LSTM has one bias vector per direction where PyTorch's has two
  // (b_ih + b_hh): the reference model is 13,250 parameters in PyTorch, 12,994 here (13,250 with init: pytorch).
  const PARAMETERS_AT_500 = { ffn: 12_049, cnn: 10_545, bilstm: 8_769, "bilstm-attention": 12_994 } as const;

  it.each(ABLATION_PRESETS)("%s has today's initial weights at seed 7 (64 points)", (name) => {
    const model = buildModel(presetSpec(name), { numPoints: 64, seed: 7 });
    expect(fingerprint(model)).toEqual(PINNED[name]);
    model.dispose();
  });

  it.each(ABLATION_PRESETS)("%s has today's parameter count at 500 points", (name) => {
    const model = buildModel(presetSpec(name), { numPoints: 500, seed: 1 });
    expect(parameterCount(model)).toBe(PARAMETERS_AT_500[name]);
    model.dispose();
  });

  // Outputs on tf.randomNormal([3, 64, 1], seed 5) at seed 7, hashed as the weights, computed before models took
  // channels and classes: a binary single-channel model is the same model, bit for bit.
  const PINNED_OUTPUTS = { ffn: "937c241f", cnn: "c8e818bb", bilstm: "42f0999e", "bilstm-attention": "1b776930" } as const;

  it.each(ABLATION_PRESETS)("%s with 1 channel and 2 classes has today's weights and outputs, bit for bit", (name) => {
    const model = buildModel(presetSpec(name), { numPoints: 64, seed: 7, numChannels: 1, numClasses: 2 });
    expect(fingerprint(model)).toEqual(PINNED[name]);
    const out = tf.tidy(() => (model.predict(tf.randomNormal([3, 64, 1], 0, 1, "float32", 5)) as tf.Tensor).dataSync() as Float32Array);
    expect(out).toHaveLength(3);
    expect(fnv1a(out)).toBe(PINNED_OUTPUTS[name]);
    model.dispose();
  });

  it("bilstm-attention under init: pytorch has PyTorch's parameter count, its two LSTM bias vectors each trained", () => {
    const model = buildModel({ ...presetSpec("bilstm-attention"), init: "pytorch" }, { numPoints: 500, seed: 1 });
    expect(parameterCount(model)).toBe(13_250);
    model.dispose();
  });
});
