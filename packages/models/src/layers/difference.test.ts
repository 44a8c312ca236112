import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { wasm } from "../test-support.js";
import { difference } from "./difference.js";

beforeAll(async () => {
  await wasm();
});

describe("difference", () => {
  it("gives each step minus the one before, 0 at the first step, per series and channel", () => {
    const x = tf.tensor3d([
      [[1], [3], [3], [3], [0]],
      [[2], [2], [5], [4], [4]],
    ]);
    expect(difference(x).arraySync()).toEqual([
      [[0], [2], [0], [0], [-3]],
      [[0], [0], [3], [-1], [0]],
    ]);
    x.dispose();
  });

  it("turns a flat segment into exact zeros", () => {
    const values = Array.from({ length: 20 }, (_, j) => 5 * Math.sin(j / 5));
    values.fill(values[8]!, 8, 14);
    const x = tf.tensor3d(values, [1, 20, 1]);
    const d = Array.from(difference(x).dataSync());
    expect(d.slice(9, 14)).toEqual([0, 0, 0, 0, 0]);
    expect(d.slice(1, 8).every((v) => v !== 0)).toBe(true);
    x.dispose();
  });
});
