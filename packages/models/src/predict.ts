import * as tf from "@tensorflow/tfjs";

/** Rows per inference chunk: large enough to amortise op overhead, small enough for any series length. */
const CHUNK = 256;

/** The model's logits for every row of x [n, T, 1], computed in chunks. */
export function predictLogits(model: tf.LayersModel, x: tf.Tensor3D): Float32Array {
  const n = x.shape[0];
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    const values = tf.tidy(() => (model.predict(tf.slice(x, [start, 0, 0], [size, -1, -1])) as tf.Tensor).dataSync());
    out.set(values, start);
  }
  return out;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Mean binary cross-entropy and accuracy from logits, computed stably (log-sum-exp form). */
export function logitLoss(logits: Float32Array, labels: Uint8Array): { loss: number; accuracy: number } {
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
