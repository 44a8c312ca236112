import * as tf from "@tensorflow/tfjs";
import { resolveDataConfig, type DataConfig } from "@tsa/data";
import { selectBackend, type BackendInfo } from "./backend.js";
import { ENCODERS, INITS, ModelSpecSchema, NORMALIZATIONS, POOLINGS, type ModelSpec } from "./config.js";

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
