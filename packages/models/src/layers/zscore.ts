import * as tf from "@tensorflow/tfjs";

export interface ZScoreArgs {
  /** Added to the variance before the square root, so a constant series gives zeros, not NaN. */
  epsilon?: number;
  name?: string;
}

/** x [B, T, C] standardised per series and channel over its steps: (x − mean) / √(var + ε). */
export function zscore(x: tf.Tensor3D, epsilon: number): tf.Tensor3D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, 1, true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))) as tf.Tensor3D;
  });
}

/**
 * Each series standardised on its own (mean 0, std 1 over its time steps) as the model's first layer,
 * so training, validation and test series are treated alike. No weights.
 */
export class ZScore extends tf.layers.Layer {
  static readonly className = "ZScore";
  readonly epsilon: number;

  constructor(args: ZScoreArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    this.epsilon = args.epsilon ?? 1e-5;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return zscore((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D, this.epsilon);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(ZScore);
