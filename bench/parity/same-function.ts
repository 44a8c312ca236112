// `yarn parity:function`: is our BiLSTM + attention the very function PyTorch computes? Our fused layers
// (the reference sizes: 32 units a direction, attention 64) run on a random batch; their weights, outputs
// and the gradients of sum(context²) go to bench/pytorch/same_function.py, which loads the weights into
// nn.LSTM and the article's attention and reports the largest relative differences. Exits 1 beyond float
// rounding (below), 2 without torch.
import * as tf from "@tensorflow/tfjs";
import { AttentionPooling, FusedBidirectionalLSTM, kernelImplementation } from "@tsa/kernels";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_PYTHON, TORCH_INSTALL_ADVICE, pytorchUnavailable } from "../pytorch/program.js";

// Float32 rounding alone: the outputs agree to about 1e-7. A gradient is a sum over batch and steps whose
// terms partly cancel (the attention's hidden bias most: 1e-4 with the native kernels), hence its looser bound.
const OUTPUT_TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-3;
const CHECK = fileURLToPath(new URL("../pytorch/same_function.py", import.meta.url));
const python = process.argv[2] === "--python" && process.argv[3] !== undefined ? process.argv[3] : DEFAULT_PYTHON;

const why = pytorchUnavailable(python);
if (why !== null) {
  console.error(`yarn parity:function needs PyTorch: ${why}. Install it with ${TORCH_INSTALL_ADVICE}.`);
  process.exit(2);
}

await tf.setBackend("cpu");
const entry = (t: tf.Tensor) => ({ shape: t.shape, values: Array.from(t.dataSync()) });
const x = tf.randomNormal([4, 50, 1], 0, 1, "float32", 11);
const lstm = new FusedBidirectionalLSTM({ units: 32, seed: 5 });
const attention = new AttentionPooling({ units: 64, seed: 6 });
const states = lstm.apply(x) as tf.Tensor;
const context = attention.apply(states) as tf.Tensor;
const variables = [...lstm.trainableWeights, ...attention.trainableWeights].map((w) => w.read() as tf.Variable);
const { grads } = tf.variableGrads(() => tf.sum(tf.square(attention.apply(lstm.apply(x)) as tf.Tensor)) as tf.Scalar, variables);

const folder = mkdtempSync(join(tmpdir(), "tsa-same-function-"));
try {
  const file = join(folder, "dump.json");
  writeFileSync(
    file,
    JSON.stringify({
      units: 32,
      x: entry(x),
      lstm: lstm.getWeights().map(entry),
      attention: attention.getWeights().map(entry),
      states: entry(states),
      context: entry(context),
      grads: variables.map((v) => entry(grads[v.name]!)),
    }),
  );
  const run = spawnSync(python, [CHECK, file], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${CHECK}: ${run.stderr.trim()}`);
  const diff = JSON.parse(run.stdout) as { outputs: Record<string, number>; gradients: Record<string, number> };
  console.log(
    `${kernelImplementation()} kernels; largest difference from PyTorch (our weights in nn.LSTM), relative to the largest magnitude:`,
  );
  const rows = [
    ...Object.entries(diff.outputs).map(([name, value]) => ({ name, value, tolerance: OUTPUT_TOLERANCE })),
    ...Object.entries(diff.gradients).map(([name, value]) => ({ name: `∂/∂${name}`, value, tolerance: GRADIENT_TOLERANCE })),
  ];
  for (const { name, value, tolerance } of rows) {
    console.log(`  ${name.padEnd(24)} ${value.toExponential(1)}${value <= tolerance ? "" : `  > ${tolerance}`}`);
  }
  const same = rows.every((r) => r.value <= r.tolerance);
  console.log(same ? "the same function and gradients" : "NOT the same function: see the lines marked >");
  process.exitCode = same ? 0 : 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
