// `--profile`: where a bilstm-attention epoch goes. Each layer (and the loss + Adam update) is timed
// forward + backward on its own, on a reference-shaped batch (32 × 500), with gradients for its weights
// and its input as training computes them; "framework" is the measured training step minus the parts
// (tape bookkeeping, tensor copies in and out of the kernels, tidy), and the validation pass is measured.
import * as tf from "@tensorflow/tfjs";
import { buildModel, presetSpec } from "@tsa/models";
import type { EpochMeasurement } from "./epoch.js";
import { REFERENCE, median } from "./scale.js";

export interface ProfileRow {
  part: string;
  msPerBatch: number;
}

const REPEATS = 10;

function timeMs(fn: () => void): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Forward + backward of `layer` on `input`, with gradients of its weights (and of the input when asked). */
function layerStep(layer: tf.layers.Layer, input: tf.Tensor, inputGradient: boolean): () => void {
  return () =>
    tf.tidy(() => {
      const x = inputGradient ? tf.variable(input) : input;
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
        inputGradient ? [x as tf.Variable, ...vars] : vars,
      );
      value.dataSync();
      Object.values(grads).forEach((g) => g.dataSync());
      if (x instanceof tf.Variable) x.dispose();
    });
}

/** Per-batch cost of each part of a bilstm-attention training step, from measurements. */
export function profileBilstmAttention(epoch: EpochMeasurement): ProfileRow[] {
  const B = REFERENCE.batchSize;
  const T = REFERENCE.numPoints;
  const model = buildModel(presetSpec("bilstm-attention"), { numPoints: T, seed: 1 });
  const encoder = model.getLayer("encoder");
  const attention = model.getLayer("attention");
  const dense = model.layers[model.layers.length - 1]!;
  const data = tf.randomNormal([7000, T, 1]) as tf.Tensor3D;
  const labels = tf.randomUniform([7000, 1]).greater(0.5).cast("float32");
  const x = tf.randomNormal([B, T, 1]);
  const states = encoder.apply(x) as tf.Tensor;
  const context = attention.apply(states) as tf.Tensor;
  const optimizer = tf.train.adam(REFERENCE.lr);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const zeroGrads = Object.fromEntries(variables.map((v) => [v.name, tf.zerosLike(v)]));
  try {
    const rows: ProfileRow[] = [
      {
        part: "batch gather (x, y)",
        msPerBatch: timeMs(() =>
          tf.tidy(() => {
            const idx = tf.tensor1d(
              Int32Array.from({ length: B }, () => Math.floor(Math.random() * 7000)),
              "int32",
            );
            tf.gather(data, idx).dataSync();
            tf.gather(labels, idx).dataSync();
          }),
        ),
      },
      { part: "encoder: fused BiLSTM", msPerBatch: timeMs(layerStep(encoder, x, false)) },
      { part: "attention pooling", msPerBatch: timeMs(layerStep(attention, states, true)) },
      { part: "dense 64 → 1", msPerBatch: timeMs(layerStep(dense, context, true)) },
      {
        part: "loss + Adam update",
        msPerBatch: timeMs(() => {
          tf.tidy(() => {
            const logits = tf.variable(tf.randomNormal([B, 1]));
            const { value, grads } = tf.variableGrads(
              () => tf.losses.sigmoidCrossEntropy(labels.slice(0, B), logits) as tf.Scalar,
              [logits],
            );
            value.dataSync();
            grads[logits.name]!.dataSync();
            logits.dispose();
          });
          optimizer.applyGradients(zeroGrads);
          variables[0]!.dataSync();
        }),
      },
    ];
    const parts = rows.reduce((s, r) => s + r.msPerBatch, 0);
    rows.push({ part: "framework (tape, copies, tidy)", msPerBatch: Math.max(0, epoch.trainMsPerBatch - parts) });
    return rows;
  } finally {
    tf.dispose([data, labels, x, states, context, ...Object.values(zeroGrads)]);
    optimizer.dispose();
    model.dispose();
  }
}
