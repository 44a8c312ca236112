// The engine as the next features use it (tuning, sequential seeds): runs added to a sweep while it works,
// a wait on a chosen set of runs, real worker processes and a real SQLite store.
import { openStore } from "@tsa/tracker";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandRuns, parseExperiment } from "../experiment/index.js";
import { Engine, type EngineEvent } from "./engine.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));

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

  it("plans a queued archive run afresh when its problem's files were edited, and a worker refuses one nobody planned afresh", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsa-engine-archive-"));
    cpSync(join(FIXTURES, "archive", "GunPoint"), join(dir, "GunPoint"), { recursive: true });
    const edited = parseExperiment(
      `name: edited\ndata: { problem: GunPoint, folder: ${dir} }\nmodels: [ffn]\nseeds: [1, 2]\ntrain: { epochs: 1, batchSize: 8 }\n`,
      "edited.yaml",
    );
    const [stale, replanned] = expandRuns(edited);
    const location = join(dir, "runs.sqlite");
    const engine = await Engine.open({ location, concurrency: 1, pollMs: 50 });
    try {
      await engine.enqueue([stale!, replanned!], { experiment: edited, file: "edited.yaml" });
      const train = join(dir, "GunPoint", "GunPoint_TRAIN.ts");
      writeFileSync(train, readFileSync(train, "utf8").replace("-0.6478854,", "-0.6478855,"));
      // Only the second is enqueued again (as a resumed sweep would), after the edit.
      await engine.enqueue([replanned!], { experiment: edited, file: "edited.yaml" });
      engine.work();
      const states = await engine.settled([stale!.id, replanned!.id]);
      expect(states.get(replanned!.id)!.status).toBe("completed");
      expect(states.get(stale!.id)!.status).toBe("failed");
      expect(states.get(stale!.id)!.error).toMatch(
        /^data\.problem 'GunPoint': its files here \(.+\) hold other series \([0-9a-f]{16}\) than this run was enqueued with \([0-9a-f]{16}\)/,
      );
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
