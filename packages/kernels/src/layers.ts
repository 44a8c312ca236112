import * as tf from "@tensorflow/tfjs";
import { attentionPooling, attentionScores, bidirectionalLstm, type AttentionWeights, type LstmWeights } from "./ops.js";

/** PyTorch's default for nn.LSTM and nn.Linear: every parameter uniform in ±1/√fan, seeded here. */
function torchUniform(fan: number, seed: number): ReturnType<typeof tf.initializers.randomUniform> {
  const bound = 1 / Math.sqrt(fan);
  return tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed });
}

export interface FusedBidirectionalLSTMArgs {
  /** Hidden units per direction (the reference: 32). */
  units: number;
  /** Seeds the initializers, so a run's initial weights are reproducible. */
  seed: number;
  name?: string;
}

/**
 * A bidirectional LSTM layer backed by the fused kernel: [B, T, F] → [B, T, 2·units], returning every
 * step. Initialised like the reference's PyTorch nn.LSTM (uniform ±1/√units for all parameters).
 */
export class FusedBidirectionalLSTM extends tf.layers.Layer {
  static readonly className = "FusedBidirectionalLSTM";
  readonly units: number;
  readonly seed: number;
  private directions: Array<{ kernel: tf.LayerVariable; recurrent: tf.LayerVariable; bias: tf.LayerVariable }> = [];

  constructor(args: FusedBidirectionalLSTMArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const features = shape[shape.length - 1] as number;
    const G = 4 * this.units;
    this.directions = ["forward", "backward"].map((direction, d) => {
      const init = (k: number) => torchUniform(this.units, this.seed * 8 + d * 3 + k);
      return {
        kernel: this.addWeight(`${direction}_kernel`, [features, G], "float32", init(0)),
        recurrent: this.addWeight(`${direction}_recurrent_kernel`, [this.units, G], "float32", init(1)),
        bias: this.addWeight(`${direction}_bias`, [G], "float32", init(2)),
      };
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, 2 * this.units];
  }

  private weightsOf(d: 0 | 1): LstmWeights {
    const w = this.directions[d]!;
    return {
      kernel: w.kernel.read() as tf.Tensor2D,
      recurrentKernel: w.recurrent.read() as tf.Tensor2D,
      bias: w.bias.read() as tf.Tensor1D,
    };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return bidirectionalLstm(x, this.weightsOf(0), this.weightsOf(1));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed };
  }
}
tf.serialization.registerClass(FusedBidirectionalLSTM);

export interface AttentionPoolingArgs {
  /** Width of the score MLP's hidden layer (the reference: 64). */
  units: number;
  seed: number;
  name?: string;
}

/**
 * The reference's attention head as one fused op: [B, T, D] → context [B, D]. `attention(h)` gives the
 * weights α [B, T]. Initialised like PyTorch's nn.Linear (uniform ±1/√fan_in).
 */
export class AttentionPooling extends tf.layers.Layer {
  static readonly className = "AttentionPooling";
  readonly units: number;
  readonly seed: number;
  private params: { w1: tf.LayerVariable; b1: tf.LayerVariable; w2: tf.LayerVariable; b2: tf.LayerVariable } | null =
    null;

  constructor(args: AttentionPoolingArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const features = shape[shape.length - 1] as number;
    const s = this.seed * 8;
    this.params = {
      w1: this.addWeight("w1", [features, this.units], "float32", torchUniform(features, s)),
      b1: this.addWeight("b1", [this.units], "float32", torchUniform(features, s + 1)),
      w2: this.addWeight("w2", [this.units, 1], "float32", torchUniform(this.units, s + 2)),
      b2: this.addWeight("b2", [1], "float32", torchUniform(this.units, s + 3)),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  /** The current weights as tensors (owned by the layer's variables: do not dispose). */
  weightsAsTensors(): AttentionWeights {
    const p = this.params!;
    return {
      w1: p.w1.read() as tf.Tensor2D,
      b1: p.b1.read() as tf.Tensor1D,
      w2: p.w2.read() as tf.Tensor2D,
      b2: p.b2.read() as tf.Tensor1D,
    };
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const h = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return attentionPooling(h, this.weightsAsTensors());
  }

  /** α [B, T] for hidden states h [B, T, D]. */
  attention(h: tf.Tensor3D): tf.Tensor2D {
    return attentionScores(h, this.weightsAsTensors());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed };
  }
}
tf.serialization.registerClass(AttentionPooling);
