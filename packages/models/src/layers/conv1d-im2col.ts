import * as tf from "@tensorflow/tfjs";

export interface Conv1DIm2colArgs {
  filters: number;
  kernelSize: number;
  /** Seed of the kernel's Glorot-uniform initializer, so a run's initial weights are reproducible. */
  seed: number;
  name?: string;
}

/**
 * A 1-D convolution ('same' padding, stride 1) written as im2col: k shifted slices concatenated along
 * the channels, then one matrix product. The wasm backend lacks Conv2DBackpropFilter, so tf.layers'
 * conv1d cannot train there; every op used here has a wasm gradient, and matMul is wasm's fastest op.
 */
export class Conv1DIm2col extends tf.layers.Layer {
  static readonly className = "Conv1DIm2col";
  readonly filters: number;
  readonly kernelSize: number;
  readonly seed: number;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: Conv1DIm2colArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    this.kernel = this.addWeight(
      "kernel",
      [this.kernelSize * channels, this.filters],
      "float32",
      tf.initializers.glorotUniform({ seed: this.seed }),
    );
    this.bias = this.addWeight("bias", [this.filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      return conv1dIm2col(x, this.kernel!.read() as tf.Tensor2D, this.bias!.read() as tf.Tensor1D, this.kernelSize);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, seed: this.seed };
  }
}
tf.serialization.registerClass(Conv1DIm2col);

/** x [B, T, C] * kernel [k*C, F] (rows ordered tap-major, then channel) + bias → [B, T, F]. */
export function conv1dIm2col(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D, kernelSize: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, steps, channels] = x.shape;
    const left = Math.floor((kernelSize - 1) / 2);
    const padded = tf.pad(x, [
      [0, 0],
      [left, kernelSize - 1 - left],
      [0, 0],
    ]);
    const taps = Array.from({ length: kernelSize }, (_, i) => tf.slice(padded, [0, i, 0], [batch, steps, channels]));
    const patches = kernelSize === 1 ? taps[0]! : tf.concat(taps, 2);
    const out = tf.matMul(patches.reshape([batch * steps, kernelSize * channels]), kernel);
    return tf.add(out, bias).reshape([batch, steps, kernel.shape[1]]);
  });
}
