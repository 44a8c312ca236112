import * as tf from "@tensorflow/tfjs";
import { PoolingOverTime } from "./over-time.js";

/**
 * Global mean pooling: [B, T, C] → [B, C], tf.mean's value and gradient bit for bit. tf.mean's gradient
 * fills a ones tensor of x's shape, multiplies dy into it and divides the whole by T: three passes over
 * [B, T, C] (in the BiLSTM, more than its attention head costs). Here dy / T is computed once per [B, C]
 * and tiled over the steps; (dy · 1) / T and dy / T are the same float, so training is unchanged. Nor is
 * x kept for the backward pass, only its shape.
 */
export function meanOverTime(x: tf.Tensor3D): tf.Tensor2D {
  const [batch, steps, channels] = x.shape;
  const mean = tf.customGrad((input) => ({
    value: tf.mean(input as tf.Tensor, 1),
    gradFunc: (dy: tf.Tensor) => tf.tile(tf.reshape(tf.div(dy, steps), [batch, 1, channels]), [1, steps, 1]),
  }));
  return mean(x) as tf.Tensor2D;
}

/** tf.layers.globalAveragePooling1d on `meanOverTime`. */
export class GlobalMeanPooling1D extends PoolingOverTime {
  static readonly className = "GlobalMeanPooling1D";
  protected pool = meanOverTime;
}
tf.serialization.registerClass(GlobalMeanPooling1D);
