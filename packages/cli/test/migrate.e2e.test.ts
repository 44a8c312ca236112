// A database written by an older main opens with today's code, keeps every value, and resumes without
// retraining a completed run, on both stores. The fixtures are the smoke sweep as main wrote it at
// 9add303 (schema: SQLite user_version 3, PostgreSQL tsa_schema 1): `runs.sqlite` is the file itself,
// `postgres.sql` a `pg_dump --no-owner --inserts` of the database (psql's \restrict lines removed, so one
// simple query loads it).
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type TestDatabase } from "./postgres.js";
import { makeWorkspace, queryDb, runCli } from "./support.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/main-9add303/", import.meta.url));
const SMOKE = join(FIXTURE, "smoke.yaml");

/**
 * The columns later schemas renamed: what a value was stored under then → where it lives now. The
 * comparison reads today's database through these, so a renamed column must still hold every old value.
 */
const RENAMED: Record<string, Record<string, string>> = {
  // Balanced accuracy, named after the reference's way of computing it until schema 4 (SQLite) / 2 (PostgreSQL).
  metrics: { roc_auc_thresholded: "balanced_accuracy" },
};

/** Every row of the tables that hold results, in a fixed order. `experiments` is compared on its identity and spec (a resume rewrites its file and updated_at). */
const TABLES: Record<string, { columns: string[]; order: string }> = {
  experiments: { columns: ["name", "description", "spec", "created_at"], order: "name" },
  runs: {
    columns: [
      "id",
      "experiment",
      "model",
      "seed",
      "point",
      "config",
      "status",
      "error",
      "failed_epoch",
      "owner",
      "heartbeat_at",
      "attempts",
      "priority",
      "started_at",
      "finished_at",
      "duration_ms",
      "train_duration_ms",
      "epochs_run",
      "best_epoch",
      "stopped_early",
      "did_not_learn",
      "backend",
      "kernels",
      "git_commit",
      "versions",
    ],
    order: "id",
  },
  epochs: {
    columns: ["run_id", "epoch", "train_loss", "val_loss", "train_accuracy", "val_accuracy", "duration_ms"],
    order: "run_id, epoch",
  },
  metrics: {
    columns: [
      "run_id",
      "split",
      "n",
      "accuracy",
      "precision",
      "recall",
      "f1",
      "roc_auc",
      "roc_auc_thresholded",
      "tp",
      "fp",
      "tn",
      "fn",
      "attention_mass_in_window",
      "attention_peak_in_window",
    ],
    order: "run_id, split",
  },
  attention: {
    columns: ["run_id", "series_index", "label", "window_start", "window_end", "signal", "weights"],
    order: "run_id, series_index",
  },
};

/** One SELECT per table: the fixture's column names, read from where each lives in the schema at hand. */
function selects(renamed: boolean): Record<string, string> {
  return Object.fromEntries(
    Object.entries(TABLES).map(([table, { columns, order }]) => {
      const list = columns.map((c) => {
        const now = renamed ? RENAMED[table]?.[c] : undefined;
        return now === undefined ? `"${c}"` : `"${now}" AS "${c}"`;
      });
      return [table, `SELECT ${list.join(", ")} FROM ${table} ORDER BY ${order}`];
    }),
  );
}

const SMOKE_RUNS = 16;

describe("a SQLite database written by main at 9add303", () => {
  it("opens, keeps every value and resumes without retraining a completed run", async () => {
    const ws = makeWorkspace();
    copyFileSync(join(FIXTURE, "runs.sqlite"), ws.db);
    // Read from a second copy: opening the fixture itself would leave WAL files beside it.
    const original = join(ws.dir, "original.sqlite");
    copyFileSync(join(FIXTURE, "runs.sqlite"), original);
    const before = Object.fromEntries(Object.entries(selects(false)).map(([t, sql]) => [t, queryDb(original, sql)]));
    expect(before.runs).toHaveLength(SMOKE_RUNS);
    expect(before.metrics).toHaveLength(2 * SMOKE_RUNS);

    const result = await runCli(["sweep", SMOKE, "--db", ws.db, "--reports-dir", ws.reports]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`0 run(s) done now, ${SMOKE_RUNS} already done, of ${SMOKE_RUNS}`);
    const after = Object.fromEntries(Object.entries(selects(true)).map(([t, sql]) => [t, queryDb(ws.db, sql)]));
    expect(after).toEqual(before);
  });
});

describe("a PostgreSQL database written by main at 9add303", () => {
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await db?.drop();
  });

  const readAll = async (url: string, renamed: boolean) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables: Record<string, unknown[]> = {};
      for (const [t, sql] of Object.entries(selects(renamed))) tables[t] = (await client.query(sql)).rows;
      return tables;
    } finally {
      await client.end();
    }
  };

  it("opens, keeps every value and resumes without retraining a completed run", async () => {
    db = await createDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(readFileSync(join(FIXTURE, "postgres.sql"), "utf8"));
    } finally {
      await client.end();
    }
    const before = await readAll(db.url, false);
    expect(before.runs).toHaveLength(SMOKE_RUNS);

    const ws = makeWorkspace();
    const result = await runCli(["sweep", SMOKE, "--db", db.url, "--reports-dir", ws.reports]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`0 run(s) done now, ${SMOKE_RUNS} already done, of ${SMOKE_RUNS}`);
    expect(await readAll(db.url, true)).toEqual(before);
  });
});
