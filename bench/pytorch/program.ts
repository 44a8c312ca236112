// The project's PyTorch program (bench/pytorch/reference.py) as seen from TypeScript: where it is, whether
// the interpreter can run it, how to start it and what its summary line means. `yarn bench` times it;
// `yarn parity` trains it on our datasets.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Debian's interpreter, where `apt-get install python3-torch` puts torch (a pyenv python3 has none). */
export const DEFAULT_PYTHON = "/usr/bin/python3";
export const PYTORCH_PROGRAM = fileURLToPath(new URL("./reference.py", import.meta.url));

export const TORCH_INSTALL_ADVICE = "apt-get install -y python3-torch (as root), then run again";

/** Why `python` cannot run the program, or null when it can. */
export function pytorchUnavailable(python: string = DEFAULT_PYTHON): string | null {
  if (!existsSync(python)) return `${python} not found`;
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  return probe.status === 0 ? null : `${python} cannot import torch`;
}

/** The program's last line (see reference.py); test fields only with --full. */
export interface PytorchSummary {
  anchor: string;
  seed: number;
  threads: number;
  n: number;
  t: number;
  trainable_params: number;
  epochs_run: number;
  median_epoch_s: number;
  train_s: number;
  val_loss: number[];
  best_epoch?: number;
  best_val_loss?: number;
  test_acc?: number;
  test_precision?: number;
  test_recall?: number;
  test_f1?: number;
  test_roc_auc?: number;
}

const REQUIRED_NUMBERS = ["seed", "threads", "n", "t", "trainable_params", "epochs_run", "median_epoch_s", "train_s"] as const;

/** The summary from the program's whole standard output: its last non-empty line, checked field by field. */
export function parsePytorchSummary(stdout: string): PytorchSummary {
  const last = stdout.trim().split("\n").pop() ?? "";
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch {
    throw new Error(`the PyTorch program's last line is not JSON: '${last.slice(0, 200)}'`);
  }
  const record = value as Record<string, unknown>;
  if (typeof value !== "object" || value === null || typeof record.anchor !== "string") {
    throw new Error(`the PyTorch program's last line is not its summary: '${last.slice(0, 200)}'`);
  }
  for (const key of REQUIRED_NUMBERS) {
    if (typeof record[key] !== "number") throw new Error(`the PyTorch program's summary has no number '${key}'`);
  }
  if (!Array.isArray(record.val_loss) || !record.val_loss.every((v) => typeof v === "number")) {
    throw new Error("the PyTorch program's summary has no list 'val_loss'");
  }
  return value as PytorchSummary;
}

/**
 * Runs the program with `args` and resolves with its summary; each stdout line goes to `onLine`. `signal`
 * ends the child (SIGTERM) and rejects.
 */
export function runPytorchProgram(
  args: readonly string[],
  options: { python?: string; onLine?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<PytorchSummary> {
  const python = options.python ?? DEFAULT_PYTHON;
  return new Promise((resolve, reject) => {
    const child = spawn(python, [PYTORCH_PROGRAM, ...args], { stdio: ["ignore", "pipe", "pipe"], signal: options.signal });
    let out = "";
    let err = "";
    let partial = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      lines.filter(Boolean).forEach((line) => options.onLine?.(line));
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`the PyTorch program failed (exit ${code}): ${err.trim().split("\n").pop() ?? ""}`));
        return;
      }
      try {
        resolve(parsePytorchSummary(out));
      } catch (e) {
        reject(e);
      }
    });
  });
}
