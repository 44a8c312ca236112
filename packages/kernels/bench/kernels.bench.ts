// Kernel micro-benchmark at the reference batch shape: B=32, T=500, hidden 32 per direction, attention
// MLP 64. Prints ms per batch (forward + backward) for each implementation and the ratios between them.
// Usage: node --import tsx bench/kernels.bench.ts [--steps 500] [--repeats 5]
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { parseArgs } from "node:util";
import { kernels, typescriptKernels, type KernelImplementationApi } from "../src/index.js";
import { attentionReference } from "../src/test-support.js";

const { values } = parseArgs({ options: { steps: { type: "string", default: "500" }, repeats: { type: "string", default: "5" } } });
const [B, T, F, H, A] = [32, Number(values.steps), 1, 32, 64];
const repeats = Number(values.repeats);
await tf.setBackend("wasm");

const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 0.2 - 0.1);
const lstm = { kernel: rand(F * 4 * H), recurrent: rand(H * 4 * H), bias: rand(4 * H) };
const x = rand(B * T * F);
const h = rand(B * T * 2 * H);
const att = { w1: rand(2 * H * A), b1: rand(A), w2: rand(A), b2: rand(1) };

function time(fn: () => void, n = repeats): number {
  fn();
  const start = performance.now();
  for (let i = 0; i < n; i++) fn();
  return (performance.now() - start) / n;
}

function lstmStep(k: KernelImplementationApi) {
  const shape = { batch: B, steps: T, features: F, units: H };
  const { y, tape } = k.lstmForward(shape, x, lstm, lstm, true);
  k.lstmBackward(shape, x, lstm, lstm, tape!, y, y);
}
function lstmOneStep(k: KernelImplementationApi) {
  const shape = { batch: B, steps: T, features: F, units: H };
  const { y, tape } = k.lstmForwardOne(shape, x, lstm, true);
  k.lstmBackwardOne(shape, x, lstm, tape!, y, y);
}
function attentionStep(k: KernelImplementationApi) {
  const shape = { batch: B, steps: T, features: 2 * H, units: A };
  const fwd = k.attentionForward(shape, h, att);
  k.attentionBackward(shape, h, att, fwd, fwd.context);
}
function tfAttentionStep() {
  const ht = tf.tensor3d(h, [B, T, 2 * H]);
  const w = {
    w1: tf.variable(tf.tensor2d(att.w1, [2 * H, A])),
    b1: tf.variable(tf.tensor1d(att.b1)),
    w2: tf.variable(tf.tensor2d(att.w2, [A, 1])),
    b2: tf.variable(tf.tensor1d(att.b2)),
  };
  const { value, grads } = tf.variableGrads(() => tf.sum(attentionReference(ht, w as never).context) as tf.Scalar);
  tf.dispose([ht, value, ...Object.values(grads), ...Object.values(w)]);
}
function tfLayersLstmStep() {
  const layer = tf.layers.bidirectional({
    layer: tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: "sigmoid" }) as tf.RNN,
    mergeMode: "concat",
  });
  const xt = tf.tensor3d(x, [B, T, F]);
  layer.apply(xt);
  const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(xt) as tf.Tensor) as tf.Scalar);
  tf.dispose([xt, value, ...Object.values(grads)]);
  layer.dispose();
}

const native = kernels();
const rows: Array<[string, number]> = [];
if (native.name === "native") rows.push(["BiLSTM fwd+bwd, native", time(() => lstmStep(native))]);
rows.push(["BiLSTM fwd+bwd, typescript", time(() => lstmStep(typescriptKernels), 1)]);
if (native.name === "native") rows.push(["LSTM (one direction) fwd+bwd, native", time(() => lstmOneStep(native))]);
rows.push(["LSTM (one direction) fwd+bwd, typescript", time(() => lstmOneStep(typescriptKernels), 1)]);
rows.push(["BiLSTM fwd+bwd, tf.layers (wasm)", time(tfLayersLstmStep, 1)]);
if (native.name === "native") rows.push(["attention fwd+bwd, native", time(() => attentionStep(native))]);
rows.push(["attention fwd+bwd, typescript", time(() => attentionStep(typescriptKernels), 1)]);
rows.push(["attention fwd+bwd, tf ops (wasm)", time(tfAttentionStep, 2)]);

console.log(`B=${B} T=${T} H=${H} A=${A}, threads=${process.env.TSA_KERNEL_THREADS ?? "default"}, native GEMM: ${native.gemm}`);
for (const [name, ms] of rows)
  console.log(
    `${name.padEnd(36)} ${ms.toFixed(1).padStart(9)} ms/batch  ${((ms * 219) / 1000).toFixed(1).padStart(7)} s/epoch (219 batches)`,
  );
const by = Object.fromEntries(rows);
if (by["BiLSTM fwd+bwd, native"]) {
  console.log(
    `ratio typescript/native BiLSTM: ${(by["BiLSTM fwd+bwd, typescript"]! / by["BiLSTM fwd+bwd, native"]).toFixed(1)}x; tf.layers/native: ${(by["BiLSTM fwd+bwd, tf.layers (wasm)"]! / by["BiLSTM fwd+bwd, native"]).toFixed(1)}x`,
  );
  console.log(`ratio tf ops/native attention: ${(by["attention fwd+bwd, tf ops (wasm)"]! / by["attention fwd+bwd, native"]!).toFixed(1)}x`);
}
