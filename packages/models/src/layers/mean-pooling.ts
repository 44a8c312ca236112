import * as tf from "@tensorflow/tfjs";
import { meanOverTime } from "@tsa/kernels";
import { PoolingOverTime } from "./over-time.js";

// Global mean pooling with tf.mean's value and gradient bit for bit, the gradient in one pass (@tsa/kernels).
export { meanOverTime } from "@tsa/kernels";

/** tf.layers.globalAveragePooling1d on `meanOverTime`. */
export class GlobalMeanPooling1D extends PoolingOverTime {
  static readonly className = "GlobalMeanPooling1D";
  protected pool = meanOverTime;
}
tf.serialization.registerClass(GlobalMeanPooling1D);
