// The engine as the next features use it (tuning, sequential seeds): runs added to a sweep while it works,
// a wait on a chosen set of runs, real worker processes and a real SQLite store.
import { openStore } from "@tsa/tracker";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandRuns, parseExperiment } from "../experiment/index.js";
import { Engine, type EngineEvent } from "./engine.js";

const experiment = parseExperiment(
  [
    "name: grows",
    "description: runs added while the sweep works",
    "data: { size: 160, numPoints: 32 }",
    "models: [ffn]",
    "seeds: [1, 2, 3, 4]",
    "train: { epochs: 2, patience: 5, batchSize: 32, lr: 0.01 }",
  ].join("\n"),
  "grows.yaml",
);

describe("the engine", () => {
  it("takes runs added while it works, waits for any set of them, and trains each exactly once", async () => {
    const location = join(mkdtempSync(join(tmpdir(), "tsa-engine-")), "runs.sqlite");
    const plans = expandRuns(experiment);
    const [first, later] = [plans.slice(0, 2), plans.slice(2)];
    const events: EngineEvent[] = [];
    let added: Promise<unknown> | null = null;
    const engine = await Engine.open({
      location,
      concurrency: 2,
      pollMs: 50,
      onEvent: (event) => {
        events.push(event);
        // Once a first run has finished, add the rest, and the first ones again (enqueue is idempotent).
        if (event.type === "run-end" && added === null) added = engine.enqueue([...first, ...later], { experiment, file: "grows.yaml" });
      },
    });
    try {
      await engine.enqueue(first, { experiment, file: "grows.yaml" });
      engine.work();
      const firstStates = await engine.settled(first.map((p) => p.id));
      expect([...firstStates.values()].map((s) => s.status)).toEqual(["completed", "completed"]);
      await added;
      const all = await engine.settled(plans.map((p) => p.id));
      expect([...all.values()].map((s) => [s.status, s.attempts])).toEqual(plans.map(() => ["completed", 1]));
    } finally {
      await engine.close();
    }
    const starts = events.flatMap((e) => (e.type === "run-start" ? [e.plan.id] : []));
    expect(starts.sort()).toEqual(plans.map((p) => p.id).sort());
    // The later runs really were added while the engine was working: after a run had ended.
    const firstEnd = events.findIndex((e) => e.type === "run-end");
    for (const plan of later) expect(events.findIndex((e) => e.type === "run-start" && e.plan.id === plan.id)).toBeGreaterThan(firstEnd);
    const store = await openStore(location, { readonly: true });
    try {
      const runs = await store.listRuns({ experiment: "grows" });
      expect(runs.map((r) => [r.status, r.epochs.length])).toEqual(plans.map(() => ["completed", 2]));
    } finally {
      await store.close();
    }
  });
});
