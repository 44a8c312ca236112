// The parity run's folder: per seed, the dataset (written by `./tsa dataset`) and one result file per
// variant. Every file appears whole or not at all (written beside, then renamed), so an interrupted run
// leaves nothing half-written and the next run reuses what finished.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSeedResult, type SeedResult } from "./results.js";
import type { Variant } from "./variants.js";

const TSA = fileURLToPath(new URL("../../tsa", import.meta.url));

export const seedFolder = (out: string, seed: number) => join(out, `seed-${seed}`);
export const datasetFolder = (out: string, seed: number) => join(seedFolder(out, seed), "data");
export const resultFile = (out: string, seed: number, variant: Variant) => join(seedFolder(out, seed), `${variant}.json`);

/** The seed's dataset, written once by `./tsa dataset` (atomic itself); an existing one is kept. */
export function ensureDataset(
  out: string,
  seed: number,
  experiment: string,
  points: readonly string[],
  signal?: AbortSignal,
): Promise<"written" | "reused"> {
  const folder = datasetFolder(out, seed);
  if (existsSync(join(folder, "meta.json"))) return Promise.resolve("reused");
  mkdirSync(dirname(folder), { recursive: true });
  const args = ["dataset", experiment, "--seed", String(seed), "--out", folder, ...points.flatMap((p) => ["--point", p])];
  return new Promise((resolve, reject) => {
    const child = spawn(TSA, args, { stdio: ["ignore", "ignore", "pipe"], signal });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve("written") : reject(new Error(`./tsa ${args.join(" ")}: ${err.trim()}`))));
  });
}

export function readResult(out: string, seed: number, variant: Variant): SeedResult | null {
  const file = resultFile(out, seed, variant);
  return existsSync(file) ? parseSeedResult(readFileSync(file, "utf8"), file) : null;
}

export function writeResult(out: string, result: SeedResult): void {
  const file = resultFile(out, result.seed, result.variant);
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(result)}\n`);
  renameSync(partial, file);
}
