import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import type { AttentionWeights } from "./ops.js";

/** Tests run on the wasm backend, the default of machines without tfjs-node. */
export async function useWasm(): Promise<void> {
  if (tf.getBackend() !== "wasm") await tf.setBackend("wasm");
  await tf.ready();
}

/** Largest |a − b| / max(1, |b|) over two arrays. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)));
  }
  return worst;
}

/** The attention head as separate tf ops: the composition the fused op must equal. */
export function attentionReference(h: tf.Tensor3D, w: AttentionWeights): { context: tf.Tensor2D; alpha: tf.Tensor2D } {
  const [batch, steps, features] = h.shape;
  const hidden = tf.tanh(tf.add(tf.matMul(h.reshape([batch * steps, features]), w.w1), w.b1));
  const scores = tf.add(tf.matMul(hidden, w.w2), w.b2).reshape([batch, steps]);
  const alpha = tf.softmax(scores, -1) as tf.Tensor2D;
  const context = tf.sum(tf.mul(h, alpha.expandDims(2)), 1) as tf.Tensor2D;
  return { context, alpha };
}

/**
 * A bidirectional LSTM unrolled with plain tf ops (gates i, f, c, o; true sigmoid): a second reference,
 * for sequences of length 1, where tf.layers' RNN gradient fails ("stack must be a Tensor[]").
 */
export function lstmReference(
  x: tf.Tensor3D,
  directions: Array<{ kernel: tf.Tensor; recurrentKernel: tf.Tensor; bias: tf.Tensor }>,
): tf.Tensor3D {
  const [batch, steps] = x.shape;
  const outputs = directions.map((w, d) => {
    const H = w.recurrentKernel.shape[0] as number;
    let h: tf.Tensor = tf.zeros([batch, H]);
    let c: tf.Tensor = tf.zeros([batch, H]);
    const states: tf.Tensor[] = new Array(steps);
    for (let s = 0; s < steps; s++) {
      const t = d === 0 ? s : steps - 1 - s;
      const xt = tf.slice(x, [0, t, 0], [batch, 1, -1]).reshape([batch, -1]);
      const z = tf.add(
        tf.add(tf.matMul(xt, w.kernel as tf.Tensor2D), tf.matMul(h as tf.Tensor2D, w.recurrentKernel as tf.Tensor2D)),
        w.bias,
      );
      const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
      h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
      states[t] = h;
    }
    return tf.stack(states, 1);
  });
  return tf.concat(outputs, 2) as tf.Tensor3D;
}

/** A 'same' 1-D convolution as im2col with tf ops (shifted slices, one matMul): the fused op's reference. */
export function conv1dReference(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D, kernelSize: number): tf.Tensor3D {
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
}
