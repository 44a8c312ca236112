import * as tf from "@tensorflow/tfjs";
import { batchNormTraining } from "@tsa/kernels";

export interface FusedBatchNormalizationArgs {
  /** How much of a moving average stays at each training batch (tf.keras' 0.99; PyTorch's momentum 0.1 is 0.9). */
  momentum: number;
  epsilon: number;
  /** "relu": max(0, ·) of the output, fused into the op (a convolution block's BN → ReLU). */
  activation?: "linear" | "relu";
  name?: string;
}

/**
 * Batch normalisation over the last axis, as tf.layers.batchNormalization (γ = 1, β = 0, moving mean 0 and
 * variance 1 to start; the same weights in the same order): in training it normalises by the batch's mean
 * and biased variance and moves the moving averages towards them; in inference it normalises by the moving
 * averages. Training runs the kernels' fused op: tfjs' gradient of its own spent most of an FCN step.
 */
export class FusedBatchNormalization extends tf.layers.Layer {
  static readonly className = "FusedBatchNormalization";
  readonly momentum: number;
  readonly epsilon: number;
  readonly activation: "linear" | "relu";
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private movingMean: tf.LayerVariable | null = null;
  private movingVariance: tf.LayerVariable | null = null;

  constructor(args: FusedBatchNormalizationArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.momentum = args.momentum;
    this.epsilon = args.epsilon;
    this.activation = args.activation ?? "linear";
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = [shape[shape.length - 1] as number];
    this.gamma = this.addWeight("gamma", channels, "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", channels, "float32", tf.initializers.zeros());
    this.movingMean = this.addWeight("moving_mean", channels, "float32", tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight("moving_variance", channels, "float32", tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return inputShape as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
      const gamma = this.gamma!.read() as tf.Tensor1D;
      const beta = this.beta!.read() as tf.Tensor1D;
      if (kwargs.training !== true) {
        const y = tf.batchNorm(
          x,
          this.movingMean!.read() as tf.Tensor1D,
          this.movingVariance!.read() as tf.Tensor1D,
          beta,
          gamma,
          this.epsilon,
        );
        return this.activation === "relu" ? tf.relu(y) : y;
      }
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, this.epsilon, this.activation);
      // As tf.layers: moving ← moving − (moving − batch)·(1 − momentum).
      for (const [moving, batch] of [
        [this.movingMean!, mean],
        [this.movingVariance!, variance],
      ] as const) {
        const current = moving.read();
        moving.write(tf.sub(current, tf.mul(tf.sub(current, batch), 1 - this.momentum)));
      }
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, activation: this.activation };
  }
}
tf.serialization.registerClass(FusedBatchNormalization);
