// The run queue's contract, on both engines: the same statements must mean the same on SQLite and PostgreSQL.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { POSTGRES_SCHEMA_VERSION } from "./postgres-schema.js";
import { newRun, outcome, tempDbPath, tempPostgres } from "./test-support.js";

const experiment = { name: "exp", description: "d", file: "exp.yaml", spec: { name: "exp" } };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function location(engine: "sqlite" | "postgres"): Promise<string> {
  if (engine === "sqlite") return tempDbPath();
  const db = await tempPostgres();
  cleanups.push(db.drop);
  return db.url;
}

async function open(where: string): Promise<Store> {
  const store = await openStore(where);
  cleanups.push(() => store.close());
  return store;
}

const queued = (id: string, priority = 0) => ({ ...newRun(id), priority });

describe.each(["sqlite", "postgres"] as const)("the run queue on %s", (engine) => {
  it("enqueues once, claims the highest priority first, and says when nothing is left", async () => {
    const store = await open(await location(engine));
    await store.upsertExperiment(experiment);
    expect(await store.enqueueRuns([queued("a", 1), queued("b", 5), queued("c", 3)])).toBe(3);
    expect(await store.enqueueRuns([queued("a", 1), queued("b", 5), queued("d", 0)])).toBe(1);
    const order: string[] = [];
    for (let c = await store.claimNext("w"); c !== null; c = await store.claimNext("w")) {
      expect(c.claim.attempt).toBe(1);
      order.push(c.run.id);
    }
    expect(order).toEqual(["b", "c", "a", "d"]);
    expect(await store.queueProgress("exp")).toMatchObject({ queued: 0, running: 4 });
  });

  it("fences a lost claim: a requeued run's old attempt can no longer write, the new one starts clean", async () => {
    const store = await open(await location(engine));
    await store.upsertExperiment(experiment);
    await store.enqueueRuns([queued("r")]);
    const first = (await store.claimNext("old"))!.claim;
    expect(await store.recordEpoch(first, outcome(0.5).epochs[0]!)).toBe(true);
    // A negative grace makes every heartbeat stale at once.
    expect(await store.requeueStaleRuns(-1_000, 3)).toEqual({ requeued: ["r"], failed: [] });
    const second = (await store.claimNext("new"))!.claim;
    expect(second.attempt).toBe(2);
    expect(await store.heartbeat(first)).toBe(false);
    expect(await store.recordEpoch(first, outcome(0.5).epochs[1]!)).toBe(false);
    expect(await store.completeRun(first, outcome(0.1))).toBe(false);
    expect(await store.heartbeat(second)).toBe(true);
    expect((await store.listRuns())[0]!.epochs).toEqual([]);
    expect(await store.completeRun(second, outcome(0.9))).toBe(true);
    expect(await store.failRun(first, "late", null)).toBe(false);
    const [run] = await store.listRuns();
    expect([run!.status, run!.test?.f1, run!.epochs.length]).toEqual(["completed", 0.9, 2]);
  });

  it("fails a run after its last attempt, with the reason", async () => {
    const store = await open(await location(engine));
    await store.upsertExperiment(experiment);
    await store.enqueueRuns([queued("x")]);
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect((await store.claimNext("w"))!.claim.attempt).toBe(attempt);
      expect(await store.requeueStaleRuns(-1_000, 2)).toEqual(
        attempt < 2 ? { requeued: ["x"], failed: [] } : { requeued: [], failed: ["x"] },
      );
    }
    const [run] = await store.listRuns();
    expect(run!.status).toBe("failed");
    expect(run!.error).toMatch(/stopped sending heartbeats 2 time\(s\); gave up/);
    const crashed = await store.enqueueRuns([queued("y")]).then(() => store.claimNext("w"));
    expect(await store.releaseCrashed(crashed!.claim, "its worker process exited (SIGKILL)", 1)).toBe("failed");
  });

  it("takes a dead owner's word at once on SQLite only; on PostgreSQL heartbeats alone decide", async () => {
    const store = await open(await location(engine));
    await store.upsertExperiment(experiment);
    await store.enqueueRuns([queued("gone")]);
    await store.claimNext("host:1:2");
    const stale = await store.requeueStaleRuns(60_000, 3, (owner) => owner === "host:1:2");
    expect(stale).toEqual(engine === "sqlite" ? { requeued: ["gone"], failed: [] } : { requeued: [], failed: [] });
  });

  it("never gives one run to two claimers", async () => {
    const where = await location(engine);
    const setup = await open(where);
    await setup.upsertExperiment(experiment);
    await setup.enqueueRuns(Array.from({ length: 60 }, (_, i) => queued(`q${i}`)));
    // PostgreSQL: eight connections racing; SQLite: one connection (its claims are serialised in-process).
    const stores = engine === "postgres" ? await Promise.all(Array.from({ length: 8 }, () => open(where))) : [setup];
    const claimed = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const mine: string[] = [];
        for (
          let c = await stores[i % stores.length]!.claimNext(`w${i}`);
          c !== null;
          c = await stores[i % stores.length]!.claimNext(`w${i}`)
        )
          mine.push(c.run.id);
        return mine;
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
  });
});

describe("PostgreSQL only", () => {
  it("migrates once when many stores open an empty database at once, and refuses a newer one", async () => {
    const where = await location("postgres");
    await Promise.all(Array.from({ length: 6 }, () => open(where)));
    const client = new pg.Client({ connectionString: where });
    await client.connect();
    cleanups.push(() => client.end());
    const versions = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 }));
    expect((await client.query("SELECT version FROM tsa_schema ORDER BY version")).rows).toEqual(versions);
    const future = POSTGRES_SCHEMA_VERSION + 1;
    await client.query("INSERT INTO tsa_schema VALUES ($1, now(), 'the future')", [future]);
    await expect(openStore(where)).rejects.toThrow(
      new RegExp(
        `written by a newer tsa-lab \\(schema version ${future}, this code knows up to ${POSTGRES_SCHEMA_VERSION}\\).*left untouched`,
      ),
    );
  });

  it("answers read-only SQL in a read-only transaction and refuses writes, one statement at a time", async () => {
    const where = await location("postgres");
    const writer = await open(where);
    await writer.upsertExperiment(experiment);
    const store = await openStore(where, { readonly: true });
    cleanups.push(() => store.close());
    expect(await store.readOnlyQuery("SELECT name, file FROM experiments")).toEqual({
      columns: ["name", "file"],
      rows: [["exp", "exp.yaml"]],
    });
    for (const sql of [
      "DELETE FROM runs",
      "DROP TABLE runs",
      "UPDATE runs SET seed = 1",
      "SELECT 1; DELETE FROM runs",
      "COMMIT; DELETE FROM runs",
    ]) {
      await expect(store.readOnlyQuery(sql), sql).rejects.toThrow(/read-only|SQL error/);
    }
    expect((await store.readOnlyQuery("SELECT COUNT(*) AS n FROM experiments")).rows).toEqual([[1]]);
  });
});
