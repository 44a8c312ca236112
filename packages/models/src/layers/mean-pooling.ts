import * as tf from "@tensorflow/tfjs";
import { meanOverTime } from "@tsa/kernels";
import { PoolingOverTime } from "./over-time.js";

/** tf.layers.globalAveragePooling1d on the kernels' `meanOverTime` (tf.mean's value and gradient bit for bit, the gradient in one pass). */
export class GlobalMeanPooling1D extends PoolingOverTime {
  static readonly className = "GlobalMeanPooling1D";
  protected pool = meanOverTime;
}
tf.serialization.registerClass(GlobalMeanPooling1D);
