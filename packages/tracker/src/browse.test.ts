import { UserInputError } from "@tsa/errors";
import { describe, expect, it } from "vitest";
import { openRunBrowser, type RunBrowser } from "./browse.js";
import { parseWhere } from "./columns.js";
import { openStore } from "./store.js";
import { byOwner, newRun, outcome, tempDbPath, tempPostgres } from "./test-support.js";

const experiment = { name: "exp", description: "d", file: "exp.yaml", spec: { name: "exp" } };

/** Five completed runs (f1 0.5 … 0.9, noise 0 … 0.4) and one still running with one epoch. */
async function fill(location: string): Promise<void> {
  const store = await openStore(location);
  const s = byOwner(store);
  await store.upsertExperiment(experiment);
  for (let i = 0; i < 5; i++) {
    const run = newRun(`r${i}`, { seed: i, config: { data: { noise: i / 10, length: [0.1, 0.2] }, parts: { pooling: "attention" } } });
    await s.claim(run, "me");
    await s.completeRun(run.id, "me", outcome(0.5 + i / 10));
  }
  await s.claim(newRun("live", { model: "cnn" }), "me");
  await s.recordEpoch("live", "me", { epoch: 1, trainLoss: 0.7, valLoss: 0.69, trainAccuracy: 0.5, valAccuracy: 0.5, durationMs: 10 });
  await store.close();
}

function behaves(name: string, setUp: () => Promise<{ location: string; done(): Promise<void> }>) {
  const withBrowser = async (fn: (b: RunBrowser, location: string) => Promise<void>) => {
    const { location, done } = await setUp();
    await fill(location);
    const browser = await openRunBrowser(location);
    try {
      await fn(browser, location);
    } finally {
      await browser.close();
      await done();
    }
  };

  describe(`RunBrowser on ${name}`, () => {
    it("pages, filters with the --where grammar, sorts and shows chosen columns", async () => {
      await withBrowser(async (b) => {
        const all = await b.runsPage({ limit: 2 });
        expect(all.total).toBe(6);
        expect(all.rows.map((r) => r.id)).toEqual(["r0", "r1"]);
        const page = await b.runsPage({
          where: [parseWhere("f1>=0.7"), parseWhere("data.length=[0.1,0.2]")],
          sort: "data.noise",
          descending: true,
          columns: ["data.noise", "model.pooling", "f1"],
          limit: 2,
          offset: 1,
        });
        expect(page.total).toBe(3);
        expect(page.rows.map((r) => r.id)).toEqual(["r3", "r2"]);
        expect(page.rows[0]!.values).toEqual({ "data.noise": 0.3, "model.pooling": "attention", f1: expect.closeTo(0.8, 9) });
        expect((await b.runsPage({ where: [parseWhere("model=cnn")] })).rows.map((r) => r.status)).toEqual(["running"]);
      });
    });

    it("binds every value: injection through each parameter reads nothing more and writes nothing", async () => {
      await withBrowser(async (b) => {
        const evil = "x' OR '1'='1'; DROP TABLE runs; --";
        expect((await b.runsPage({ experiment: evil })).total).toBe(0);
        expect((await b.runsPage({ where: [{ key: "model", op: "=", value: evil }] })).total).toBe(0);
        expect((await b.runsPage({ where: [{ key: "data.noise", op: "=", value: evil }] })).total).toBe(0);
        for (const key of [evil, "data.x') OR 1=1 --", "f1; DROP TABLE runs"]) {
          await expect(b.runsPage({ where: [{ key, op: "=", value: "1" }] })).rejects.toThrow(UserInputError);
          await expect(b.runsPage({ sort: key })).rejects.toThrow(UserInputError);
          await expect(b.runsPage({ columns: [key] })).rejects.toThrow(UserInputError);
        }
        await expect(b.runsPage({ where: [{ key: "f1", op: "= 1 OR 1" as "=", value: "1" }] })).rejects.toThrow(UserInputError);
        await expect(b.runsPage({ limit: 1e9 })).rejects.toThrow(/limit: expected an integer from 0 to 500/);
        await expect(b.runsPage({ offset: -1 })).rejects.toThrow(UserInputError);
        await expect(b.runsPage({ offset: 0.5 })).rejects.toThrow(UserInputError);
        expect(await b.runs([evil])).toEqual([]);
        expect(await b.runProgress(evil, 0)).toBeNull();
        expect(await b.experimentRuns(evil)).toBeNull();
        expect((await b.runsPage({})).total).toBe(6);
      });
    });

    it("counts runs by experiment and status, reads a run whole and what a run page has not shown yet", async () => {
      await withBrowser(async (b) => {
        const [exp] = await b.experiments();
        expect(exp).toMatchObject({ name: "exp", total: 6, counts: { completed: 5, running: 1, queued: 0 } });
        expect(exp!.etaMs).toBeGreaterThanOrEqual(0);
        const [run] = await b.runs(["r4"]);
        expect(run!.test!.f1).toBeCloseTo(0.9);
        expect(run!.epochs).toHaveLength(2);
        expect(await b.runProgress("live", 0)).toMatchObject({ status: "running", epochs: [{ epoch: 1, valLoss: 0.69 }] });
        expect((await b.runProgress("live", 1))!.epochs).toEqual([]);
        expect((await b.experimentRuns("exp"))!.runs).toHaveLength(6);
      });
    });

    it("filters a tuned experiment's runs by role (config.tuning.role), in the store's listing and the browser alike", async () => {
      await withBrowser(async (b, location) => {
        const store = await openStore(location);
        const s = byOwner(store);
        const tuned = (id: string, role: string) =>
          newRun(id, { config: { data: { noise: 0 }, tuning: { role, trial: 1, choice: { "model.normalize": "zscore" } } } });
        for (const [id, role] of [
          ["t1", "trial"],
          ["t2", "trial"],
          ["e1", "evaluation"],
        ] as const) {
          await s.claim(tuned(id, role), "me");
          await s.completeRun(id, "me", outcome(0.8));
        }
        const ids = (runs: Array<{ id: string }>) => runs.map((r) => r.id);
        expect(ids(await store.listRuns({ where: [parseWhere("role=trial")] }))).toEqual(["t1", "t2"]);
        expect(ids(await store.listRuns({ where: [parseWhere("role=evaluation")] }))).toEqual(["e1"]);
        // Runs of an untuned experiment have no role: they match neither.
        expect(ids(await store.listRuns({ where: [parseWhere("role!=trial")] }))).toEqual(["e1"]);
        await store.close();
        const page = await b.runsPage({ where: [parseWhere("role=trial")], columns: ["role"] });
        expect(page.rows.map((r) => [r.id, r.values])).toEqual([
          ["t1", { role: "trial" }],
          ["t2", { role: "trial" }],
        ]);
      });
    });

    it("refuses writes: the store is opened read-only", async () => {
      await withBrowser(async (b) => {
        // The connection itself is the read-only one; a statement that writes is refused by the engine.
        const db = (b as unknown as { db: { run(sql: string): Promise<number> } }).db;
        await expect(db.run("DELETE FROM runs")).rejects.toThrow(/read.only/i);
      });
    });
  });
}

behaves("SQLite", async () => ({ location: tempDbPath(), done: async () => {} }));
behaves("PostgreSQL", async () => {
  const pg = await tempPostgres();
  return { location: pg.url, done: pg.drop };
});

describe("changeToken", () => {
  it("changes on SQLite when another connection commits", async () => {
    const location = tempDbPath();
    await fill(location);
    const browser = await openRunBrowser(location);
    const before = await browser.changeToken();
    expect(await browser.changeToken()).toBe(before);
    const store = await openStore(location);
    await store.upsertExperiment({ ...experiment, name: "other" });
    await store.close();
    expect(await browser.changeToken()).not.toBe(before);
    await browser.close();
  });
});
