// Runs the real CLI in a child process, as a user would (`node --import tsx packages/cli/src/main.ts …`),
// against a temporary database and reports folder, so end-to-end tests read back real files.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MAIN = join(REPO_ROOT, "packages/cli/src/main.ts");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  dir: string;
  db: string;
  reports: string;
  /** Writes an experiment YAML into the workspace and returns its path. */
  experiment(name: string, yaml: string): string;
}

/** A fresh folder with its own database path and reports folder. */
export function makeWorkspace(prefix = "tsa-cli-"): Workspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    db: join(dir, "runs.sqlite"),
    reports: join(dir, "reports"),
    experiment(name, yaml) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, yaml);
      return file;
    },
  };
}

/** Starts the CLI; the caller owns the child (for signals). Output is collected on the returned object. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { child: ChildProcess; result: Promise<CliResult>; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, INIT_CWD: options.cwd ?? REPO_ROOT, FORCE_COLOR: "0", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult>((resolvePromise) => {
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, result, output: () => stdout + stderr };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

/** sha256 of a file's bytes, or "absent": for "the database is unchanged" checks. */
export function fileHash(path: string): string {
  return existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : "absent";
}

/**
 * A tiny experiment (2 models × 2 seeds × 1 point, 160 series of 32 points, 2 epochs): seconds per run,
 * for tests that need real runs but not good ones. `extra` is appended verbatim (e.g. a sweep section).
 */
export function tinyExperimentYaml(name: string, options: { models?: string[]; seeds?: number[]; epochs?: number; size?: number; extra?: string } = {}): string {
  const models = options.models ?? ["ffn", "bilstm-attention"];
  const seeds = options.seeds ?? [1, 2];
  return [
    `name: ${name}`,
    `description: A tiny experiment for the CLI's end-to-end tests.`,
    `data:`,
    `  size: ${options.size ?? 160}`,
    `  numPoints: 32`,
    `models: [${models.join(", ")}]`,
    `seeds: [${seeds.join(", ")}]`,
    `train: { epochs: ${options.epochs ?? 2}, patience: 5, batchSize: 32, lr: 0.01 }`,
    options.extra ?? "",
    "",
  ].join("\n");
}
