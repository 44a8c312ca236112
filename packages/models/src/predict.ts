import * as tf from "@tensorflow/tfjs";

/** Rows per inference chunk: large enough to amortise op overhead, small enough for any series length. */
const CHUNK = 256;

/** The model's logits for every row of x [n, T, C], computed in chunks: n values (one logit) or n × K, row-major. */
export function predictLogits(model: tf.LayersModel, x: tf.Tensor3D): Float32Array {
  const n = x.shape[0];
  const width = (model.outputs[0]!.shape[1] as number | null) ?? 1;
  const out = new Float32Array(n * width);
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    const values = tf.tidy(() => (model.predict(tf.slice(x, [start, 0, 0], [size, -1, -1])) as tf.Tensor).dataSync());
    out.set(values, start * width);
  }
  return out;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Each row of n × K logits turned into class probabilities (softmax, shifted by the row's maximum for stability). */
export function softmaxRows(logits: Float32Array, classes: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row + k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += out[row + k] = Math.exp(logits[row + k]! - max);
    for (let k = 0; k < classes; k++) out[row + k]! /= sum;
  }
  return out;
}

/**
 * Mean cross-entropy and accuracy from logits, computed stably: binary cross-entropy of one logit per case
 * (log-sum-exp form) for two classes, softmax cross-entropy of K logits per case otherwise.
 */
export function logitLoss(logits: Float32Array, labels: ArrayLike<number>, classes = 2): { loss: number; accuracy: number } {
  return classes === 2 ? binaryLogitLoss(logits, labels) : softmaxLogitLoss(logits, labels, classes);
}

function binaryLogitLoss(logits: Float32Array, labels: ArrayLike<number>): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i] as number;
    const y = labels[i] as number;
    loss += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    if ((z > 0 ? 1 : 0) === y) correct++;
  }
  return { loss: loss / logits.length, accuracy: correct / logits.length };
}

function softmaxLogitLoss(logits: Float32Array, labels: ArrayLike<number>, classes: number): { loss: number; accuracy: number } {
  const n = labels.length;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    let best = 0;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      if (logits[row + k]! > max) [max, best] = [logits[row + k]!, k];
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[row + k]! - max);
    // −log softmax of the true class: log Σ exp(z_k − max) − (z_y − max).
    loss += Math.log(sum) - (logits[row + labels[i]!]! - max);
    if (best === labels[i]) correct++;
  }
  return { loss: loss / n, accuracy: correct / n };
}
