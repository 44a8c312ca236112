// A tuned sweep through the real CLI: every model tries the same configurations on a tuning seed, the best by
// validation loss is trained on the evaluation seeds, and the database says which was chosen and why; a
// sweep stopped with Ctrl-C among its trials resumes without redoing anything completed.
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, sweepWithTwoWorkers, type TestDatabase } from "./postgres.js";
import { makeWorkspace, queryDb, runCli, startCli, tinyExperimentYaml, waitFor, type Workspace } from "./support.js";

const TUNE = [
  "tune:",
  "  space:",
  "    model.normalize: [none, diff]",
  "    train.lr: [0.01, 0.003]",
  "  budget: 4",
  "  seeds: [100]",
].join("\n");
const yaml = (name: string) => tinyExperimentYaml(name, { models: ["ffn", "cnn"], seeds: [1, 2], epochs: 3, extra: TUNE });
const TRIALS = 2 * 4;
const EVALUATIONS = 2 * 2;

interface Row {
  id: string;
  model: string;
  seed: number;
  status: string;
  finished_at: string | null;
  config: string;
  val_loss: number | null;
}

interface Tuning {
  role: "trial" | "evaluation";
  trial: number;
  choice: Record<string, unknown>;
  select?: string;
  score?: number;
  scores?: (number | null)[];
}

function runsOf(db: string): Array<Row & { tuning: Tuning; parts: { normalize: string }; train: { lr: number } }> {
  const rows = queryDb<Row>(
    db,
    "SELECT r.id, r.model, r.seed, r.status, r.finished_at, r.config, m.log_loss AS val_loss FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'val' ORDER BY r.id",
  )!;
  return rows.map((row) => {
    const config = JSON.parse(row.config) as { tuning: Tuning; parts: { normalize: string }; train: { lr: number } };
    return { ...row, tuning: config.tuning, parts: config.parts, train: config.train };
  });
}

const sweepArgs = (ws: Workspace, file: string, jobs = "2") => ["sweep", file, "--db", ws.db, "--reports-dir", ws.reports, "-j", jobs];

describe("a tuned sweep", () => {
  it("evaluates each model's configuration with the lowest validation loss on the evaluation seeds", async () => {
    const ws = makeWorkspace("tsa-tune-");
    const file = ws.experiment("tuned", yaml("tuned"));
    const dry = await runCli([...sweepArgs(ws, file), "--dry-run"]);
    expect(dry.stdout).toContain("12 runs (8 trials: 2 models × 1 point × 4 configurations × 1 tuning seed; then 4 evaluations");

    const result = await runCli(sweepArgs(ws, file));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${TRIALS + EVALUATIONS} run(s) done now, 0 already done, of ${TRIALS + EVALUATIONS}`);
    expect(result.stderr).toContain("chosen on validation, 4 evaluation run(s) enqueued:");

    const runs = runsOf(ws.db);
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => "completed"));
    const trials = runs.filter((r) => r.tuning.role === "trial");
    const evaluations = runs.filter((r) => r.tuning.role === "evaluation");
    expect([trials.length, evaluations.length]).toEqual([TRIALS, EVALUATIONS]);
    expect(new Set(trials.map((r) => r.seed))).toEqual(new Set([100]));
    expect(evaluations.map((r) => r.seed).sort()).toEqual([1, 1, 2, 2]);

    for (const model of ["ffn", "cnn"]) {
      const mine = trials.filter((r) => r.model === model);
      const best = mine.reduce((a, b) => (b.val_loss! < a.val_loss! ? b : a));
      for (const evaluation of evaluations.filter((r) => r.model === model)) {
        // The trial with the lowest validation loss, recorded with its score and every trial's.
        expect(evaluation.tuning).toMatchObject({ role: "evaluation", trial: best.tuning.trial, select: "val_loss", budget: 4 });
        expect(evaluation.tuning.score).toBeCloseTo(best.val_loss!, 12);
        expect(evaluation.tuning.scores![best.tuning.trial]).toBeCloseTo(best.val_loss!, 12);
        expect(evaluation.tuning.choice).toEqual(best.tuning.choice);
        expect(evaluation.parts.normalize).toBe(best.tuning.choice["model.normalize"]);
        expect(evaluation.train.lr).toBe(best.tuning.choice["train.lr"]);
      }
    }
    // The end-of-sweep table counts the evaluations only.
    expect(result.stdout).toMatch(/ffn\s+2\/2\s/);

    // Run again: nothing starts, the same choice stands.
    const again = await runCli(sweepArgs(ws, file));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`0 run(s) done now, ${TRIALS + EVALUATIONS} already done, of ${TRIALS + EVALUATIONS}`);
    expect(runsOf(ws.db)).toEqual(runs);
  });

  it("stopped with Ctrl-C among its trials, resumes without redoing a completed run and makes the same choice", async () => {
    const ws = makeWorkspace("tsa-tune-sigint-");
    const file = ws.experiment("tuned-stop", yaml("tuned-stop"));
    const cli = startCli(sweepArgs(ws, file, "1"));
    await waitFor(
      () => (queryDb<{ n: number }>(ws.db, "SELECT COUNT(*) AS n FROM runs WHERE status = 'completed'")?.[0]?.n ?? 0) >= 2,
      "two trials completed",
      cli,
    );
    cli.child.kill("SIGINT");
    const stopped = await cli.result;
    expect(stopped.code, stopped.stderr).toBe(130);
    const before = runsOf(ws.db).filter((r) => r.status === "completed");
    expect(before.every((r) => r.tuning.role === "trial")).toBe(true);
    // Not started, and not yet planned: the evaluations are counted among the runs left.
    const left = TRIALS + EVALUATIONS - before.length;
    expect(stopped.stderr).toContain(`Interrupted: ${left} run(s) not finished.`);
    expect(stopped.stdout).toContain(`, of ${TRIALS + EVALUATIONS}, in `);

    const resumed = await runCli(sweepArgs(ws, file));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`${left} run(s) done now, ${before.length} already done, of ${TRIALS + EVALUATIONS}`);
    const after = runsOf(ws.db);
    for (const run of before) expect(after.find((r) => r.id === run.id)).toEqual(run);
    expect(after.filter((r) => r.tuning.role === "evaluation")).toHaveLength(EVALUATIONS);
  });
});

describe("a tuned sweep on PostgreSQL", () => {
  let db: TestDatabase | null = null;
  afterEach(async () => {
    await db?.drop();
    db = null;
  });

  it("is worked by two workers, trials and evaluations alike, while the sweep only enqueues and chooses", async () => {
    const ws = makeWorkspace("tsa-tune-pg-");
    const file = ws.experiment("tuned-pg", yaml("tuned-pg"));
    const worked = await sweepWithTwoWorkers(file, { TSA_POLL_MS: "200", INIT_CWD: ws.dir });
    db = worked.db;
    const result = worked.result;
    expect(result.code, result.stdout + result.stderr).toBe(0);

    const rows = await db.query<{ owner: string; status: string; role: string; seed: number }>(
      "SELECT owner, status, config::json->'tuning'->>'role' AS role, seed FROM runs",
    );
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => "completed"));
    const byRole = (role: string) => rows.filter((r) => r.role === role);
    expect([byRole("trial").length, byRole("evaluation").length]).toEqual([TRIALS, EVALUATIONS]);
    // Both workers trained, and evaluations were taken from the queue like trials (the sweep has no workers).
    const ownersOf = (role: string) => new Set(byRole(role).map((r) => r.owner.split(":").slice(0, 2).join(":")));
    expect(new Set([...ownersOf("trial"), ...ownersOf("evaluation")]).size).toBe(2);
    expect(ownersOf("evaluation").size).toBeGreaterThanOrEqual(1);
  });

  it("with -j 0, says when a worker without --wait has left its evaluations untaken, and ends once a worker that waits takes them", async () => {
    const ws = makeWorkspace("tsa-tune-idle-");
    const file = ws.experiment("tuned-idle", yaml("tuned-idle"));
    db = await createDatabase();
    const env = { TSA_POLL_MS: "200", TSA_HEARTBEAT_MS: "500", TSA_GRACE_MS: "2000", INIT_CWD: ws.dir };
    const sweep = startCli(["sweep", file, "--db", db.url, "-j", "0"], { env });
    await waitFor(() => sweep.output().includes("enqueued for other workers"), "the trials were enqueued", sweep);
    // The worker drains the trials and exits: the queue is empty until the sweep has chosen.
    const early = await startCli(["worker", "--db", db.url, "-j", "1"], { env }).result;
    expect(early.code, early.stderr).toBe(0);
    expect(early.stderr).toContain("worker: the queue is empty, so this worker stops; 'tuned-idle' is a tuned or sequential experiment");
    const notice = `${EVALUATIONS} run(s) queued and none running for`;
    await waitFor(() => sweep.output().includes(notice), "the sweep said no worker takes its evaluations", sweep);
    expect(sweep.output()).toContain("A worker started without --wait exits once the queue is empty");
    expect(sweep.output()).toMatch(/Start workers that wait: \S+ worker --db postgres:\/\/\S+ --wait/);
    const waiting = startCli(["worker", "--db", db.url, "-j", "1", "--wait"], { env });
    try {
      const result = await sweep.result;
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`${TRIALS + EVALUATIONS} run(s) done now, 0 already done, of ${TRIALS + EVALUATIONS}`);
    } finally {
      waiting.child.kill("SIGINT");
      await waiting.result;
    }
  });
});
