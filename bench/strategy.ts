// `yarn bench strategy [--runs 3000]`: what a sweep's strategy reads each time it decides, on a store holding
// one experiment of `runs` completed runs shaped like the fair sweeps' (30 epochs each; a quarter of them
// attention runs with 6 samples of 250 points): the full runs it read before (`listRuns` of the completed
// runs twice, a tuned sequential file's trials and looks, and of every run once) against the one narrow
// `runOutcomes` it reads now. SQLite and PostgreSQL. Never part of a test run.
import { openStore, type Store } from "@tsa/tracker";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";

const PG_ADMIN_URL = process.env.TSA_TEST_PG_URL ?? "postgres://tsa:tsa@localhost:5432/postgres";
const EXPERIMENT = "bench-strategy";
const POINTS = 250;
const EPOCHS = 30;

const metrics = (f1: number) => ({
  f1,
  accuracy: f1,
  rocAuc: f1,
  precision: f1,
  recall: f1,
  balancedAccuracy: f1,
  logLoss: 1 - f1,
  attentionMassInWindow: null,
  attentionPeakInWindow: null,
  n: 800,
  tp: 380,
  fp: 20,
  tn: 380,
  fn: 20,
});

/** Fills the store with `runs` completed runs through the queue, as workers would. */
async function fill(store: Store, runs: number): Promise<void> {
  await store.upsertExperiment({ name: EXPERIMENT, description: "", file: "bench.yaml", spec: { name: EXPERIMENT } });
  const models = ["ffn", "cnn", "bilstm", "bilstm-attention"];
  const queued = Array.from({ length: runs }, (_, i) => {
    const model = models[i % 4]!;
    const tuning = i % 3 === 0 ? { role: "trial", trial: i % 6, choice: { "model.normalize": "zscore" } } : undefined;
    const config = {
      experiment: EXPERIMENT,
      model,
      seed: i,
      data: { size: 4000, numPoints: POINTS, noise: (i % 5) / 10 },
      train: { lr: 0.001 },
      tuning,
    };
    return {
      id: `run${String(i).padStart(6, "0")}`,
      experiment: EXPERIMENT,
      model,
      seed: i,
      point: { "data.noise": (i % 5) / 10 },
      config,
      backend: "wasm",
      kernels: "native",
      gitCommit: "abc",
      versions: { node: "20" },
      priority: 0,
    };
  });
  await store.enqueueRuns(queued);
  const signal = Array.from({ length: POINTS }, (_, t) => Math.sin(t / 7));
  for (let claimed = await store.claimNext("bench"); claimed !== null; claimed = await store.claimNext("bench")) {
    const attention = claimed.run.model === "bilstm-attention";
    await store.completeRun(claimed.claim, {
      epochs: Array.from({ length: EPOCHS }, (_, e) => ({
        epoch: e + 1,
        trainLoss: 0.7 / (e + 1),
        valLoss: 0.7 / (e + 1),
        trainAccuracy: 0.9,
        valAccuracy: 0.9,
        durationMs: 1000,
      })),
      bestEpoch: EPOCHS,
      stoppedEarly: false,
      didNotLearn: false,
      metrics: { val: metrics(0.9), test: metrics(0.91) },
      attention: attention
        ? Array.from({ length: 6 }, (_, s) => ({
            seriesIndex: s,
            label: s % 2,
            window: [10, 60] as [number, number],
            signal,
            weights: signal.map(() => 1 / POINTS),
          }))
        : [],
      backend: "wasm",
      kernels: "native",
      trainDurationMs: 1000,
    });
  }
}

/** Median milliseconds of `repeats` calls of `read`. */
async function median(read: () => Promise<unknown>, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await read();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function measure(engine: string, location: string, runs: number, repeats: number): Promise<string[]> {
  const store = await openStore(location);
  try {
    process.stderr.write(`${engine}: writing ${runs} runs…\n`);
    await fill(store, runs);
    const before = () =>
      Promise.all([
        store.listRuns({ experiment: EXPERIMENT, status: "completed" }),
        store.listRuns({ experiment: EXPERIMENT, status: "completed" }),
        store.listRuns({ experiment: EXPERIMENT }),
      ]);
    const after = () => store.runOutcomes(EXPERIMENT, { metrics: ["logLoss", "f1", "rocAuc"], config: ["tuning"] });
    const old = await median(before, repeats);
    const now = await median(after, repeats);
    return [engine, String(runs), old.toFixed(0), now.toFixed(0), (old / now).toFixed(1)];
  } finally {
    await store.close();
  }
}

/** A statement as the server's admin role, through psql (only the tracker speaks SQL from code). */
const admin = (sql: string) => execFileSync("psql", [PG_ADMIN_URL, "-qc", sql]);

export async function strategyBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: "string", default: "3000" }, repeats: { type: "string", default: "5" } },
  });
  const runs = Number(values.runs);
  const repeats = Number(values.repeats);
  const rows = [await measure("sqlite", join(mkdtempSync(join(tmpdir(), "tsa-bench-strategy-")), "runs.sqlite"), runs, repeats)];
  const name = `tsa_bench_strategy_${process.pid}`;
  admin(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    rows.push(await measure("postgres", url.toString(), runs, repeats));
  } finally {
    admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  console.log(
    `One decision of a sweep's strategy: the runs it reads (median of ${repeats}), ${EPOCHS} epochs a run, a quarter with 6 attention samples of ${POINTS} points`,
  );
  const widths = [10, 6, 22, 20, 8];
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  line(["store", "runs", "before: listRuns ×3 ms", "now: runOutcomes ms", "faster"]);
  rows.forEach(line);
}
