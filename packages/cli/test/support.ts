// Runs the real CLI in a child process, as a user would (`node --import tsx packages/cli/src/main.ts …`),
// against a temporary database and reports folder, so end-to-end tests read back real files.
import { loadBetterSqlite3 } from "@tsa/tracker/better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const Database = loadBetterSqlite3();

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
export function startCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): { child: ChildProcess; result: Promise<CliResult>; output: () => string } {
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
export function tinyExperimentYaml(
  name: string,
  options: { models?: string[]; seeds?: number[]; epochs?: number; patience?: number; size?: number; extra?: string } = {},
): string {
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
    `train: { epochs: ${options.epochs ?? 2}, patience: ${options.patience ?? 5}, batchSize: 32, lr: 0.01 }`,
    options.extra ?? "",
    "",
  ].join("\n");
}

/**
 * Rows of a read-only query on a database another process may be writing, or null while the file or its
 * tables do not exist yet (for polling a sweep in progress).
 */
export function queryDb<T>(db: string, sql: string, ...params: unknown[]): T[] | null {
  if (!existsSync(db)) return null;
  let conn: BetterSqlite3.Database | undefined;
  try {
    conn = new Database(db, { readonly: true, fileMustExist: true });
    conn.pragma("busy_timeout = 5000");
    return conn.prepare(sql).all(...params) as T[];
  } catch {
    return null;
  } finally {
    conn?.close();
  }
}

/** `PRAGMA integrity_check` through a fresh read-write connection, as the next sweep would open the file. */
export function integrityCheck(db: string): string {
  const conn = new Database(db, { fileMustExist: true });
  try {
    return conn.pragma("integrity_check", { simple: true }) as string;
  } finally {
    conn.close();
  }
}

/**
 * Polls `check` until it returns something other than null/undefined/false; fails at once (with the CLI's
 * output) if the watched process ends first, so a test never waits for a state that can no longer come.
 */
export async function waitFor<T>(
  check: () => T | null | undefined | false,
  what: string,
  watched?: { child: ChildProcess; output: () => string },
): Promise<T> {
  for (;;) {
    const value = check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (watched !== undefined && watched.child.exitCode !== null) {
      throw new Error(`the CLI exited (${watched.child.exitCode}) before ${what}:\n${watched.output()}`);
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

/** True once a process no longer runs (gone, or a zombie nobody has reaped yet). */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** A run's owner is `host:sweepPid:workerPid`. */
export function ownerPids(owner: string): { sweep: number; worker: number } {
  const [, sweep, worker] = owner.split(":");
  return { sweep: Number(sweep), worker: Number(worker) };
}

/** A run as the reliability tests look at it: its state, owner and how many epoch rows it has. */
export interface RunState {
  id: string;
  status: string;
  owner: string;
  attempts: number;
  error: string | null;
  failed_epoch: number | null;
  epochs_run: number | null;
  /** Epoch rows in the database, and how many distinct epoch numbers among them. */
  epochs: number;
  distinct_epochs: number;
}

/** Every run of a database (empty while it does not exist yet), by id. */
export function runStates(db: string): RunState[] {
  const sql = `SELECT r.id, r.status, r.owner, r.attempts, r.error, r.failed_epoch, r.epochs_run,
                      (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id) AS epochs,
                      (SELECT COUNT(DISTINCT e.epoch) FROM epochs e WHERE e.run_id = r.id) AS distinct_epochs
               FROM runs r ORDER BY r.id`;
  return queryDb<RunState>(db, sql) ?? [];
}
