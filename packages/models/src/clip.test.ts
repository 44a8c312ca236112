import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { wasm } from "./test-support.js";
import { clipByGlobalNorm } from "./train.js";

beforeAll(async () => {
  await wasm();
});

describe("clipByGlobalNorm", () => {
  it("scales all gradients together so that their joint norm is the limit", () => {
    // ‖(3, 4)‖ = 5: clipped to 1, each is divided by 5 (PyTorch adds 1e-6 to the norm).
    const clipped = clipByGlobalNorm({ a: tf.tensor1d([3]), b: tf.tensor2d([[4, 0]]) }, 1);
    expect(clipped.a!.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(clipped.b!.dataSync())).toEqual([expect.closeTo(0.8, 5), 0]);
  });

  it("leaves gradients under the limit as they are", () => {
    const clipped = clipByGlobalNorm({ a: tf.tensor1d([3, -4]) }, 10);
    expect(Array.from(clipped.a!.dataSync())).toEqual([3, -4]);
  });
});
