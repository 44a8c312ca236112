import * as tf from "@tensorflow/tfjs";
import { maxPool1d } from "@tsa/kernels";
import { PoolingOverTime } from "./over-time.js";

/**
 * Global max pooling: [B, T, C] → [B, C], with tf.max's gradient (every step equal to the maximum gets
 * dy). The kernels' one-pass op: wasm's broadcasting Equal, which tf.max's gradient uses, took about 140
 * ms for [32, 125, 48], and tfjs' own composition still cost several times the CNN's convolutions.
 */
export function maxOverTime(x: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, steps, channels] = x.shape;
    return tf.reshape(maxPool1d(x, steps), [batch, channels]) as tf.Tensor2D;
  });
}

// Max pooling over windows of steps, as tf.layers.maxPooling1d with tf.max's gradient (tied steps each get
// dy; tf.maxPool gives it to one, and wasm's MaxPoolGrad misroutes it over several channels).
export { maxPool1d } from "@tsa/kernels";

/** tf.layers.globalMaxPooling1d on `maxOverTime`. */
export class GlobalMaxPooling1DMasked extends PoolingOverTime {
  static readonly className = "GlobalMaxPooling1DMasked";
  protected pool = maxOverTime;
}
tf.serialization.registerClass(GlobalMaxPooling1DMasked);

export interface MaxPooling1DMaskedArgs {
  poolSize: number;
  name?: string;
}

/** tf.layers.maxPooling1d (stride = poolSize, 'valid') on `maxPool1d`. */
export class MaxPooling1DMasked extends tf.layers.Layer {
  static readonly className = "MaxPooling1DMasked";
  readonly poolSize: number;

  constructor(args: MaxPooling1DMaskedArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.poolSize = args.poolSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    const steps = shape[1];
    return [shape[0] ?? null, steps === null || steps === undefined ? null : Math.floor(steps / this.poolSize), shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return maxPool1d((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D, this.poolSize);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize };
  }
}
tf.serialization.registerClass(MaxPooling1DMasked);
