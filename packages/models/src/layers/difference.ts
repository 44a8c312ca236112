import * as tf from "@tensorflow/tfjs";

/** x [B, T, C] → the change from each step to the next, [B, T, C], with 0 at the first step. */
export function difference(x: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, steps, channels] = x.shape;
    if (steps < 2) return tf.zerosLike(x);
    const later = tf.slice(x, [0, 1, 0], [batch, steps - 1, channels]);
    const earlier = tf.slice(x, [0, 0, 0], [batch, steps - 1, channels]);
    return tf.concat([tf.zeros([batch, 1, channels]), tf.sub(later, earlier)], 1) as tf.Tensor3D;
  });
}

/**
 * The first difference of each series as the model's first layer (no weights). A flat segment becomes
 * a run of exact zeros and its end a jump, where the raw series changes by as little as 0.025 a step
 * (amplitude 1, one period over 250 steps): a recurrent model no longer has to compare each input with
 * one it saw before to find it.
 */
export class Difference extends tf.layers.Layer {
  static readonly className = "Difference";

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return difference((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D);
  }
}
tf.serialization.registerClass(Difference);
