import * as tf from "@tensorflow/tfjs";
import { makeRng, resolveDataConfig, type DataConfig, type LabelledSplit, type SplitName } from "@tsa/data";
import { selectBackend, type BackendInfo } from "./backend.js";
import { ENCODERS, INITS, ModelSpecSchema, NORMALIZATIONS, POOLINGS, type ModelSpec, type PresetName } from "./config.js";

/** The four presets of the ablation (the archive's fcn and resnet are tested on their own: they are large). */
export const ABLATION_PRESETS = ["ffn", "cnn", "bilstm", "bilstm-attention"] as const satisfies readonly PresetName[];

/** Every models test runs on wasm, the default backend of a machine without tfjs-node. */
export async function wasm(): Promise<BackendInfo> {
  return selectBackend("wasm");
}

/** A small, easy task: short series with long flat segments, big enough to learn in a few epochs. */
export function easyData(overrides: Partial<DataConfig> = {}): DataConfig {
  return resolveDataConfig({ size: 240, numPoints: 32, length: [0.3, 0.5], ...overrides });
}

export function tensorCount(): number {
  return tf.memory().numTensors;
}

/** Every combination of the enumerated parts, with default sizes. */
export function allCombinations(): ModelSpec[] {
  return ENCODERS.flatMap((encoder) =>
    POOLINGS.flatMap((pooling) =>
      NORMALIZATIONS.flatMap((normalize) => INITS.map((init) => ModelSpecSchema.safeParse({ encoder, pooling, normalize, init }))),
    ),
  )
    .filter((r) => r.success)
    .map((r) => r.data!);
}

/**
 * A small K-class, C-channel problem as labelled splits: class k is a sine of frequency k + 1 on channel
 * k mod C, the other channels noise; every split has the classes in turn (balanced).
 */
export function toyMulticlass(
  sizes: Record<SplitName, number>,
  shape: { numPoints: number; numChannels: number; numClasses: number },
  seed = 1,
): Record<SplitName, LabelledSplit> {
  const rng = makeRng(seed, "toy-multiclass");
  const { numPoints: T, numChannels: C, numClasses: K } = shape;
  const split = (n: number): LabelledSplit => {
    const x = new Float32Array(n * T * C);
    const labels = Int32Array.from({ length: n }, (_, i) => i % K);
    for (let i = 0; i < n; i++) {
      const k = labels[i]!;
      const phase = rng.uniform() * 2 * Math.PI;
      for (let t = 0; t < T; t++) {
        for (let c = 0; c < C; c++) {
          const signal = c === k % C ? Math.sin(((k + 1) * 2 * Math.PI * t) / T + phase) : 0;
          x[(i * T + t) * C + c] = signal + 0.2 * rng.gaussian();
        }
      }
    }
    return {
      x,
      labels,
      n,
      numPoints: T,
      numChannels: C,
      numClasses: K,
      windows: null,
      indices: Int32Array.from({ length: n }, (_, i) => i),
    };
  };
  return { train: split(sizes.train), val: split(sizes.val), test: split(sizes.test) };
}

/** Value and gradient of f at x, for the fixed weights `probe` on its output, as plain arrays. */
export function valueAndGrad(f: (a: tf.Tensor) => tf.Tensor, x: tf.Tensor, probe: tf.Tensor) {
  return {
    value: Array.from(f(x).dataSync()),
    grad: Array.from(
      tf
        .grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), probe)))(x)
        .dataSync(),
    ),
  };
}
