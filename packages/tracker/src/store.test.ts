import { StoreError } from "@tsa/errors";
import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "./schema.js";
import { openStore } from "./store.js";
import { newRun, outcome, tempDbPath } from "./test-support.js";

const experiment = { name: "exp", description: "d", file: "exp.yaml", spec: { name: "exp" } };

describe("openStore", () => {
  it("creates the schema with WAL, foreign keys and the schema version", () => {
    const path = tempDbPath();
    openStore(path).close();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").pluck().all();
    expect(tables).toEqual(["attention", "epochs", "experiments", "metrics", "run_summary", "runs"]);
    db.close();
  });

  it("migrates a version-0 database in place and keeps what was there", () => {
    const path = tempDbPath();
    const old = new Database(path);
    old.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('kept')");
    old.close();
    openStore(path).close();
    const db = new Database(path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT text FROM notes").pluck().get()).toBe("kept");
    db.close();
  });

  it("refuses a database newer than the code and leaves it untouched", () => {
    const path = tempDbPath();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const hash = () => createHash("sha256").update(readFileSync(path)).digest("hex");
    const before = hash();
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(`newer tsa-lab (schema version ${SCHEMA_VERSION + 1}, this code knows up to ${SCHEMA_VERSION})`);
    expect(hash()).toBe(before);
  });

  it("names what is wrong with a directory, a file that is not a database, or a missing read-only file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-bad-"));
    expect(() => openStore(dir)).toThrow(/is a directory/);
    const junk = join(dir, "junk.sqlite");
    writeFileSync(junk, "this is not a database, just some text that is long enough to have a header".repeat(10));
    expect(() => openStore(junk)).toThrow(/is not a SQLite database/);
    expect(() => openStore(join(dir, "missing.sqlite"), { readonly: true })).toThrow(/no run database here yet/);
  });

  it("refuses a read-only file, even to root", () => {
    const path = tempDbPath();
    openStore(path).close();
    chmodSync(path, 0o444);
    expect(() => openStore(path)).toThrow(/not writable/);
  });
});

describe("runs", () => {
  it("retakes a completed run only when its recorded config is outdated, judged under the lock", () => {
    const store = openStore(tempDbPath());
    store.upsertExperiment(experiment);
    const old = newRun("s1", { config: { model: "ffn", code: { generator: 1 } } });
    expect(store.claimRun(old, "me")).toBe(true);
    expect(store.completeRun("s1", "me", outcome(0.8))).toBe(true);
    const seen: unknown[] = [];
    const outdated = (config: unknown) => {
      seen.push(config);
      return (config as { code: { generator: number } }).code.generator < 2;
    };
    const fresh = newRun("s1", { config: { model: "ffn", code: { generator: 2 } } });
    expect(store.claimRun(fresh, "other")).toBe(false);
    expect(store.claimRun(fresh, "other", undefined, { outdated })).toBe(true);
    expect(seen).toEqual([{ model: "ffn", code: { generator: 1 } }]);
    expect(store.recordedRun("s1")).toEqual({ status: "running", config: { model: "ffn", code: { generator: 2 } } });
    expect(store.listRuns()[0]!.test).toBeNull();
    expect(store.completeRun("s1", "other", outcome(0.9))).toBe(true);
    // Redone by now: the same check refuses it.
    expect(store.claimRun(fresh, "third", undefined, { outdated })).toBe(false);
    expect(store.listRuns()[0]!.test?.f1).toBe(0.9);
    store.close();
  });

  it("claims a run once, refuses a completed one, retakes a failed one with its rows cleared", () => {
    const store = openStore(tempDbPath());
    store.upsertExperiment(experiment);
    expect(store.claimRun(newRun("a1"), "me")).toBe(true);
    expect(store.claimRun(newRun("a1"), "other")).toBe(false);
    store.recordEpoch("a1", "me", outcome(0.9).epochs[0]!);
    store.failRun("a1", "me", "loss became NaN at epoch 2", 2);
    expect(store.runStatus("a1")).toBe("failed");
    const failed = store.listRuns()[0]!;
    expect([failed.error, failed.failedEpoch, failed.epochsRun]).toEqual(["loss became NaN at epoch 2", 2, 1]);
    expect(store.claimRun(newRun("a1"), "other")).toBe(true);
    expect(store.listRuns()[0]!.epochs).toEqual([]);
    expect(store.completeRun("a1", "me", outcome(0.9))).toBe(false);
    expect(store.completeRun("a1", "other", outcome(0.9))).toBe(true);
    expect(store.claimRun(newRun("a1"), "third")).toBe(false);
    const run = store.listRuns()[0]!;
    expect(run.status).toBe("completed");
    expect(run.test?.f1).toBe(0.9);
    expect(run.epochs).toHaveLength(2);
    expect([run.epochsRun, run.bestEpoch, run.backend, run.kernels]).toEqual([2, 2, "wasm", "native"]);
    store.close();
  });

  it("marks only runs with a stale heartbeat as interrupted", () => {
    const store = openStore(tempDbPath());
    store.upsertExperiment(experiment);
    store.claimRun(newRun("fresh"), "live");
    store.claimRun(newRun("stale"), "dead");
    expect(store.reapStaleRuns(60_000)).toEqual([]);
    expect(store.heartbeat("fresh", "live")).toBe(true);
    expect(store.reapStaleRuns(60_000, (owner) => owner === "dead")).toEqual(["stale"]);
    expect(store.heartbeat("stale", "dead")).toBe(false);
    expect(store.recordEpoch("stale", "dead", outcome(0.5).epochs[0]!)).toBe(false);
    expect(store.reapStaleRuns(-1)).toEqual(["fresh"]);
    expect(store.runStatus("stale")).toBe("interrupted");
    store.close();
  });

  it("refuses to take over a run another process is training, and takes over a stale one", () => {
    const store = openStore(tempDbPath());
    store.upsertExperiment(experiment);
    store.claimRun(newRun("r"), "first");
    expect(store.claimRun(newRun("r"), "second", 60_000)).toBe(false);
    expect(store.claimRun(newRun("r"), "second", -1)).toBe(true);
    store.close();
  });

  it("filters, sorts and limits by run columns, metrics and config keys", () => {
    const store = openStore(tempDbPath());
    store.upsertExperiment(experiment);
    const specs: Array<[string, string, number, [number, number], number]> = [
      ["r1", "ffn", 1, [0.1, 0.2], 0.6],
      ["r2", "cnn", 1, [0.1, 0.2], 0.8],
      ["r3", "ffn", 2, [0.2, 0.3], 0.7],
    ];
    for (const [id, model, seed, length, f1] of specs) {
      store.claimRun(newRun(id, { model, seed, config: { data: { length }, train: { lr: 0.001 } } }), "me");
      store.completeRun(id, "me", outcome(f1));
    }
    const ids = (runs: Array<{ id: string }>) => runs.map((r) => r.id);
    expect(ids(store.listRuns({ model: "ffn" }))).toEqual(["r1", "r3"]);
    expect(ids(store.listRuns({ seed: 1 }))).toEqual(["r1", "r2"]);
    expect(ids(store.listRuns({ where: [{ key: "data.length", op: "=", value: "[0.1, 0.2]" }] }))).toEqual(["r1", "r2"]);
    expect(ids(store.listRuns({ where: [{ key: "f1", op: ">=", value: "0.7" }] }))).toEqual(["r2", "r3"]);
    expect(ids(store.listRuns({ sort: "f1", descending: true, limit: 2 }))).toEqual(["r2", "r3"]);
    expect(() => store.listRuns({ where: [{ key: "data.colour", op: "=", value: "1" }] })).toThrow(/unknown key 'data.colour'/);
    expect(store.findRunsByPrefix("r")).toEqual({ runs: [], total: 0 });
    store.close();
  });

  it("finds runs by id prefix: the first ones by id, and how many match in all", () => {
    const store = openStore(tempDbPath());
    store.upsertExperiment(experiment);
    const ids = Array.from({ length: 60 }, (_, i) => `ab${i.toString(16).padStart(2, "0")}00000000000f`);
    for (const id of [...ids, "cd0000000000000f"]) store.claimRun(newRun(id), "me");
    const all = store.findRunsByPrefix("AB");
    expect(all.total).toBe(60);
    expect(all.runs.map((r) => r.id)).toEqual(ids.slice(0, 10));
    expect(store.findRunsByPrefix("ab", 100).runs).toHaveLength(60);
    expect(store.findRunsByPrefix("ab3b").total).toBe(1);
    expect(store.findRunsByPrefix("cd").runs.map((r) => r.id)).toEqual(["cd0000000000000f"]);
    store.close();
  });

  it("reads back everything the report needs", () => {
    const path = tempDbPath();
    const store = openStore(path);
    store.upsertExperiment(experiment);
    store.claimRun(newRun("b1", { model: "bilstm-attention" }), "me");
    const attention = [
      { seriesIndex: 4, label: 1 as const, window: [2, 5] as [number, number], signal: [1, 1, 2], weights: [0.2, 0.3, 0.5] },
    ];
    store.completeRun("b1", "me", outcome(0.95, { attention, didNotLearn: true }));
    const results = store.experimentResults("exp")!;
    expect(results.experiment).toMatchObject({ name: "exp", description: "d", spec: { name: "exp" } });
    expect(results.runs[0]).toMatchObject({
      id: "b1",
      model: "bilstm-attention",
      didNotLearn: true,
      attention,
      point: { "data.length": [0.1, 0.2] },
    });
    expect(store.experimentResults("nope")).toBeNull();
    store.close();
  });
});

describe("read-only SQL", () => {
  it("answers SELECTs and refuses writes", () => {
    const path = tempDbPath();
    const writer = openStore(path);
    writer.upsertExperiment(experiment);
    writer.close();
    const store = openStore(path, { readonly: true });
    expect(store.readOnlyQuery("SELECT name, file FROM experiments")).toEqual({ columns: ["name", "file"], rows: [["exp", "exp.yaml"]] });
    for (const sql of [
      "INSERT INTO experiments VALUES ('x','','','{}','','')",
      "DELETE FROM runs",
      "DROP TABLE runs",
      "UPDATE runs SET seed = 1",
      "PRAGMA user_version = 7",
    ]) {
      expect(() => store.readOnlyQuery(sql), sql).toThrow(/read-only/);
    }
    expect(() => store.readOnlyQuery("SELEC nonsense")).toThrow(/SQL error/);
    store.close();
  });

  it("gives the sqlite3 shell a run_summary view", () => {
    const path = tempDbPath();
    const store = openStore(path);
    store.upsertExperiment(experiment);
    store.claimRun(newRun("v1"), "me");
    store.completeRun("v1", "me", outcome(0.75));
    store.close();
    const out = execFileSync(
      "sqlite3",
      [path, "select model, count(*), test_f1, length_min, length_max, best_val_loss from run_summary group by model"],
      { encoding: "utf8" },
    );
    expect(out.trim()).toBe("ffn|1|0.75|0.1|0.2|0.4");
  });
});
