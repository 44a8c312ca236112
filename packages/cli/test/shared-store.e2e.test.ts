// The shared PostgreSQL store with real processes and the real server: workers that die, freeze, lose the
// server, start in a crowd, or crash on one run. Short heartbeats and grace periods keep each test to seconds.
import { POSTGRES_SCHEMA_VERSION } from "@tsa/tracker";
import { afterEach, describe, expect, it } from "vitest";
import { makeWorkspace, startCli, tinyExperimentYaml, type CliResult } from "./support.js";
import { createDatabase, restartServer, type TestDatabase } from "./postgres.js";

const TIMINGS = { TSA_HEARTBEAT_MS: "300", TSA_GRACE_MS: "4000", TSA_POLL_MS: "200", TSA_MAX_ATTEMPTS: "3", TSA_PG_IDLE_TX_MS: "1000" };

interface RunRow {
  id: string;
  model: string;
  status: string;
  owner: string | null;
  attempts: number;
  error: string | null;
  epochs_run: number | null;
  epochs: number;
  metrics: number;
}

const RUNS_SQL = `SELECT r.id, r.model, r.status, r.owner, r.attempts, r.error, r.epochs_run,
  (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id)::int AS epochs,
  (SELECT COUNT(*) FROM metrics m WHERE m.run_id = r.id)::int AS metrics
  FROM runs r ORDER BY r.id`;

let db: TestDatabase | null = null;
const started: Array<ReturnType<typeof startCli>> = [];
/** Worker processes a test signalled itself (their training children included), ended whatever happened. */
const signalled = new Set<number>();
afterEach(async () => {
  for (const p of started.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  for (const pid of signalled) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  signalled.clear();
  await db?.drop();
  db = null;
});

// A PostgreSQL database's reports go to reports/<database>.postgres/ under the user's folder: the tests'
// user is a scratch folder, so no test database leaves reports in the checkout.
const USER_DIR = makeWorkspace("tsa-pg-user-").dir;

function cli(args: string[], env: Record<string, string> = {}) {
  const p = startCli(args, { env: { ...TIMINGS, INIT_CWD: USER_DIR, ...env } });
  started.push(p);
  return p;
}

/** Polls the database (a query may fail while it restarts) until `check` holds. */
async function until<T>(what: string, check: (rows: RunRow[]) => T | null | false, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db!.query<RunRow>(RUNS_SQL).catch(() => null);
    const value = rows === null ? null : check(rows);
    if (value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A worker process and its training child, as `host:workerPid:childPid` names them. */
function pidsOf(owner: string): number[] {
  const pids = owner.split(":").slice(1).map(Number);
  for (const pid of pids) signalled.add(pid);
  return pids;
}

async function exited(p: ReturnType<typeof startCli>): Promise<CliResult> {
  const result = await p.result;
  return result;
}

/** One run of a few seconds (400 series, no early stopping), so that a poll catches it mid-run even on a busy machine. */
function oneRunExperiment(name: string, epochs: number): string {
  const ws = makeWorkspace("tsa-pg-");
  return ws.experiment(
    name,
    tinyExperimentYaml(name, { models: ["bilstm-attention"], seeds: [1], epochs, size: 400 }).replace("patience: 5", "patience: 50"),
  );
}

describe("a sweep shared through PostgreSQL", () => {
  it("reclaims the run of a worker killed with kill -9 after the grace period, and completes it exactly once", async () => {
    db = await createDatabase();
    const file = oneRunExperiment("killed", 8);
    const sweep = cli(["sweep", file, "--db", db.url, "--concurrency", "0"]);
    await until("the grid is queued", (rows) => rows.length === 1);
    const a = cli(["worker", "--db", db.url, "-j", "1"]);
    const owner = await until("worker A is mid-run", (rows) => rows[0]!.status === "running" && rows[0]!.epochs >= 1 && rows[0]!.owner);
    for (const pid of pidsOf(owner)) process.kill(pid, "SIGKILL");
    const b = cli(["worker", "--db", db.url, "-j", "1"]);
    const bResult = await exited(b);
    expect(bResult.code, bResult.stderr).toBe(0);
    expect(bResult.stderr).toMatch(/requeued 1 run\(s\) without heartbeat/);
    const [run] = await db.query<RunRow>(RUNS_SQL);
    expect(run).toMatchObject({ status: "completed", attempts: 2, metrics: 2 });
    expect(run!.owner).not.toBe(owner);
    expect(run!.epochs).toBe(run!.epochs_run);
    expect((await exited(sweep)).code).toBe(0);
    expect((await exited(a)).signal).toBe("SIGKILL");
  });

  it("rejects the late writes of a worker frozen (SIGSTOP) past the grace period; the other worker's result stands", async () => {
    db = await createDatabase();
    const file = oneRunExperiment("frozen", 10);
    const enqueue = cli(["sweep", file, "--db", db.url, "--concurrency", "0"]);
    await until("the grid is queued", (rows) => rows.length === 1);
    const a = cli(["worker", "--db", db.url, "-j", "1"]);
    const owner = await until("worker A is mid-run", (rows) => rows[0]!.status === "running" && rows[0]!.epochs >= 1 && rows[0]!.owner);
    const frozen = pidsOf(owner);
    for (const pid of frozen) process.kill(pid, "SIGSTOP");
    const b = cli(["worker", "--db", db.url, "-j", "1"]);
    expect((await exited(b)).code).toBe(0);
    const [done] = await db.query<RunRow>(RUNS_SQL);
    expect(done).toMatchObject({ status: "completed", attempts: 2, metrics: 2 });
    const before = await db.query<Record<string, unknown>>("SELECT * FROM epochs ORDER BY epoch");
    for (const pid of frozen) process.kill(pid, "SIGCONT");
    const aResult = await exited(a);
    expect(aResult.stderr).toMatch(/the claim was lost/);
    expect(aResult.stdout).toMatch(/1 lost to another attempt/);
    const [after] = await db.query<RunRow>(RUNS_SQL);
    expect(after).toEqual(done);
    expect(await db.query("SELECT * FROM epochs ORDER BY epoch")).toEqual(before);
    expect((await exited(enqueue)).code).toBe(0);
  });

  it("survives a PostgreSQL restart mid-sweep: workers reconnect, nothing is lost, duplicated or declared stale", async () => {
    db = await createDatabase();
    const ws = makeWorkspace("tsa-pg-");
    const yaml = tinyExperimentYaml("restart", { models: ["bilstm-attention"], seeds: [1, 2, 3, 4], epochs: 6 });
    const file = ws.experiment("restart", yaml.replace("patience: 5", "patience: 50"));
    const sweep = cli(["sweep", file, "--db", db.url, "--concurrency", "1"]);
    await until("the grid is queued", (rows) => rows.length === 4);
    const worker = cli(["worker", "--db", db.url, "-j", "1"]);
    await until("a run is mid-training", (rows) => rows.some((r) => r.status === "running" && r.epochs >= 1));
    restartServer();
    const [s, w] = [await exited(sweep), await exited(worker)];
    expect(s.code, s.stderr).toBe(0);
    expect(w.code, w.stderr).toBe(0);
    const rows = await db.query<RunRow>(RUNS_SQL);
    expect(
      rows.map((r) => [r.status, r.attempts, r.metrics, r.epochs === r.epochs_run]),
      s.stderr + w.stderr,
    ).toEqual(Array(4).fill(["completed", 1, 2, true]));
  });

  it("lets two sweeps and three workers start together on an empty database: one migration, one row per run, no run claimed twice", async () => {
    db = await createDatabase();
    const ws = makeWorkspace("tsa-pg-");
    const file = ws.experiment("crowd", tinyExperimentYaml("crowd", { seeds: [1, 2, 3], epochs: 1 }));
    const sweeps = [0, 1].map(() => cli(["sweep", file, "--db", db!.url, "--concurrency", "0"]));
    const workers = [0, 1, 2].map(() => cli(["worker", "--db", db!.url, "-j", "1", "--wait"]));
    for (const s of sweeps) {
      const r = await exited(s);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const w of workers) w.child.kill("SIGINT");
    const logs = await Promise.all(workers.map(exited));
    // Each schema version applied once, whoever got there first.
    const migrations = await db.query<{ version: number }>("SELECT version FROM tsa_schema ORDER BY version");
    expect(migrations).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    const rows = await db.query<RunRow>(RUNS_SQL);
    expect(rows).toHaveLength(6);
    const why = JSON.stringify(rows) + logs.map((l) => l.stderr).join("\n");
    expect(
      rows.every((r) => r.status === "completed" && r.attempts === 1 && r.metrics === 2),
      why,
    ).toBe(true);
    // Every run was taken by exactly one worker: the claims in the workers' logs name each run once.
    const claims = logs.flatMap((l) => [...l.stderr.matchAll(/ runs ([0-9a-f]{10}) /g)].map((m) => m[1]));
    expect(claims.sort()).toEqual(rows.map((r) => r.id.slice(0, 10)).sort());
  });

  it("refuses a worker --experiment the store does not hold, naming the ones it does, instead of exiting 0 with no work", async () => {
    db = await createDatabase();
    const ws = makeWorkspace("tsa-pg-");
    const file = ws.experiment("known", tinyExperimentYaml("known", { seeds: [1], epochs: 1 }));
    // Enqueue only: this sweep then waits for workers, and the test ends it.
    cli(["sweep", file, "--db", db.url, "--concurrency", "0"]);
    await until("the grid is enqueued", (rows) => rows.length === 2);
    const result = await exited(cli(["worker", "--db", db.url, "--experiment", "knwon"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: no experiment 'knwon' in the database; known: known\n");
    const rows = await db.query<RunRow>(RUNS_SQL);
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => "queued"));
  });

  it("fails a run that crashes its worker every time after the maximum attempts, and finishes the rest", async () => {
    db = await createDatabase();
    const ws = makeWorkspace("tsa-pg-");
    const file = ws.experiment("crash", tinyExperimentYaml("crash", { seeds: [1], epochs: 2 }));
    const sweep = cli(["sweep", file, "--db", db.url, "--concurrency", "1"], { TSA_FAULT_CRASH_MODEL: "ffn" });
    const result = await exited(sweep);
    expect(result.code, result.stderr).toBe(1);
    const rows = await db.query<RunRow>(RUNS_SQL);
    const byModel = Object.fromEntries(rows.map((r) => [r.model, r]));
    expect(byModel.ffn).toMatchObject({ status: "failed", attempts: 3, metrics: 0 });
    expect(byModel.ffn!.error).toMatch(/its worker process exited \(SIGKILL\).*gave up after 3 attempt/);
    expect(byModel["bilstm-attention"]).toMatchObject({ status: "completed", attempts: 1, metrics: 2 });
    expect(result.stderr.match(/ requeued [0-9a-f]{10} crash\/ffn/g)).toHaveLength(2);
  });
});
