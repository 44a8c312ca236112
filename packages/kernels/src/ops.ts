import * as tf from "@tensorflow/tfjs";
import { kernels } from "./select.js";

/** One LSTM direction's parameters as tensors: kernel [F, 4H], recurrent kernel [H, 4H], bias [4H]. */
export interface LstmWeights {
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** The attention head's parameters: w1 [D, A], b1 [A], w2 [A, 1], b2 [1]. */
export interface AttentionWeights {
  w1: tf.Tensor2D;
  b1: tf.Tensor1D;
  w2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

const f32 = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

/**
 * A bidirectional LSTM over all steps in one fused op: x [B, T, F] → [B, T, 2H], the forward states then
 * the backward states at each step (tf.layers.bidirectional with mergeMode 'concat'). Gates i, f, c, o
 * with true sigmoids. The gradient (BPTT) runs in the same kernel implementation.
 */
export function bidirectionalLstm(x: tf.Tensor3D, fwd: LstmWeights, bwd: LstmWeights): tf.Tensor3D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xt, kf, uf, bf, kb, ub, bb] = args as tf.Tensor[];
    const [batch, steps, features] = xt!.shape as [number, number, number];
    const units = uf!.shape[0] as number;
    const shape = { batch, steps, features, units };
    const implementation = kernels();
    const xs = f32(xt!);
    const pf = { kernel: f32(kf!), recurrent: f32(uf!), bias: f32(bf!) };
    const pb = { kernel: f32(kb!), recurrent: f32(ub!), bias: f32(bb!) };
    const { y, tape } = implementation.lstmForward(shape, xs, pf, pb);
    return {
      value: tf.tensor3d(y, [batch, steps, 2 * units]),
      gradFunc: (dy: tf.Tensor) => {
        const g = implementation.lstmBackward(shape, xs, pf, pb, tape, y, f32(dy));
        const G = 4 * units;
        return [
          tf.tensor3d(g.dx, [batch, steps, features]),
          tf.tensor2d(g.forward.kernel, [features, G]),
          tf.tensor2d(g.forward.recurrent, [units, G]),
          tf.tensor1d(g.forward.bias),
          tf.tensor2d(g.backward.kernel, [features, G]),
          tf.tensor2d(g.backward.recurrent, [units, G]),
          tf.tensor1d(g.backward.bias),
        ];
      },
    };
  });
  return op(x, fwd.kernel, fwd.recurrentKernel, fwd.bias, bwd.kernel, bwd.recurrentKernel, bwd.bias) as tf.Tensor3D;
}

function attentionShape(h: tf.Tensor3D, w: AttentionWeights) {
  const [batch, steps, features] = h.shape;
  return { batch, steps, features, units: w.w1.shape[1] };
}

/**
 * Attention pooling in one fused op: score_t = tanh(h_t W1 + b1) W2 + b2, α = softmax over t,
 * context = Σ_t α_t h_t. h [B, T, D] → context [B, D], with gradients to h and every weight.
 */
export function attentionPooling(h: tf.Tensor3D, w: AttentionWeights): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [ht, w1, b1, w2, b2] = args as tf.Tensor[];
    const shape = attentionShape(ht as tf.Tensor3D, w);
    const implementation = kernels();
    const hs = f32(ht!);
    const p = { w1: f32(w1!), b1: f32(b1!), w2: f32(w2!), b2: f32(b2!) };
    const forward = implementation.attentionForward(shape, hs, p);
    return {
      value: tf.tensor2d(forward.context, [shape.batch, shape.features]),
      gradFunc: (dContext: tf.Tensor) => {
        const g = implementation.attentionBackward(shape, hs, p, forward, f32(dContext));
        return [
          tf.tensor3d(g.dh, [shape.batch, shape.steps, shape.features]),
          tf.tensor2d(g.w1, [shape.features, shape.units]),
          tf.tensor1d(g.b1),
          tf.tensor2d(g.w2, [shape.units, 1]),
          tf.tensor1d(g.b2),
        ];
      },
    };
  });
  return op(h, w.w1, w.b1, w.w2, w.b2) as tf.Tensor2D;
}

/** The attention weights α [B, T] alone (inference: no gradient). */
export function attentionScores(h: tf.Tensor3D, w: AttentionWeights): tf.Tensor2D {
  const shape = attentionShape(h, w);
  const p = { w1: f32(w.w1), b1: f32(w.b1), w2: f32(w.w2), b2: f32(w.b2) };
  const { alpha } = kernels().attentionForward(shape, f32(h), p);
  return tf.tensor2d(alpha, [shape.batch, shape.steps]);
}
