// The PyTorch reference (../shared/reference/pytorch_reference.py, Debian's python3-torch) run in the same
// command with the same thread count. Its seconds per epoch are the training loop only (its validation
// pass is outside its timer), so our ratio, which includes our validation pass, is conservative.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PYTHON = "/usr/bin/python3";
const SCRIPT = process.env.TSA_PYTORCH_REFERENCE ?? fileURLToPath(new URL("../../shared/reference/pytorch_reference.py", import.meta.url));

/** Why the reference cannot run here, or null when it can. */
export function pytorchUnavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  if (!existsSync(SCRIPT)) return `${SCRIPT} not found (set TSA_PYTORCH_REFERENCE)`;
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  return probe.status === 0 ? null : `${PYTHON} has no torch (apt-get install -y python3-torch)`;
}

export interface PytorchMeasurement {
  secondsPerEpoch: number;
  version: string;
}

/** Runs `epochs` full reference epochs (10,000 × 500) and returns the median epoch time. */
export function measurePytorch(epochs: number, threads: number, onLine: (line: string) => void): Promise<PytorchMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, "--epochs", String(epochs), "--threads", String(threads)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      chunk.split("\n").filter(Boolean).forEach(onLine);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      try {
        const summary = JSON.parse(last) as { median_epoch_s: number; anchor: string };
        if (code !== 0 || typeof summary.median_epoch_s !== "number") throw new Error(`exit code ${code}`);
        resolve({ secondsPerEpoch: summary.median_epoch_s, version: summary.anchor });
      } catch {
        reject(new Error(`pytorch reference failed (exit ${code}): ${err.trim().split("\n").pop() ?? last}`));
      }
    });
  });
}
