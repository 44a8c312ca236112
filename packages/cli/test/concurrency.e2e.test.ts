// Two sweeps of one file on one database at once, a run whose loss diverges and a worker that dies, through
// the real CLI: every run is trained exactly once, failures are recorded with their reason and the sweep goes on.
import { describe, expect, it } from "vitest";
import {
  integrityCheck,
  makeWorkspace,
  ownerPids,
  runCli,
  runStates,
  startCli,
  tinyExperimentYaml,
  waitFor,
  type CliResult,
} from "./support.js";

/** Ids of the runs a sweep said it started (`[i/n] start … (id)`). */
const startedIds = (result: CliResult) => [...result.stderr.matchAll(/\] start .*\(([0-9a-f]{16})\)$/gm)].map((m) => m[1]!);

describe("two sweeps of the same file on the same database at once", () => {
  it("train every run exactly once, never hit SQLITE_BUSY, and both exit 0", async () => {
    const ws = makeWorkspace("tsa-together-");
    const models = ["ffn", "bilstm-attention"];
    const seeds = [1, 2, 3, 4];
    const file = ws.experiment(
      "together",
      tinyExperimentYaml("together", { models, seeds, epochs: 3, size: 320 }).replace("numPoints: 32", "numPoints: 96"),
    );
    const args = ["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "2"];
    // Both start on a database that does not exist yet: they also race to create and migrate it.
    const a = startCli(args);
    const b = startCli(args);
    const [ra, rb] = await Promise.all([a.result, b.result]);

    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    for (const r of [ra, rb]) expect(r.stdout + r.stderr).not.toMatch(/SQLITE_BUSY|database is locked/i);
    const grid = models.length * seeds.length;
    const all = runStates(ws.db);
    expect(all).toHaveLength(grid);
    for (const run of all) {
      expect(run.status).toBe("completed");
      // Claimed once, trained once: one attempt, and one row per epoch.
      expect(run.attempts).toBe(1);
      expect(run.epochs).toBe(run.epochs_run);
      expect(run.distinct_epochs).toBe(run.epochs);
    }
    // Between them the two sweeps started each run once, and each run's owner is the sweep that said so.
    const [byA, byB] = [startedIds(ra), startedIds(rb)];
    expect([...byA, ...byB].sort()).toEqual(all.map((r) => r.id));
    for (const run of all) expect(ownerPids(run.owner).sweep).toBe(byA.includes(run.id) ? a.child.pid : b.child.pid);
    // Both really worked at the same time (else this test would prove nothing about concurrency).
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect(integrityCheck(ws.db)).toBe("ok");
  });
});

describe("failing runs", () => {
  it("records a run whose loss becomes NaN as failed with reason and epoch, goes on, exits 1 listing the failures", async () => {
    const ws = makeWorkspace("tsa-nan-");
    // lr 1e30 sends the weights to infinity in the first batch: a real diverging run, no mock.
    const file = ws.experiment(
      "diverges",
      tinyExperimentYaml("diverges", { models: ["ffn"], seeds: [1], extra: "sweep:\n  train.lr: [1.0e+30, 0.01]" }),
    );
    const result = await runCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "1"]);

    expect(result.code, result.stderr).toBe(1);
    const [failed, completed] = [
      runStates(ws.db).filter((r) => r.status === "failed"),
      runStates(ws.db).filter((r) => r.status === "completed"),
    ];
    expect(failed).toHaveLength(1);
    expect(completed).toHaveLength(1);
    expect(failed[0]!.error).toMatch(/^loss became (NaN|Infinity|-Infinity) at epoch 1, batch \d+ of \d+$/);
    expect(failed[0]!.failed_epoch).toBe(1);
    // The diverging run came first; the sweep went on to the next.
    expect(startedIds(result)).toEqual([failed[0]!.id, completed[0]!.id]);
    expect(result.stderr).toContain("1 run(s) failed");
    expect(result.stderr).toContain(`  ${failed[0]!.id} ffn seed 1: ${failed[0]!.error}`);
  });

  it("records a run whose worker process dies as failed, goes on with a new worker, exits 1", async () => {
    const ws = makeWorkspace("tsa-crash-");
    const file = ws.experiment(
      "crash",
      tinyExperimentYaml("crash", { models: ["bilstm-attention"], seeds: [1, 2], epochs: 6, size: 640 }).replace(
        "numPoints: 32",
        "numPoints: 96",
      ),
    );
    // One attempt per run: a run whose worker dies is failed at once (with more, it is retried; shared-store tests).
    const cli = startCli(["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "--concurrency", "1"], {
      env: { TSA_MAX_ATTEMPTS: "1" },
    });
    const victim = await waitFor(() => runStates(ws.db).find((r) => r.status === "running" && r.epochs >= 1), "a run was training", cli);
    process.kill(ownerPids(victim.owner).worker, "SIGKILL");
    const result = await cli.result;

    expect(result.code, result.stderr).toBe(1);
    const after = runStates(ws.db);
    const crashed = after.find((r) => r.id === victim.id)!;
    expect(crashed.status).toBe("failed");
    expect(crashed.error).toBe("its worker process exited (SIGKILL) during the run");
    // Epochs trained before the crash are kept and counted.
    expect(crashed.epochs).toBeGreaterThanOrEqual(victim.epochs);
    expect(crashed.epochs_run).toBe(crashed.epochs);
    expect(after.filter((r) => r.id !== victim.id).map((r) => r.status)).toEqual(["completed"]);
    expect(result.stderr).toContain(`  ${victim.id} bilstm-attention seed `);
    expect(integrityCheck(ws.db)).toBe("ok");
  });
});
