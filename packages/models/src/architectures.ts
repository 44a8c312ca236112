import * as tf from "@tensorflow/tfjs";
import { AttentionPooling, FusedBidirectionalLSTM, FusedLSTM, torchUniform } from "@tsa/kernels";
import type { Encoder, ModelSpec, Pooling } from "./model-spec.js";
import { BIAS_SEED_OFFSET, convolution, batchNormalization, residualBlock, width, type Seeds } from "./convolutions.js";
import { LastState } from "./layers/last-state.js";
import { GlobalMaxPooling1DMasked, MaxPooling1DMasked } from "./layers/max-pooling.js";
import { GlobalMeanPooling1D } from "./layers/mean-pooling.js";
import { Difference } from "./layers/difference.js";
import { ZScore } from "./layers/zscore.js";

export interface ModelOptions {
  numPoints: number;
  /** Channels of each step of the input (1, the default: a univariate series). */
  numChannels?: number;
  /** Classes (2, the default: one logit for sigmoid + binary cross-entropy; K > 2: K logits for softmax). */
  numClasses?: number;
  /** Seeds every initializer, so the same seed gives the same initial weights. */
  seed: number;
}

/** Layer names the attention extraction and tests look up. */
export const ENCODER_LAYER = "encoder";
export const ATTENTION_LAYER = "attention";

type Symbolic = tf.SymbolicTensor;

/**
 * Builds the classifier a spec describes: normalize → encoder → pooling → [dense ReLU] → logits, from
 * [batch, numPoints, numChannels]. Two classes get one logit (binary cross-entropy on logits, the
 * reference's Sigmoid + BCELoss fused for stability); K > 2 get K logits (softmax cross-entropy).
 * Initializer seeds are drawn from the run seed in that order (encoder, pooling, hidden, logits), so each
 * preset is exactly the fixed architecture it was, weights included.
 */
export function buildModel(spec: ModelSpec, options: ModelOptions): tf.LayersModel {
  const input = tf.input({ shape: [options.numPoints, options.numChannels ?? 1], name: "series" });
  const seeds = seedSequence(options.seed);
  const series = normalizeInput(input, spec.normalize);
  const states = ENCODERS[spec.encoder](series, spec, seeds);
  const pooled = POOLINGS[spec.pooling](states, spec, seeds);
  const hidden = spec.hidden > 0 ? dense(spec.hidden, pooled, seeds(), spec.init, "relu") : pooled;
  const logits = dense(logitCount(options.numClasses ?? 2), hidden, seeds(), spec.init);
  return tf.model({ inputs: input, outputs: logits, name: `${spec.encoder}_${spec.pooling}`.replaceAll("-", "_") });
}

/** Outputs of the head: one logit for two classes (sigmoid), one per class otherwise (softmax). */
export function logitCount(numClasses: number): number {
  return numClasses === 2 ? 1 : numClasses;
}

function normalizeInput(input: Symbolic, normalize: ModelSpec["normalize"]): Symbolic {
  switch (normalize) {
    case "none":
      return input;
    case "zscore":
      return new ZScore({ name: "normalize" }).apply(input) as Symbolic;
    case "diff":
      return new Difference({ name: "normalize" }).apply(input) as Symbolic;
  }
}

/** Distinct, reproducible initializer seeds derived from the run seed. */
function seedSequence(seed: number): Seeds {
  let next = seed * 1000;
  return () => next++;
}

/** Dense layer: Glorot-uniform kernel and zero bias (keras), or both uniform ±1/√fan_in (nn.Linear). */
function dense(units: number, x: Symbolic, seed: number, init: ModelSpec["init"], activation?: "relu"): Symbolic {
  const fanIn = width(x);
  const initializers =
    init === "keras"
      ? { kernelInitializer: tf.initializers.glorotUniform({ seed }) }
      : { kernelInitializer: torchUniform(fanIn, seed), biasInitializer: torchUniform(fanIn, seed + BIAS_SEED_OFFSET) };
  return tf.layers.dense({ units, ...(activation === undefined ? {} : { activation }), ...initializers }).apply(x) as Symbolic;
}

type Part = (x: Symbolic, spec: ModelSpec, seeds: Seeds) => Symbolic;

const ENCODERS: Record<Encoder, Part> = {
  none: (x) => x,
  // 'same' convolutions (with batch normalisation if asked) and ReLU, max pooling between blocks:
  // position-free detectors.
  cnn: (input, spec, seeds) =>
    blocks(input, spec, (x, filters, i) => {
      // The ReLU runs inside the op before it: the convolution's, or the batch normalisation's.
      if (spec.batchNorm !== true) return convolution(x, filters, spec.kernelSizes[i]!, seeds(), spec.init, "relu");
      return batchNormalization(convolution(x, filters, spec.kernelSizes[i]!, seeds(), spec.init), spec.init, "relu");
    }),
  resnet: (input, spec, seeds) => blocks(input, spec, (x, filters) => residualBlock(x, filters, spec.kernelSizes, seeds, spec.init)),
  lstm: (x, spec, seeds) =>
    new FusedLSTM({ units: spec.units, seed: seeds(), biasVectors: lstmBiasVectors(spec), name: ENCODER_LAYER }).apply(x) as Symbolic,
  bilstm: (x, spec, seeds) =>
    new FusedBidirectionalLSTM({ units: spec.units, seed: seeds(), biasVectors: lstmBiasVectors(spec), name: ENCODER_LAYER }).apply(
      x,
    ) as Symbolic,
};

/** One block per entry of `filters`, max pooling (poolSize > 1) between consecutive blocks. */
function blocks(input: Symbolic, spec: ModelSpec, block: (x: Symbolic, filters: number, i: number) => Symbolic): Symbolic {
  let x = input;
  spec.filters.forEach((filters, i) => {
    x = block(x, filters, i);
    if (i < spec.filters.length - 1 && spec.poolSize > 1) x = new MaxPooling1DMasked({ poolSize: spec.poolSize }).apply(x) as Symbolic;
  });
  return x;
}

/** nn.LSTM's two bias vectors are drawn and summed under PyTorch's initialisation; today's draws one. */
const lstmBiasVectors = (spec: ModelSpec): 1 | 2 => (spec.init === "pytorch" ? 2 : 1);

const globalMax = (x: Symbolic) => new GlobalMaxPooling1DMasked({}).apply(x) as Symbolic;
const globalMean = (x: Symbolic) => new GlobalMeanPooling1D({}).apply(x) as Symbolic;

const POOLINGS: Record<Pooling, Part> = {
  flatten: (x) => tf.layers.flatten().apply(x) as Symbolic,
  mean: globalMean,
  max: globalMax,
  "max-mean": (x) => tf.layers.concatenate().apply([globalMax(x), globalMean(x)]) as Symbolic,
  last: (x, spec) => new LastState({ directions: spec.encoder === "bilstm" ? 2 : 1 }).apply(x) as Symbolic,
  // The reference's head: score MLP → softmax over time → Σ α·h. Its weights are uniform ±1/√fan_in
  // (nn.Linear's default) under either init.
  attention: (x, spec, seeds) =>
    new AttentionPooling({ units: spec.attentionUnits, seed: seeds(), name: ATTENTION_LAYER }).apply(x) as Symbolic,
};

/** Trainable parameter count, for keeping the baselines' budgets honest. */
export function parameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}
