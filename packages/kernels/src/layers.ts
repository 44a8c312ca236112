import * as tf from "@tensorflow/tfjs";
import { attentionPooling, attentionScores, bidirectionalLstm, lstm, type AttentionWeights, type LstmWeights } from "./ops.js";

/** PyTorch's default for nn.LSTM and nn.Linear: every parameter uniform in ±1/√fan, seeded here. */
export function torchUniform(fan: number, seed: number): ReturnType<typeof tf.initializers.randomUniform> {
  const bound = 1 / Math.sqrt(fan);
  return tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed });
}

export interface FusedBidirectionalLSTMArgs {
  /** Hidden units per direction (the reference: 32). */
  units: number;
  /** Seeds the initializers, so a run's initial weights are reproducible. */
  seed: number;
  /**
   * PyTorch's nn.LSTM has two bias vectors (b_ih, b_hh), each uniform ±1/√units and each trained; the
   * fused kernel adds their sum. 1 (the default, today's models) has one vector. 2 has both, as PyTorch:
   * the same initial sum, and since each gets the full gradient, Adam moves the sum twice as far a step
   * as one vector would (and the parameter count is PyTorch's).
   */
  biasVectors?: 1 | 2;
  name?: string;
}

type LstmVariables = { kernel: tf.LayerVariable; recurrent: tf.LayerVariable; bias: tf.LayerVariable; secondBias?: tf.LayerVariable };

/**
 * One direction's variables, every one uniform ±1/√units from seeds base, base+1, base+2 (and, with two
 * bias vectors, `secondBiasSeed` for the second).
 */
type AddWeight = (name: string, shape: number[], init: ReturnType<typeof torchUniform>) => tf.LayerVariable;

function addLstmDirection(
  add: AddWeight,
  prefix: string,
  features: number,
  units: number,
  base: number,
  biasVectors: 1 | 2,
  secondBiasSeed: number,
): LstmVariables {
  const G = 4 * units;
  const init = (k: number) => torchUniform(units, base + k);
  const kernel = add(`${prefix}kernel`, [features, G], init(0));
  const recurrent = add(`${prefix}recurrent_kernel`, [units, G], init(1));
  const bias = add(`${prefix}bias`, [G], init(2));
  if (biasVectors === 1) return { kernel, recurrent, bias };
  return { kernel, recurrent, bias, secondBias: add(`${prefix}bias_hh`, [G], torchUniform(units, secondBiasSeed)) };
}

/** What the fused LSTM layers share: their arguments, their variables per direction, their config. */
abstract class FusedLstmLayer extends tf.layers.Layer {
  readonly units: number;
  readonly seed: number;
  readonly biasVectors: 1 | 2;
  protected directions: LstmVariables[] = [];

  constructor(
    args: FusedBidirectionalLSTMArgs,
    private readonly directionCount: 1 | 2,
  ) {
    super(args.name === undefined ? {} : { name: args.name });
    this.units = args.units;
    this.seed = args.seed;
    this.biasVectors = args.biasVectors ?? 1;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const features = shape[shape.length - 1] as number;
    const add: AddWeight = (name, weightShape, init) => this.addWeight(name, weightShape, "float32", init);
    const prefixes = this.directionCount === 2 ? ["forward_", "backward_"] : [""];
    // Seeds seed·8 + 0…5 for the weights of (up to) two directions, + 6, 7 for their second bias draws.
    this.directions = prefixes.map((prefix, d) =>
      addLstmDirection(add, prefix, features, this.units, this.seed * 8 + d * 3, this.biasVectors, this.seed * 8 + 6 + d),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.directionCount * this.units];
  }

  protected weightsOf(d: 0 | 1): LstmWeights {
    const w = this.directions[d]!;
    return {
      kernel: w.kernel.read() as tf.Tensor2D,
      recurrentKernel: w.recurrent.read() as tf.Tensor2D,
      bias: (w.secondBias === undefined ? w.bias.read() : tf.add(w.bias.read(), w.secondBias.read())) as tf.Tensor1D,
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed, biasVectors: this.biasVectors };
  }
}

/**
 * A bidirectional LSTM layer backed by the fused kernel: [B, T, F] → [B, T, 2·units], returning every
 * step. Initialised like the reference's PyTorch nn.LSTM (uniform ±1/√units for all parameters).
 */
export class FusedBidirectionalLSTM extends FusedLstmLayer {
  static readonly className = "FusedBidirectionalLSTM";

  constructor(args: FusedBidirectionalLSTMArgs) {
    super(args, 2);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return bidirectionalLstm(x, this.weightsOf(0), this.weightsOf(1));
  }
}
tf.serialization.registerClass(FusedBidirectionalLSTM);

export type FusedLSTMArgs = FusedBidirectionalLSTMArgs;

/**
 * A single LSTM direction backed by the fused kernel: [B, T, F] → [B, T, units], forward in time,
 * returning every step. Initialised like PyTorch's nn.LSTM, as FusedBidirectionalLSTM's forward half.
 */
export class FusedLSTM extends FusedLstmLayer {
  static readonly className = "FusedLSTM";

  constructor(args: FusedLSTMArgs) {
    super(args, 1);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return lstm((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D, this.weightsOf(0));
  }
}
tf.serialization.registerClass(FusedLSTM);

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
  private params: { w1: tf.LayerVariable; b1: tf.LayerVariable; w2: tf.LayerVariable; b2: tf.LayerVariable } | null = null;

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
