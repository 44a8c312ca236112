// `yarn bench coordination`: the shared run queue under a crowd. N claimer processes take M queued runs whose
// training is a no-op, on PostgreSQL (FOR UPDATE SKIP LOCKED) and on a SQLite file (BEGIN IMMEDIATE):
// every run must be completed exactly once; prints claims per second and claim latency percentiles.
import { openStore } from "@tsa/tracker";
import { execFileSync, fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const CLAIMER = new URL("./coordination-claimer.ts", import.meta.url).pathname;

interface Outcome {
  store: string;
  runs: number;
  claimers: number;
  seconds: number;
  claimsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  exactlyOnce: boolean;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function enqueue(db: string, runs: number): Promise<void> {
  const store = await openStore(db);
  await store.upsertExperiment({ name: "bench", description: "coordination benchmark", file: "-", spec: {} });
  const common = {
    experiment: "bench",
    model: "noop",
    point: {},
    config: {},
    backend: "none",
    kernels: "none",
    gitCommit: null,
    versions: {},
  };
  await store.enqueueRuns(
    Array.from({ length: runs }, (_, i) => ({ ...common, id: `run-${String(i).padStart(6, "0")}`, seed: i, priority: 0 })),
  );
  await store.close();
}

async function measure(label: string, db: string, runs: number, claimers: number): Promise<Outcome> {
  await enqueue(db, runs);
  const children = Array.from({ length: claimers }, () =>
    fork(CLAIMER, [db], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
  );
  await Promise.all(children.map((c) => new Promise((resolve) => c.once("message", resolve))));
  const started = performance.now();
  const results = children.map(
    (c) =>
      new Promise<{ claims: Array<{ id: string; ms: number }>; lost: number }>((resolve) => c.once("message", (m) => resolve(m as never))),
  );
  for (const c of children) c.send("go");
  const done = await Promise.all(results);
  const seconds = (performance.now() - started) / 1000;
  const claims = done.flatMap((d) => d.claims);
  const latencies = claims.map((c) => c.ms).sort((a, b) => a - b);
  const store = await openStore(db, { readonly: true });
  const progress = await store.queueProgress("bench");
  const attempts = (await store.readOnlyQuery("SELECT MAX(attempts), MIN(attempts) FROM runs")).rows[0]!;
  await store.close();
  const exactlyOnce =
    new Set(claims.map((c) => c.id)).size === runs &&
    claims.length === runs &&
    progress.completed === runs &&
    attempts[0] === 1 &&
    attempts[1] === 1 &&
    done.every((d) => d.lost === 0);
  return {
    store: label,
    runs,
    claimers,
    seconds,
    claimsPerSecond: runs / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? NaN,
    exactlyOnce,
  };
}

export async function coordinationBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      claimers: { type: "string", default: "32" },
      runs: { type: "string", default: "1000" },
      pg: { type: "string", default: process.env.TSA_TEST_PG_URL ?? "postgres://tsa:tsa@localhost:5432/postgres" },
      json: { type: "boolean", default: false },
    },
  });
  const claimers = Number(values.claimers);
  const runs = Number(values.runs);
  const outcomes: Outcome[] = [];

  const name = `tsa_bench_${process.pid}`;
  execFileSync("psql", [values.pg, "-qc", `CREATE DATABASE ${name}`]);
  try {
    const url = new URL(values.pg);
    url.pathname = `/${name}`;
    process.stderr.write(`PostgreSQL: ${claimers} claimers, ${runs} runs…\n`);
    outcomes.push(await measure("PostgreSQL (SKIP LOCKED)", url.toString(), runs, claimers));
  } finally {
    execFileSync("psql", [values.pg, "-qc", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  }
  process.stderr.write(`SQLite: ${claimers} claimers, ${runs} runs…\n`);
  outcomes.push(await measure("SQLite (BEGIN IMMEDIATE)", join(mkdtempSync(join(tmpdir(), "tsa-bench-")), "runs.sqlite"), runs, claimers));

  if (values.json) {
    console.log(JSON.stringify(outcomes, null, 2));
    return;
  }
  const rows = outcomes.map((o) => [
    o.store,
    String(o.claimers),
    String(o.runs),
    o.seconds.toFixed(2),
    o.claimsPerSecond.toFixed(0),
    o.p50Ms.toFixed(1),
    o.p99Ms.toFixed(1),
    o.maxMs.toFixed(1),
    o.exactlyOnce ? "yes" : "NO",
  ]);
  const header = ["store", "claimers", "runs", "seconds", "claims/s", "p50 ms", "p99 ms", "max ms", "exactly once"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
  console.log("\nEach claim is followed by a completion (metrics and one epoch) in its own transaction; training is a no-op.");
}
