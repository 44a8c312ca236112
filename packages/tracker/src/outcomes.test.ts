// The narrow read a sweep's strategy decides from, on both engines: status, a few config keys, a few metrics.
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./store.js";
import { newRun, outcome, tempDbPath, tempPostgres } from "./test-support.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(engine: "sqlite" | "postgres"): Promise<Store> {
  let where = tempDbPath();
  if (engine === "postgres") {
    const db = await tempPostgres();
    cleanups.push(db.drop);
    where = db.url;
  }
  const store = await openStore(where);
  cleanups.push(() => store.close());
  for (const name of ["exp", "other"]) await store.upsertExperiment({ name, description: "", file: `${name}.yaml`, spec: { name } });
  return store;
}

const tuning = { role: "trial", trial: 2, choice: { "model.normalize": "zscore" } };
const config = (extra: Record<string, unknown>) => ({ ...newRun("x").config!, ...extra });

describe.each(["sqlite", "postgres"] as const)("runOutcomes on %s", (engine) => {
  it("reads each run's status, the config keys and metrics asked for, and nothing of another experiment", async () => {
    const store = await open(engine);
    await store.enqueueRuns([
      { ...newRun("done", { seed: 1, config: config({ tuning }) }), priority: 3 },
      { ...newRun("broken", { seed: 2, config: config({ tuning: { ...tuning, trial: 1 } }) }), priority: 2 },
      { ...newRun("waiting", { seed: 3 }), priority: 1 },
      { ...newRun("elsewhere", { experiment: "other" }), priority: 0 },
    ]);
    const done = (await store.claimNext("w"))!.claim;
    const val = { ...outcome(0.8).metrics.val, logLoss: 0.25, rocAuc: Number.NaN };
    await store.completeRun(done, outcome(0.9, { metrics: { val, test: outcome(0.9).metrics.test } }));
    await store.failRun((await store.claimNext("w"))!.claim, "boom", 3);

    const outcomes = await store.runOutcomes("exp", {
      metrics: ["logLoss", "f1", "rocAuc", "attentionMassInWindow"],
      config: ["tuning", "seedless"],
    });
    expect(outcomes).toEqual([
      {
        id: "done",
        model: "ffn",
        seed: 1,
        point: { "data.length": [0.1, 0.2] },
        status: "completed",
        config: { tuning },
        // NaN is stored as NULL and reads back as NaN; a metric a model may not have reads back as null.
        val: { logLoss: 0.25, f1: 0.8, rocAuc: Number.NaN, attentionMassInWindow: null },
        test: { logLoss: 0.9, f1: 0.9, rocAuc: 0.9, attentionMassInWindow: null },
      },
      {
        id: "broken",
        model: "ffn",
        seed: 2,
        point: { "data.length": [0.1, 0.2] },
        status: "failed",
        config: { tuning: { ...tuning, trial: 1 } },
        val: null,
        test: null,
      },
      { id: "waiting", model: "ffn", seed: 3, point: { "data.length": [0.1, 0.2] }, status: "queued", config: {}, val: null, test: null },
    ]);
  });

  it("gives a config value of any type back as it was recorded", async () => {
    const store = await open(engine);
    await store.enqueueRuns([{ ...newRun("a", { config: { s: "ffn", n: 2, l: [1, "x"], z: null } }), priority: 0 }]);
    const [run] = await store.runOutcomes("exp", { metrics: [], config: ["s", "n", "l", "z"] });
    // A recorded null is no value: the key is left out, as an absent one.
    expect(run!.config).toEqual({ s: "ffn", n: 2, l: [1, "x"] });
  });

  it("refuses a metric the catalogue does not have and a key that is not a plain name", async () => {
    const store = await open(engine);
    await expect(store.runOutcomes("exp", { metrics: ["nope" as "f1"] })).rejects.toThrow("runOutcomes: no metric 'nope' in the catalogue");
    await expect(store.runOutcomes("exp", { metrics: [], config: ["a') --"] })).rejects.toThrow("is not a config key");
  });
});
