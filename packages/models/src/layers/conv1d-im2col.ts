import * as tf from "@tensorflow/tfjs";
import { conv1dSame } from "@tsa/kernels";

export interface Conv1DIm2colArgs {
  filters: number;
  kernelSize: number;
  /** Seed of the kernel's Glorot-uniform initializer, so a run's initial weights are reproducible. */
  seed: number;
  /** Overrides of the Glorot-uniform kernel (seeded by `seed`) and zero bias, e.g. PyTorch's defaults. */
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  /** "relu": max(0, ·) of the output, fused into the convolution's op (the CNN's conv → ReLU). */
  activation?: "linear" | "relu";
  name?: string;
}

type Initializer = ReturnType<typeof tf.initializers.zeros>;

/**
 * A 1-D convolution ('same' padding, stride 1) with the kernel stored im2col-style ([k·C, F], rows
 * tap-major). The wasm backend lacks Conv2DBackpropFilter, so tf.layers' conv1d cannot train there; the
 * fused op of @tsa/kernels (native or TypeScript) computes it and its gradient. (The im2col composition
 * of tf ops it replaces spent ~170 ms a batch at the reference shape in slice/concat/matMul gradients.)
 * The class name stays for saved models.
 */
export class Conv1DIm2col extends tf.layers.Layer {
  static readonly className = "Conv1DIm2col";
  readonly filters: number;
  readonly kernelSize: number;
  readonly seed: number;
  readonly activation: "linear" | "relu";
  private readonly initializers: { kernel: Initializer; bias: Initializer };
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: Conv1DIm2colArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.seed = args.seed;
    this.activation = args.activation ?? "linear";
    this.initializers = {
      kernel: args.kernelInitializer ?? tf.initializers.glorotUniform({ seed: args.seed }),
      bias: args.biasInitializer ?? tf.initializers.zeros(),
    };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    this.kernel = this.addWeight("kernel", [this.kernelSize * channels, this.filters], "float32", this.initializers.kernel);
    this.bias = this.addWeight("bias", [this.filters], "float32", this.initializers.bias);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      return conv1dSame(x, this.kernel!.read() as tf.Tensor2D, this.bias!.read() as tf.Tensor1D, this.kernelSize, this.activation);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, seed: this.seed, activation: this.activation };
  }
}
tf.serialization.registerClass(Conv1DIm2col);
