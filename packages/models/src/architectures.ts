import * as tf from "@tensorflow/tfjs";
import type { ModelName } from "./config.js";
import { AttentionPooling, FusedBidirectionalLSTM } from "@tsa/kernels";
import { Conv1DIm2col } from "./layers/conv1d-im2col.js";
import { GlobalMaxPooling1DMasked, MaxPooling1DMasked } from "./layers/max-pooling.js";

export interface ModelOptions {
  numPoints: number;
  /** Seeds every initializer, so the same seed gives the same initial weights. */
  seed: number;
}

/** Hidden units per LSTM direction and of the attention MLP: the reference's 32 and 64. */
export const LSTM_UNITS = 32;
export const ATTENTION_UNITS = 64;
/** Layer names the attention extraction looks up. */
export const ENCODER_LAYER = "encoder";
export const ATTENTION_LAYER = "attention";

/**
 * Builds one of the four classifiers. All take [batch, numPoints, 1] and output one logit per series:
 * the loss is binary cross-entropy on logits, the reference's Sigmoid + BCELoss fused for stability.
 * Parameter budgets are kept within the same order (8–14k) so no baseline is starved.
 */
export function buildModel(name: ModelName, options: ModelOptions): tf.LayersModel {
  const input = tf.input({ shape: [options.numPoints, 1], name: "series" });
  const seeds = seedSequence(options.seed);
  const output = HEADS[name](input, seeds);
  return tf.model({ inputs: input, outputs: output, name: name.replace("-", "_") });
}

type Head = (input: tf.SymbolicTensor, seeds: () => number) => tf.SymbolicTensor;

const dense = (units: number, seed: number, activation?: "relu" | "tanh") =>
  tf.layers.dense({
    units,
    ...(activation === undefined ? {} : { activation }),
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
  });

const HEADS: Record<ModelName, Head> = {
  // Flatten → 24 ReLU units → logit: ~12k parameters at 500 points, every step weighted by position.
  ffn: (input, seeds) => {
    const flat = tf.layers.flatten().apply(input);
    const hidden = dense(24, seeds(), "relu").apply(flat);
    return dense(1, seeds()).apply(hidden) as tf.SymbolicTensor;
  },
  // Three 'same' convolutions (16, 32, 48 filters) with max pooling, then global max and mean pooling:
  // position-free detectors, ~14k parameters whatever the series length.
  cnn: (input, seeds) => {
    let x = input;
    const blocks: Array<[number, number]> = [
      [16, 7],
      [32, 5],
      [48, 5],
    ];
    blocks.forEach(([filters, kernelSize], i) => {
      x = new Conv1DIm2col({ filters, kernelSize, seed: seeds() }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.activation({ activation: "relu" }).apply(x) as tf.SymbolicTensor;
      if (i < blocks.length - 1) x = new MaxPooling1DMasked({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    });
    const pooled = tf.layers
      .concatenate()
      .apply([new GlobalMaxPooling1DMasked({}).apply(x), tf.layers.globalAveragePooling1d().apply(x)] as tf.SymbolicTensor[]);
    return dense(1, seeds()).apply(pooled) as tf.SymbolicTensor;
  },
  // BiLSTM (32 per direction) → mean over time → logit: attention's ablation with uniform weights.
  bilstm: (input, seeds) => {
    const states = new FusedBidirectionalLSTM({ units: LSTM_UNITS, seed: seeds(), name: ENCODER_LAYER }).apply(input);
    const pooled = tf.layers.globalAveragePooling1d().apply(states);
    return dense(1, seeds()).apply(pooled) as tf.SymbolicTensor;
  },
  // The reference: BiLSTM → score MLP (64 → 64 tanh → 1) → softmax over time → Σ α·h → logit.
  "bilstm-attention": (input, seeds) => {
    const states = new FusedBidirectionalLSTM({ units: LSTM_UNITS, seed: seeds(), name: ENCODER_LAYER }).apply(input);
    const context = new AttentionPooling({ units: ATTENTION_UNITS, seed: seeds(), name: ATTENTION_LAYER }).apply(states);
    return dense(1, seeds()).apply(context) as tf.SymbolicTensor;
  },
};

/** Distinct, reproducible initializer seeds derived from the run seed. */
function seedSequence(seed: number): () => number {
  let next = seed * 1000;
  return () => next++;
}

/** Trainable parameter count, for keeping the baselines' budgets honest. */
export function parameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}
