import { StoreError } from "@tsa/errors";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBetterSqlite3 } from "./better-sqlite3.js";
import { SCHEMA_VERSION } from "./schema.js";
import { openStore } from "./store.js";
import { byOwner, newRun, outcome, tempDbPath } from "./test-support.js";

const Database = loadBetterSqlite3();

const experiment = { name: "exp", description: "d", file: "exp.yaml", spec: { name: "exp" } };

describe("openStore", () => {
  it("creates the schema with WAL, foreign keys and the schema version", async () => {
    const path = tempDbPath();
    await (await openStore(path)).close();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").pluck().all();
    expect(tables).toEqual(["attention", "epochs", "experiments", "metrics", "run_summary", "runs"]);
    db.close();
  });

  it("migrates a version-0 database in place and keeps what was there", async () => {
    const path = tempDbPath();
    const old = new Database(path);
    old.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')");
    old.close();
    await (await openStore(path)).close();
    const db = new Database(path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT text FROM notes").pluck().get()).toBe("kept");
    db.close();
  });

  it("refuses a database newer than the code and leaves it untouched", async () => {
    const path = tempDbPath();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const hash = () => createHash("sha256").update(readFileSync(path)).digest("hex");
    const before = hash();
    await expect(openStore(path)).rejects.toThrow(StoreError);
    await expect(openStore(path)).rejects.toThrow(
      `newer tsa-lab (schema version ${SCHEMA_VERSION + 1}, this code knows up to ${SCHEMA_VERSION})`,
    );
    expect(hash()).toBe(before);
  });

  it("names what is wrong with a directory, a file that is not a database, or a missing read-only file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-bad-"));
    await expect(openStore(dir)).rejects.toThrow(/is a directory/);
    // The library says what is wrong and what kind of remedy helps; naming a flag is the command line's job.
    await expect(openStore(dir)).rejects.toMatchObject({ message: `${dir}: is a directory`, remedy: "file-path" });
    const junk = join(dir, "junk.sqlite");
    writeFileSync(junk, "this is not a database, just some text that is long enough to have a header".repeat(10));
    await expect(openStore(junk)).rejects.toThrow(/is not a SQLite database/);
    await expect(openStore(join(dir, "missing.sqlite"), { readonly: true })).rejects.toThrow(/no run database here yet/);
  });

  it("refuses a read-only file, even to root", async () => {
    const path = tempDbPath();
    await (await openStore(path)).close();
    chmodSync(path, 0o444);
    await expect(openStore(path)).rejects.toThrow(/not writable/);
  });
});

describe("runs", () => {
  it("requeues a completed run only on request, with its new config, its old result cleared", async () => {
    const store = await openStore(tempDbPath());
    const runs = byOwner(store);
    await store.upsertExperiment(experiment);
    const old = newRun("s1", { config: { model: "ffn", code: { generator: 1 } } });
    expect(await runs.claim(old, "me")).toBe(true);
    expect(await runs.completeRun("s1", "me", outcome(0.8))).toBe(true);
    const fresh = newRun("s1", { config: { model: "ffn", code: { generator: 2 } } });
    // Enqueued again, a completed run stays as it is: nobody can take it.
    expect(await runs.claim(fresh, "other")).toBe(false);
    expect(await store.recordedRun("s1")).toEqual({ status: "completed", config: { model: "ffn", code: { generator: 1 } } });
    expect(await store.requeueRun("s1", ["failed", "interrupted"], fresh)).toBe(false);
    expect(await store.requeueRun("s1", ["completed"], fresh)).toBe(true);
    expect(await store.recordedRun("s1")).toEqual({ status: "queued", config: { model: "ffn", code: { generator: 2 } } });
    expect((await store.listRuns())[0]!.test).toBeNull();
    expect(await runs.claim(fresh, "other")).toBe(true);
    expect(await runs.completeRun("s1", "me", outcome(0.1))).toBe(false);
    expect(await runs.completeRun("s1", "other", outcome(0.9))).toBe(true);
    expect(await runs.claim(fresh, "third")).toBe(false);
    expect((await store.listRuns())[0]!.test?.f1).toBe(0.9);
    await store.close();
  });

  it("claims a run once, refuses a completed one, retakes a failed one with its rows cleared", async () => {
    const store = await openStore(tempDbPath());
    const runs = byOwner(store);
    await store.upsertExperiment(experiment);
    expect(await runs.claim(newRun("a1"), "me")).toBe(true);
    expect(await runs.claim(newRun("a1"), "other")).toBe(false);
    await runs.recordEpoch("a1", "me", outcome(0.9).epochs[0]!);
    await runs.failRun("a1", "me", "loss became NaN at epoch 2", 2);
    expect(await runs.runStatus("a1")).toBe("failed");
    const failed = (await store.listRuns())[0]!;
    expect([failed.error, failed.failedEpoch, failed.epochsRun]).toEqual(["loss became NaN at epoch 2", 2, 1]);
    expect(await store.runStates(["a1", "nope"])).toEqual(
      new Map([["a1", { status: "failed", error: "loss became NaN at epoch 2", failedEpoch: 2, attempts: 1 }]]),
    );
    expect(await store.requeueRun("a1", ["failed", "interrupted"])).toBe(true);
    expect(await runs.claim(newRun("a1"), "other")).toBe(true);
    expect((await store.listRuns())[0]!.epochs).toEqual([]);
    expect(await runs.completeRun("a1", "me", outcome(0.9))).toBe(false);
    expect(await runs.completeRun("a1", "other", outcome(0.9))).toBe(true);
    expect(await runs.claim(newRun("a1"), "third")).toBe(false);
    const run = (await store.listRuns())[0]!;
    expect(run.status).toBe("completed");
    expect(run.test?.f1).toBe(0.9);
    expect(run.epochs).toHaveLength(2);
    expect([run.epochsRun, run.bestEpoch, run.backend, run.kernels]).toEqual([2, 2, "wasm", "native"]);
    await store.close();
  });

  it("requeues a run whose owner is dead at once, a silent one after the grace period, a live one never", async () => {
    const store = await openStore(tempDbPath());
    const runs = byOwner(store);
    await store.upsertExperiment(experiment);
    await runs.claim(newRun("fresh"), "live");
    await runs.claim(newRun("stale"), "dead");
    expect(await store.requeueStaleRuns(60_000, 3)).toEqual({ requeued: [], failed: [] });
    expect(await runs.heartbeat("fresh", "live")).toBe(true);
    expect(await store.requeueStaleRuns(60_000, 3, (owner) => owner === "dead")).toEqual({ requeued: ["stale"], failed: [] });
    expect(await runs.heartbeat("stale", "dead")).toBe(false);
    expect(await runs.recordEpoch("stale", "dead", outcome(0.5).epochs[0]!)).toBe(false);
    expect(await store.requeueStaleRuns(-1_000, 3)).toEqual({ requeued: ["fresh"], failed: [] });
    expect(await runs.runStatus("stale")).toBe("queued");
    await store.close();
  });

  it("refuses to take over a run another process is training, and takes over a stale one", async () => {
    const store = await openStore(tempDbPath());
    const runs = byOwner(store);
    await store.upsertExperiment(experiment);
    await runs.claim(newRun("r"), "first");
    expect(await runs.claim(newRun("r"), "second")).toBe(false);
    expect(await store.requeueStaleRuns(60_000, 3)).toEqual({ requeued: [], failed: [] });
    expect(await store.requeueStaleRuns(-1_000, 3)).toEqual({ requeued: ["r"], failed: [] });
    expect(await runs.claim(newRun("r"), "second")).toBe(true);
    expect((await store.runStates(["r"])).get("r")?.attempts).toBe(2);
    await store.close();
  });

  it("filters, sorts and limits by run columns, metrics and config keys", async () => {
    const store = await openStore(tempDbPath());
    const runs = byOwner(store);
    await store.upsertExperiment(experiment);
    const specs: Array<[string, string, number, [number, number], number]> = [
      ["r1", "ffn", 1, [0.1, 0.2], 0.6],
      ["r2", "cnn", 1, [0.1, 0.2], 0.8],
      ["r3", "ffn", 2, [0.2, 0.3], 0.7],
    ];
    for (const [id, model, seed, length, f1] of specs) {
      await runs.claim(newRun(id, { model, seed, config: { data: { length }, train: { lr: 0.001 } } }), "me");
      await runs.completeRun(id, "me", outcome(f1));
    }
    const ids = (runs: Array<{ id: string }>) => runs.map((r) => r.id);
    expect(ids(await store.listRuns({ model: "ffn" }))).toEqual(["r1", "r3"]);
    expect(ids(await store.listRuns({ seed: 1 }))).toEqual(["r1", "r2"]);
    expect(ids(await store.listRuns({ where: [{ key: "data.length", op: "=", value: "[0.1, 0.2]" }] }))).toEqual(["r1", "r2"]);
    expect(ids(await store.listRuns({ where: [{ key: "f1", op: ">=", value: "0.7" }] }))).toEqual(["r2", "r3"]);
    expect(ids(await store.listRuns({ sort: "f1", descending: true, limit: 2 }))).toEqual(["r2", "r3"]);
    // Config keys (data.*, train.*, model.*) are the caller's to check (the CLI knows the config schema).
    await expect(store.listRuns({ where: [{ key: "colour", op: "=", value: "1" }] })).rejects.toThrow(/unknown key 'colour'/);
    expect(await store.findRunsByPrefix("r")).toEqual({ runs: [], total: 0 });
    await store.close();
  });

  it("finds runs by id prefix: the first ones by id, and how many match in all", async () => {
    const store = await openStore(tempDbPath());
    await store.upsertExperiment(experiment);
    const ids = Array.from({ length: 60 }, (_, i) => `ab${i.toString(16).padStart(2, "0")}00000000000f`);
    await store.enqueueRuns([...ids, "cd0000000000000f"].map((id) => ({ ...newRun(id), priority: 0 })));
    const all = await store.findRunsByPrefix("AB");
    expect(all.total).toBe(60);
    expect(all.runs.map((r) => r.id)).toEqual(ids.slice(0, 10));
    expect((await store.findRunsByPrefix("ab", 100)).runs).toHaveLength(60);
    expect((await store.findRunsByPrefix("ab3b")).total).toBe(1);
    expect((await store.findRunsByPrefix("cd")).runs.map((r) => r.id)).toEqual(["cd0000000000000f"]);
    await store.close();
  });

  it("reads back everything the report needs", async () => {
    const path = tempDbPath();
    const store = await openStore(path);
    const runs = byOwner(store);
    await store.upsertExperiment(experiment);
    await runs.claim(newRun("b1", { model: "bilstm-attention" }), "me");
    const attention = [
      { seriesIndex: 4, label: 1 as const, window: [2, 5] as [number, number], signal: [1, 1, 2], weights: [0.2, 0.3, 0.5] },
    ];
    await runs.completeRun("b1", "me", outcome(0.95, { attention, didNotLearn: true }));
    const results = (await store.experimentResults("exp"))!;
    expect(results.experiment).toMatchObject({ name: "exp", description: "d", spec: { name: "exp" } });
    expect(results.runs[0]).toMatchObject({
      id: "b1",
      model: "bilstm-attention",
      didNotLearn: true,
      attention,
      point: { "data.length": [0.1, 0.2] },
    });
    expect(await store.experimentResults("nope")).toBeNull();
    await store.close();
  });
});

describe("read-only SQL", () => {
  it("answers SELECTs and refuses writes", async () => {
    const path = tempDbPath();
    const writer = await openStore(path);
    await writer.upsertExperiment(experiment);
    await writer.close();
    const store = await openStore(path, { readonly: true });
    expect(await store.readOnlyQuery("SELECT name, file FROM experiments")).toEqual({
      columns: ["name", "file"],
      rows: [["exp", "exp.yaml"]],
    });
    for (const sql of [
      "INSERT INTO experiments VALUES ('x','','','{}','','')",
      "DELETE FROM runs",
      "DROP TABLE runs",
      "UPDATE runs SET seed = 1",
      "PRAGMA user_version = 7",
    ]) {
      await expect(store.readOnlyQuery(sql), sql).rejects.toThrow(/read-only/);
    }
    await expect(store.readOnlyQuery("SELEC nonsense")).rejects.toThrow(/SQL error/);
    await store.close();
  });

  it("gives the sqlite3 shell a run_summary view", async () => {
    const path = tempDbPath();
    const store = await openStore(path);
    const runs = byOwner(store);
    await store.upsertExperiment(experiment);
    await runs.claim(newRun("v1"), "me");
    await runs.completeRun("v1", "me", outcome(0.75));
    await store.close();
    const out = execFileSync(
      "sqlite3",
      [path, "select model, count(*), test_f1, length_min, length_max, best_val_loss from run_summary group by model"],
      { encoding: "utf8" },
    );
    expect(out.trim()).toBe("ffn|1|0.75|0.1|0.2|0.4");
  });
});
