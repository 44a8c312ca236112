import * as tf from "@tensorflow/tfjs";
import type { LabelledSplit } from "@tsa/data";
import { ATTENTION_LAYER } from "./architectures.js";
import { AttentionPooling } from "@tsa/kernels";
import { MaxPooling1DMasked } from "./layers/max-pooling.js";
import type { AttentionSample, ClassificationMetrics } from "./types.js";

const CHUNK = 256;

/** True for built models with an attention layer (attention pooling, whatever the encoder). */
export function modelHasAttention(model: tf.LayersModel): boolean {
  return model.layers.some((layer) => layer.name === ATTENTION_LAYER);
}

/**
 * The attention weights α [n, T] the model gives each series of x [n, T, C]: whatever feeds the
 * attention layer (encoder states, CNN features or the series itself) through its score function.
 * Where the encoder pools over time (the CNN), a step's weight is spread evenly over the series steps it
 * covers, so α still sums to 1 over the series. Throws for models without attention.
 */
export function attentionWeights(model: tf.LayersModel, x: tf.Tensor3D): Float32Array {
  const attention = model.getLayer(ATTENTION_LAYER);
  if (!(attention instanceof AttentionPooling)) throw new Error(`model '${model.name}' has no attention layer`);
  const encoder = tf.model({ inputs: model.inputs, outputs: attention.input as tf.SymbolicTensor });
  const stride = model.layers.reduce((s, layer) => (layer instanceof MaxPooling1DMasked ? s * layer.poolSize : s), 1);
  const [n, steps] = x.shape;
  const out = new Float32Array(n * steps);
  for (let start = 0; start < n; start += CHUNK) {
    const size = Math.min(CHUNK, n - start);
    const alpha = tf.tidy(() => {
      const h = encoder.predict(tf.slice(x, [start, 0, 0], [size, -1, -1])) as tf.Tensor3D;
      return attention.attention(h).dataSync();
    });
    if (stride === 1) out.set(alpha, start * steps);
    else spreadOverSteps(alpha, size, stride, out.subarray(start * steps, (start + size) * steps), steps);
  }
  return out;
}

/** α over pooled steps [n, T'] → [n, T]: each weight shared by the `stride` steps it pooled. */
function spreadOverSteps(alpha: ArrayLike<number>, n: number, stride: number, out: Float32Array, steps: number): void {
  const pooled = alpha.length / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < pooled; j++) {
      const share = (alpha[i * pooled + j] as number) / stride;
      for (let t = j * stride; t < Math.min(steps, (j + 1) * stride); t++) out[i * steps + t] = share;
    }
  }
}

/**
 * Where attention looks, over the anomalous series: the mean share of α inside the true window, and the
 * share of series whose α peaks inside it. A model that found the flat segment scores near 1 on both.
 * Null for splits without known windows (archive problems) or without anomalous series.
 */
export function attentionLocalisation(
  alpha: Float32Array,
  split: LabelledSplit,
): Pick<ClassificationMetrics, "attentionMassInWindow" | "attentionPeakInWindow"> {
  const T = split.numPoints;
  const windows = split.windows;
  if (windows === null) return { attentionMassInWindow: null, attentionPeakInWindow: null };
  let anomalous = 0;
  let mass = 0;
  let peaks = 0;
  for (let i = 0; i < split.n; i++) {
    const start = windows[2 * i] as number;
    const end = windows[2 * i + 1] as number;
    if (start < 0) continue;
    anomalous++;
    let peak = 0;
    for (let t = 0; t < T; t++) {
      const a = alpha[i * T + t] as number;
      if (t >= start && t < end) mass += a;
      if (a > (alpha[i * T + peak] as number)) peak = t;
    }
    if (peak >= start && peak < end) peaks++;
  }
  return anomalous === 0
    ? { attentionMassInWindow: null, attentionPeakInWindow: null }
    : { attentionMassInWindow: mass / anomalous, attentionPeakInWindow: peaks / anomalous };
}

/**
 * The first `perClass` series of each class of the split (normal, then anomalous, for the anomaly task), with
 * their weights, for the report. A multichannel series shows its first channel.
 */
export function attentionSamples(alpha: Float32Array, split: LabelledSplit, perClass = 3): AttentionSample[] {
  const T = split.numPoints;
  const C = split.numChannels;
  const samples: AttentionSample[] = [];
  const taken = new Array<number>(split.numClasses).fill(0);
  for (let i = 0; i < split.n && taken.some((count) => count < perClass); i++) {
    const label = split.labels[i]!;
    if (taken[label]! >= perClass) continue;
    taken[label]!++;
    const start = split.windows?.[2 * i] ?? -1;
    samples.push({
      seriesIndex: split.indices[i] as number,
      label,
      window: start < 0 ? null : [start, split.windows![2 * i + 1] as number],
      signal: Array.from({ length: T }, (_, t) => split.x[(i * T + t) * C] as number),
      weights: Array.from(alpha.subarray(i * T, (i + 1) * T)),
    });
  }
  return samples;
}
