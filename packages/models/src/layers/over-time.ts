import * as tf from "@tensorflow/tfjs";

/** A layer that pools [B, T, C] over its steps into [B, C]: the global max and mean poolings. */
export abstract class PoolingOverTime extends tf.layers.Layer {
  protected abstract pool(x: tf.Tensor3D): tf.Tensor2D;

  constructor(args: { name?: string } = {}) {
    super(args);
    // As tf.layers' global poolings: an input of another rank is refused where the model is built.
    this.inputSpec = [{ ndim: 3 }];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return this.pool((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D);
  }
}
