import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { GlobalMeanPooling1D } from "./mean-pooling.js";

describe("GlobalMeanPooling1D", () => {
  // Its op, meanOverTime, is tested against tf.mean (value and gradient, bit for bit) in @tsa/kernels.
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
