// `yarn bench`'s PyTorch column: the project's PyTorch program (bench/pytorch/reference.py, Debian's
// python3-torch) run in the same command with the same thread count. Its seconds per epoch are the training
// loop only (its validation pass is outside its timer), so our ratio, which includes our validation pass,
// is conservative.
import { runPytorchProgram } from "./pytorch/program.js";

export { pytorchUnavailable } from "./pytorch/program.js";

export interface PytorchMeasurement {
  secondsPerEpoch: number;
  version: string;
}

/** Runs `epochs` full epochs at the reference scale (10,000 × 500) and returns the median epoch time. */
export async function measurePytorch(epochs: number, threads: number, onLine: (line: string) => void): Promise<PytorchMeasurement> {
  const summary = await runPytorchProgram(["--epochs", String(epochs), "--threads", String(threads)], { onLine });
  return { secondsPerEpoch: summary.median_epoch_s, version: summary.anchor };
}
