import * as tf from "@tensorflow/tfjs";
import { ArrayPool } from "./array-pool.js";
import { kernels } from "./select.js";
import { kernelOutputs, readValues } from "./tensor-values.js";

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

const f32 = readValues;

/**
 * customGrad's arguments: the input tensors, then the function that keeps tensors for the gradient.
 * Inputs are re-read from the kept tensors in the gradient, since heap views do not outlive allocations.
 */
function splitArgs(args: Array<tf.Tensor | tf.GradSaveFunc>): { inputs: tf.Tensor[]; save: tf.GradSaveFunc } {
  return { inputs: args.slice(0, -1) as tf.Tensor[], save: args[args.length - 1] as tf.GradSaveFunc };
}

/** True while tfjs records a gradient tape (inside tf.grad, variableGrads, optimizer.minimize). */
const recordingGradients = (): boolean => tf.engine().state.gradientDepth > 0;

/**
 * A bidirectional LSTM over all steps in one fused op: x [B, T, F] → [B, T, 2H], the forward states then
 * the backward states at each step (tf.layers.bidirectional with mergeMode 'concat'). Gates i, f, c, o
 * with true sigmoids. The gradient (BPTT) runs in the same kernel implementation.
 */
export function bidirectionalLstm(x: tf.Tensor3D, fwd: LstmWeights, bwd: LstmWeights): tf.Tensor3D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const { inputs, save } = splitArgs(args);
    const [xt, , uf] = inputs;
    const [batch, steps, features] = xt!.shape as [number, number, number];
    const units = uf!.shape[0] as number;
    const shape = { batch, steps, features, units };
    const implementation = kernels();
    const read = (t: tf.Tensor[]) => ({
      x: f32(t[0]!),
      fwd: { kernel: f32(t[1]!), recurrent: f32(t[2]!), bias: f32(t[3]!) },
      bwd: { kernel: f32(t[4]!), recurrent: f32(t[5]!), bias: f32(t[6]!) },
    });
    const p = read(inputs);
    // Outside tf.grad / minimize no gradient can be asked for: skip the tape (inference, validation).
    const { y, tape } = implementation.lstmForward(shape, p.x, p.fwd, p.bwd, recordingGradients());
    save(inputs);
    return {
      value: tf.tensor3d(y, [batch, steps, 2 * units]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        if (tape === null) throw new Error("bidirectionalLstm: a gradient was asked of a forward pass run outside a gradient tape");
        const q = read(saved);
        const g = implementation.lstmBackward(shape, q.x, q.fwd, q.bwd, tape, y, f32(dy));
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

/**
 * One LSTM direction, forward in time, over all steps in one fused op: x [B, T, F] → states [B, T, H]
 * (tf.layers.lstm with returnSequences), gates i, f, c, o with true sigmoids; BPTT in the same kernels.
 */
export function lstm(x: tf.Tensor3D, w: LstmWeights): tf.Tensor3D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const { inputs, save } = splitArgs(args);
    const [xt, , ut] = inputs;
    const [batch, steps, features] = xt!.shape as [number, number, number];
    const units = ut!.shape[0] as number;
    const shape = { batch, steps, features, units };
    const implementation = kernels();
    const read = (t: tf.Tensor[]) => ({ x: f32(t[0]!), p: { kernel: f32(t[1]!), recurrent: f32(t[2]!), bias: f32(t[3]!) } });
    const { x: xs, p } = read(inputs);
    const { y, tape } = implementation.lstmForwardOne(shape, xs, p, recordingGradients());
    save(inputs);
    return {
      value: tf.tensor3d(y, [batch, steps, units]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        if (tape === null) throw new Error("lstm: a gradient was asked of a forward pass run outside a gradient tape");
        const q = read(saved);
        const g = implementation.lstmBackwardOne(shape, q.x, q.p, tape, y, f32(dy));
        const G = 4 * units;
        return [
          tf.tensor3d(g.dx, [batch, steps, features]),
          tf.tensor2d(g.params.kernel, [features, G]),
          tf.tensor2d(g.params.recurrent, [units, G]),
          tf.tensor1d(g.params.bias),
        ];
      },
    };
  });
  return op(x, w.kernel, w.recurrentKernel, w.bias) as tf.Tensor3D;
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
    const { inputs, save } = splitArgs(args);
    const shape = attentionShape(inputs[0] as tf.Tensor3D, w);
    const implementation = kernels();
    const read = (t: tf.Tensor[]) => ({ h: f32(t[0]!), p: { w1: f32(t[1]!), b1: f32(t[2]!), w2: f32(t[3]!), b2: f32(t[4]!) } });
    const { h, p } = read(inputs);
    const forward = implementation.attentionForward(shape, h, p);
    save(inputs);
    return {
      value: tf.tensor2d(forward.context, [shape.batch, shape.features]),
      gradFunc: (dContext: tf.Tensor, saved: tf.Tensor[]) => {
        // dh (as large as h) is written straight into a tensor's memory.
        const dh = kernelOutputs([[shape.batch, shape.steps, shape.features]]);
        const q = read(saved);
        const g = implementation.attentionBackward(shape, q.h, q.p, forward, f32(dContext), dh.values[0]);
        return [
          dh.tensors()[0]!,
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

/**
 * A 1-D convolution in one op, 'same' padding (⌊(K−1)/2⌋ zeros on the left, as tf.conv1d), stride 1:
 * x [B, T, C], kernel [K·C, F] (rows tap-major, then channel: tf's [K, C, F] flattened), bias [F] →
 * [B, T, F], with gradients to x, kernel and bias. The wasm backend has no Conv2DBackpropFilter.
 * `activation: "relu"` fuses the ReLU that follows a convolution in a CNN: the same values and gradients as
 * tf.relu after it (its gradient passes where the output is > 0), without a tfjs op and its gradient's two
 * over the whole output.
 */
export function conv1dSame(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  kernelSize: number,
  activation: "linear" | "relu" = "linear",
): tf.Tensor3D {
  const relu = activation === "relu";
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const { inputs, save } = splitArgs(args);
    const [xt, kt, bt] = inputs;
    const [batch, steps, channels] = xt!.shape as [number, number, number];
    const filters = kt!.shape[1] as number;
    const shape = { batch, steps, channels, filters, kernelSize };
    const implementation = kernels();
    const outputs = kernelOutputs([[batch, steps, filters]]);
    implementation.conv1dForward(shape, f32(xt!), f32(kt!), f32(bt!), relu, outputs.values[0]);
    const out = outputs.tensors()[0]!;
    // A fused ReLU's gradient reads the output.
    save(relu ? [...inputs, out] : inputs);
    return {
      value: out as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ks, , os] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const grads = kernelOutputs([[batch, steps, channels], [kernelSize * channels, filters], [filters]]);
        const [dx, dk, db] = grads.values as [Float32Array, Float32Array, Float32Array];
        implementation.conv1dBackward(shape, f32(xs), f32(ks), f32(dy), os === undefined ? undefined : f32(os), {
          dx,
          kernel: dk,
          bias: db,
        });
        return grads.tensors();
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor3D;
}

/**
 * Max pooling over non-overlapping windows of `poolSize` steps ('valid': a remainder is dropped, as
 * tf.layers.maxPooling1d): x [B, T, C] → [B, ⌊T/poolSize⌋, C]; poolSize = T is the global max over time.
 * The gradient gives dy to every step equal to its window's max (tf.max's rule: tied steps each get it).
 * One op: tfjs' composition (a Max that transposes, then Sub, Sign and Mul over the whole input for the
 * gradient) cost several times the CNN's convolutions.
 */
export function maxPool1d(x: tf.Tensor3D, poolSize: number): tf.Tensor3D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const xt = splitArgs(args).inputs[0]!;
    const [batch, steps, channels] = xt.shape as [number, number, number];
    const shape = { batch, steps, channels, poolSize };
    const implementation = kernels();
    const outputs = kernelOutputs([[batch, Math.floor(steps / poolSize), channels]]);
    // The mask (a byte a step, in JS memory, reused from batch to batch) is all the gradient reads: nothing
    // is saved, so no tensor is copied.
    const mask = masks.take(batch * steps * channels);
    implementation.maxPoolForward(shape, f32(xt), outputs.values[0], mask);
    // Outside a gradient tape no gradient will read it.
    if (!recordingGradients()) masks.give(mask);
    return {
      value: outputs.tensors()[0] as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor) => {
        const grads = kernelOutputs([[batch, steps, channels]]);
        implementation.maxPoolBackward(shape, mask, f32(dy), grads.values[0]);
        masks.give(mask);
        return grads.tensors();
      },
    };
  });
  return op(x) as tf.Tensor3D;
}

/**
 * The mean over time: x [B, T, C] → [B, C], with tf.mean's value and gradient bit for bit. The value is
 * tf.mean's; the gradient (dy / T at every step) is written straight into its output tensor, a row copied
 * per step. tf.mean's own gradient fills a ones tensor of x's shape, multiplies dy into it and divides the
 * whole by T (three passes over [B, T, C]), and tfjs' tile on wasm is slower still; (dy · 1) / T and dy / T
 * are the same float.
 */
export function meanOverTime(x: tf.Tensor3D): tf.Tensor2D {
  const [batch, steps, channels] = x.shape;
  const op = tf.customGrad((input) => ({
    value: tf.mean(input as tf.Tensor, 1),
    gradFunc: (dy: tf.Tensor) => {
      const scaled = tf.div(dy, steps);
      const grads = kernelOutputs([[batch, steps, channels]], { zeroed: false });
      const rows = readValues(scaled);
      const out = grads.values[0]!;
      for (let b = 0; b < batch; b++) {
        const row = rows.subarray(b * channels, (b + 1) * channels);
        for (let t = 0; t < steps; t++) out.set(row, (b * steps + t) * channels);
      }
      scaled.dispose();
      return grads.tensors();
    },
  }));
  return op(x) as tf.Tensor2D;
}

/**
 * Batch normalisation in training, in one op: x [..., C] → γ (x − mean) / √(variance + ε) + β over every
 * position but the channel, by the batch's own mean and biased variance (tf.moments'), with `activation:
 * "relu"` max(0, ·) of that; the batch's statistics come back beside it for the moving averages (outside
 * the gradient). tfjs' own composition spent most of an FCN step in its gradient, which tiles each
 * channel's statistics to the whole input's shape several times.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  activation: "linear" | "relu" = "linear",
): { y: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const relu = activation === "relu";
  const channels = x.shape[x.shape.length - 1] as number;
  const shape = { rows: x.size / channels, channels, epsilon };
  let statistics: { mean: Float32Array; variance: Float32Array } | null = null;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const { inputs, save } = splitArgs(args);
    const [xt, gt, bt] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
    const implementation = kernels();
    const outputs = kernelOutputs([xt.shape]);
    const batch = { mean: new Float32Array(channels), variance: new Float32Array(channels) };
    implementation.batchNormForward(shape, f32(xt), f32(gt), f32(bt), relu, { y: outputs.values[0]!, ...batch });
    statistics = batch;
    const y = outputs.tensors()[0]!;
    // A fused ReLU's gradient reads the output.
    save(relu ? [xt, gt, y] : [xt, gt]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, gs, ys] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        const grads = kernelOutputs([xt.shape, [channels], [channels]]);
        const [dx, dGamma, dBeta] = grads.values as [Float32Array, Float32Array, Float32Array];
        implementation.batchNormBackward(shape, f32(xs), f32(gs), batch, ys === undefined ? undefined : f32(ys), f32(dy), {
          dx,
          gamma: dGamma,
          beta: dBeta,
        });
        return grads.tensors();
      },
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor;
  const { mean, variance } = statistics!;
  return { y, mean: tf.tensor1d(mean), variance: tf.tensor1d(variance) };
}

// Max pooling's masks, one per call in flight.
const masks = new ArrayPool<Uint8Array>((n) => new Uint8Array(n), 4);
