// reliability.e2e.test.ts's kill -9 and Ctrl-C, on PostgreSQL: one engine, so the same sweep survives both
// the same way on either store. The one difference is the engine's: on PostgreSQL a killed sweep's run is
// requeued when its heartbeat is older than the grace period (short here), not at once by its dead pid.
import { afterEach, describe, expect, it } from "vitest";
import { makeWorkspace, ownerPids, processGone, REPO_ROOT, startCli, tinyExperimentYaml, waitFor } from "./support.js";
import { createDatabase, type TestDatabase } from "./postgres.js";

const TIMINGS = { TSA_HEARTBEAT_MS: "300", TSA_GRACE_MS: "4000", TSA_POLL_MS: "200" };
const SEEDS = [1, 2, 3];

interface Row {
  id: string;
  status: string;
  owner: string | null;
  attempts: number;
  epochs: number;
}
const ROWS_SQL = `SELECT r.id, r.status, r.owner, r.attempts, (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id)::int AS epochs
  FROM runs r ORDER BY r.id`;

let db: TestDatabase | null = null;
const started: Array<ReturnType<typeof startCli>> = [];
afterEach(async () => {
  for (const p of started.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await db?.drop();
  db = null;
});

const USER_DIR = makeWorkspace("tsa-pg-user-").dir;

function sweep(file: string) {
  const p = startCli(["sweep", file, "--db", db!.url, "--concurrency", "1"], { env: { ...TIMINGS, INIT_CWD: USER_DIR } });
  started.push(p);
  return p;
}

async function until<T>(what: string, check: (rows: Row[]) => T | null | undefined | false, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db!.query<Row>(ROWS_SQL).catch(() => null);
    const value = rows === null ? null : check(rows);
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function experiment(name: string): string {
  const ws = makeWorkspace("tsa-pg-rel-");
  const yaml = tinyExperimentYaml(name, { models: ["bilstm-attention"], seeds: SEEDS, epochs: 6, size: 640 });
  return ws.experiment(name, yaml.replace("numPoints: 32", "numPoints: 96"));
}

describe("a sweep on PostgreSQL", () => {
  it("killed with SIGKILL: the next sweep requeues the in-flight run after the grace period and does exactly the missing runs", async () => {
    db = await createDatabase();
    const file = experiment("killed");
    const first = sweep(file);
    const inFlight = await until(
      "a run completed and another mid-training",
      (rows) => rows.some((r) => r.status === "completed") && rows.find((r) => r.status === "running" && r.epochs >= 1),
    );
    const pids = ownerPids(inFlight.owner!);
    expect(pids.sweep).toBe(first.child.pid);
    first.child.kill("SIGKILL");
    expect((await first.result).signal).toBe("SIGKILL");
    await waitFor(() => processGone(pids.worker), `worker ${pids.worker} exited after its sweep was killed`);

    const afterKill = await db.query<Row>(ROWS_SQL);
    expect(afterKill.find((r) => r.id === inFlight.id)!.status).toBe("running");
    const completedBefore = afterKill.filter((r) => r.status === "completed");
    const ids = completedBefore.map((r) => r.id);
    const completedRows = await db.query("SELECT * FROM runs WHERE id = ANY($1) ORDER BY id", [ids]);
    const completedMetrics = await db.query("SELECT * FROM metrics WHERE run_id = ANY($1) ORDER BY run_id, split", [ids]);

    const next = sweep(file);
    const resumed = await next.result;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/requeued 1 run\(s\) without heartbeat/);
    const missing = SEEDS.length - completedBefore.length;
    expect(resumed.stdout).toContain(`${missing} run(s) done now, ${completedBefore.length} already done, of ${SEEDS.length}`);
    const final = await db.query<Row>(ROWS_SQL);
    expect(final.map((r) => r.status)).toEqual(SEEDS.map(() => "completed"));
    expect(final.find((r) => r.id === inFlight.id)!.attempts).toBe(2);
    for (const r of final.filter((r) => !ids.includes(r.id))) expect(ownerPids(r.owner!).sweep).toBe(next.child.pid);
    expect(await db.query("SELECT * FROM runs WHERE id = ANY($1) ORDER BY id", [ids])).toEqual(completedRows);
    expect(await db.query("SELECT * FROM metrics WHERE run_id = ANY($1) ORDER BY run_id, split", [ids])).toEqual(completedMetrics);
  });

  it("Ctrl-C once: starts no new run, stops the run in flight, says how to resume, exits 130; the next sweep finishes", async () => {
    db = await createDatabase();
    const file = experiment("interrupted");
    const cli = sweep(file);
    const inFlight = await until("a run mid-training", (rows) => rows.find((r) => r.status === "running" && r.epochs >= 1));
    const { worker } = ownerPids(inFlight.owner!);
    process.kill(worker, "SIGINT");
    cli.child.kill("SIGINT");
    const result = await cli.result;

    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain(`Resume with: ${REPO_ROOT}/tsa sweep ${file} --db ${db.url} --concurrency 1\n`);
    const after = await db.query<Row>(ROWS_SQL);
    expect(after.filter((r) => r.status === "running")).toEqual([]);
    expect(["interrupted", "completed"]).toContain(after.find((r) => r.id === inFlight.id)!.status);
    const begun = after.filter((r) => r.status !== "queued");
    expect(begun.length).toBe(result.stderr.split("\n").filter((l) => / start /.test(l)).length);
    expect(begun.length).toBeLessThan(SEEDS.length);
    for (const r of after.filter((r) => r.status === "queued")) expect([r.attempts, r.epochs]).toEqual([0, 0]);
    await waitFor(() => processGone(worker), `worker ${worker} exited`);

    const resumed = await sweep(file).result;
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = after.filter((r) => r.status === "completed").length;
    expect(resumed.stdout).toContain(`${SEEDS.length - done} run(s) done now, ${done} already done, of ${SEEDS.length}`);
    expect((await db.query<Row>(ROWS_SQL)).map((r) => r.status)).toEqual(SEEDS.map(() => "completed"));
  });
});
