import * as tf from "@tensorflow/tfjs";

/**
 * max over one axis (kept) with tf.max's gradient (every element equal to the maximum gets dy),
 * computed with the mask 1 − sign(max − x): wasm's broadcasting Equal, which tf.max's gradient uses,
 * took about 140 ms for [32, 125, 48], and its MaxPoolGrad about 20 ms a CNN step.
 */
function maxKeepDims(x: tf.Tensor, axis: number): tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const max = tf.max(input, axis, true);
    save([input, max]);
    return {
      value: max,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, m] = saved as [tf.Tensor, tf.Tensor];
        return [tf.mul(tf.sub(1, tf.sign(tf.sub(m, xs))), dy)];
      },
    };
  });
  return op(x) as tf.Tensor;
}

/** Global max pooling: [B, T, C] → [B, C]. */
export function maxOverTime(x: tf.Tensor3D): tf.Tensor2D {
  return tf.squeeze(maxKeepDims(x, 1), [1]) as tf.Tensor2D;
}

/**
 * Max pooling over non-overlapping windows of `poolSize` steps ('valid': a remainder is dropped), as
 * tf.layers.maxPooling1d. A tie inside a window gives each tied step dy (tf.maxPool gives it to one);
 * after a ReLU ties are zeros, whose gradient the ReLU stops anyway.
 */
export function maxPool1d(x: tf.Tensor3D, poolSize: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, steps, channels] = x.shape;
    const windows = Math.floor(steps / poolSize);
    const used = windows * poolSize === steps ? x : tf.slice(x, [0, 0, 0], [batch, windows * poolSize, channels]);
    return maxKeepDims(used.reshape([batch, windows, poolSize, channels]), 2).reshape([batch, windows, channels]) as tf.Tensor3D;
  });
}

/** tf.layers.globalMaxPooling1d on `maxOverTime`. */
export class GlobalMaxPooling1DMasked extends tf.layers.Layer {
  static readonly className = "GlobalMaxPooling1DMasked";

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return maxOverTime((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D);
  }
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
