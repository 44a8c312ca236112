/**
 * The contract both kernel implementations (native addon, TypeScript) fulfil. Everything is plain
 * row-major Float32Array; buffers marked "out" are allocated by the caller and written in place.
 */

/** Shapes of a bidirectional LSTM call: batch, steps, input features, hidden units per direction. */
export interface LstmShape {
  batch: number;
  steps: number;
  features: number;
  units: number;
}

/** One direction's parameters: kernel [F, 4H], recurrent [H, 4H], bias [4H]; gate order i, f, c, o. */
export interface LstmParams {
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

/**
 * What the forward pass keeps for BPTT, per direction, indexed by time step (not processing order).
 * The backward pass may consume it (the native one writes each step's gate gradients over the gates).
 */
export interface LstmTape {
  /** [T, B, 4H]: activated gates i, f, g, o. */
  gates: [Float32Array, Float32Array];
  /** [T, B, H]: cell states. */
  cells: [Float32Array, Float32Array];
}

/** The tape of a single LSTM direction: gates [T, B, 4H], cells [T, B, H]. */
export interface LstmDirectionTape {
  gates: Float32Array;
  cells: Float32Array;
}

export interface LstmGradients {
  dx: Float32Array;
  forward: LstmParams;
  backward: LstmParams;
}

/** Attention shapes: batch, steps, state width D, score-MLP width A. */
export interface AttentionShape {
  batch: number;
  steps: number;
  features: number;
  units: number;
}

/** w1 [D, A], b1 [A], w2 [A], b2 [1]. */
export interface AttentionParamsArrays {
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

export interface AttentionForward {
  /** [B, D] */
  context: Float32Array;
  /** [B, T] */
  alpha: Float32Array;
  /** [B, T, A]: tanh(h W1 + b1), kept for the backward pass (which may consume it). */
  hidden: Float32Array;
}

export interface AttentionGradients {
  dh: Float32Array;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** A 1-D convolution, 'same' padding (⌊(K−1)/2⌋ zeros on the left), stride 1. */
export interface Conv1dShape {
  batch: number;
  steps: number;
  channels: number;
  filters: number;
  kernelSize: number;
}

/** Max pooling over windows of `poolSize` steps ('valid'): [B, T, C] → [B, ⌊T/poolSize⌋, C]. */
export interface MaxPoolShape {
  batch: number;
  steps: number;
  channels: number;
  poolSize: number;
}

/** Batch normalisation over `rows` rows of `channels` values (a batch's steps), ε added to the variance. */
export interface BatchNormShape {
  rows: number;
  channels: number;
  epsilon: number;
}

/** A training batch normalisation's output [N, C] and the batch's statistics [C] (variance biased). */
export interface BatchNormForward {
  y: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

/** Gradients of batch normalisation: dx [N, C], γ [C], β [C]. */
export interface BatchNormGradients {
  dx: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
}

/** Gradients of a 1-D convolution: dx [B, T, C], kernel [K·C, F], bias [F]. */
export interface Conv1dGradients {
  dx: Float32Array;
  kernel: Float32Array;
  bias: Float32Array;
}

export interface KernelImplementationApi {
  readonly name: "native" | "typescript";
  /** What the large products run on: "openblas <core>", "hand loops" (native without OpenBLAS) or "typescript loops". */
  readonly gemm: string;
  /**
   * x [B, T, F] → y [B, T, 2H] (forward states, then backward states, per step) and the tape; with
   * `keepTape: false` (inference: no gradient will be asked) the tape is null, which saves its memory.
   * With a tape, y and the tape belong to the implementation again once `lstmBackward` has read them (the
   * native one reuses their memory for the next batch).
   */
  lstmForward(
    shape: LstmShape,
    x: Float32Array,
    fwd: LstmParams,
    bwd: LstmParams,
    keepTape?: boolean,
  ): { y: Float32Array; tape: LstmTape | null };
  lstmBackward(
    shape: LstmShape,
    x: Float32Array,
    fwd: LstmParams,
    bwd: LstmParams,
    tape: LstmTape,
    y: Float32Array,
    dy: Float32Array,
  ): LstmGradients;
  /** One LSTM direction, forward in time: x [B, T, F] → y [B, T, H] and its tape (null without keepTape). */
  lstmForwardOne(shape: LstmShape, x: Float32Array, p: LstmParams, keepTape?: boolean): { y: Float32Array; tape: LstmDirectionTape | null };
  lstmBackwardOne(
    shape: LstmShape,
    x: Float32Array,
    p: LstmParams,
    tape: LstmDirectionTape,
    y: Float32Array,
    dy: Float32Array,
  ): { dx: Float32Array; params: LstmParams };
  attentionForward(shape: AttentionShape, h: Float32Array, p: AttentionParamsArrays): AttentionForward;
  attentionBackward(
    shape: AttentionShape,
    h: Float32Array,
    p: AttentionParamsArrays,
    forward: AttentionForward,
    dContext: Float32Array,
    /** Where to write dh [B, T, D] (zeroed by the caller), else a new array. */
    dh?: Float32Array,
  ): AttentionGradients;
  /**
   * x [B, T, C] * kernel [K·C, F] (rows tap-major, then channel) + bias [F] → [B, T, F]; with `relu`, max(0, ·)
   * of that. Written into `out` when given (every element), else into a new array.
   */
  conv1dForward(
    shape: Conv1dShape,
    x: Float32Array,
    kernel: Float32Array,
    bias: Float32Array,
    relu?: boolean,
    out?: Float32Array,
  ): Float32Array;
  /**
   * `reluOut`: the forward's output of a convolution with its ReLU fused, whose gradient passes dOut only
   * where it is > 0. Accumulated into `into` when given (zeroed by the caller), else into new arrays.
   */
  conv1dBackward(
    shape: Conv1dShape,
    x: Float32Array,
    kernel: Float32Array,
    dOut: Float32Array,
    reluOut?: Float32Array,
    into?: Conv1dGradients,
  ): Conv1dGradients;
  /**
   * The max of each window: x [B, T, C] → out [B, ⌊T/P⌋, C] (NaN propagates), and which steps hold it: mask
   * [B, T, C] is 1 where x equals its window's max (every tied step), else 0 — all the gradient needs. Both
   * written whole into the arrays given, else into new ones.
   */
  maxPoolForward(shape: MaxPoolShape, x: Float32Array, out?: Float32Array, mask?: Uint8Array): { out: Float32Array; mask: Uint8Array };
  /** dx [B, T, C] (written whole, into `dx` when given): dOut of the window where the mask is 1, else 0. */
  maxPoolBackward(shape: MaxPoolShape, mask: Uint8Array, dOut: Float32Array, dx?: Float32Array): Float32Array;
  /**
   * Training batch normalisation: y = γ (x − mean) / √(variance + ε) + β by the batch's own mean and biased
   * variance (as tf.moments), with `relu` max(0, ·) of that. Written whole into `into` when given.
   */
  batchNormForward(
    shape: BatchNormShape,
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    relu: boolean,
    into?: BatchNormForward,
  ): BatchNormForward;
  /** `reluOut`: the forward's y where the ReLU was fused (dy passes where it is > 0). Written whole into `into` when given. */
  batchNormBackward(
    shape: BatchNormShape,
    x: Float32Array,
    gamma: Float32Array,
    stats: { mean: Float32Array; variance: Float32Array },
    reluOut: Float32Array | undefined,
    dy: Float32Array,
    into?: BatchNormGradients,
  ): BatchNormGradients;
}
