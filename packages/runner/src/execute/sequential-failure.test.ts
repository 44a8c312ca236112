// A failed run inside a sequential look: the look is decided on its completed runs once every run of it has
// settled, the failed one counted as a missing pair; a resumed sweep does not retry it into another decision.
import { METRIC_CATALOGUE, openStore, type MetricsRow, type RunRecord } from "@tsa/tracker";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandRuns, newRun, parseExperiment, type RunPlan } from "../experiment/index.js";
import { runSweep, type SweepEvent } from "./sweep.js";

// cnn against ffn, no sweep; the first look of 8 seeds decides a difference on all its pairs (1 comparison, Pocock).
const experiment = parseExperiment(
  [
    "name: failed-in-a-look",
    "data: { size: 160, numPoints: 32 }",
    "models: [ffn, cnn]",
    "compare: { treatment: cnn, control: ffn }",
    "seeds: { looks: [8, 10], boundary: pocock }",
    "train: { epochs: 2, patience: 5, batchSize: 32, lr: 0.01 }",
  ].join("\n"),
  "failed-in-a-look.yaml",
);

const metrics = (f1: number): MetricsRow =>
  ({ ...Object.fromEntries(METRIC_CATALOGUE.map((m) => [m.field, m.nullable ? null : f1])), n: 32 }) as unknown as MetricsRow;

const record = (f1: number): RunRecord => ({
  metrics: { val: metrics(f1), test: metrics(f1) },
  epochs: [],
  attention: [],
  trainDurationMs: 1,
  bestEpoch: 1,
  stoppedEarly: false,
  didNotLearn: false,
  backend: "wasm",
  kernels: "native",
});

/** The first look as an earlier sweep left it: every run settled, cnn ahead on each seed, ffn's seed 3 failed. */
async function firstLookSettled(location: string, plans: RunPlan[], failedEpoch: number | null = 1): Promise<RunPlan> {
  const store = await openStore(location);
  const failed = plans.find((p) => p.model === "ffn" && p.seed === 3)!;
  try {
    await store.upsertExperiment({ name: experiment.name, description: "", file: "failed-in-a-look.yaml", spec: experiment });
    const common = { backend: "wasm", kernels: "native", gitCommit: null, versions: {}, priority: 0 };
    await store.enqueueRuns(plans.map((plan) => ({ ...newRun(plan), ...common })));
    for (let claimed = await store.claimNext("earlier"); claimed !== null; claimed = await store.claimNext("earlier")) {
      const plan = plans.find((p) => p.id === claimed.run.id)!;
      if (plan === failed)
        await store.failRun(claimed.claim, failedEpoch === null ? "no such problem on this host" : "NaN loss", failedEpoch);
      else await store.completeRun(claimed.claim, record(plan.model === "cnn" ? 0.9 + plan.seed / 100 : 0.5));
    }
  } finally {
    await store.close();
  }
  return failed;
}

describe("a failed run inside a sequential look", () => {
  it("stands on resume: the look is decided without it, it is not retried, nothing is trained", async () => {
    const location = join(mkdtempSync(join(tmpdir(), "tsa-seq-failed-")), "runs.sqlite");
    const firstLook = expandRuns(experiment).filter((p) => p.seed <= 8);
    const failed = await firstLookSettled(location, firstLook);
    const events: SweepEvent[] = [];
    const summary = await runSweep(experiment, {
      location,
      file: "failed-in-a-look.yaml",
      concurrency: 1,
      pollMs: 50,
      onEvent: (event) => events.push(event),
    });
    expect(events.filter((e) => e.type === "run-start")).toEqual([]);
    const [comparison] = summary.comparisons!;
    // 7 pairs, every one with cnn ahead: decided at the first look, so no seed beyond it.
    expect(comparison).toMatchObject({ verdict: "ahead", next: null, looks: [{ n: 7, decided: "ahead" }] });
    expect(summary.failed.map((f) => [f.plan.id, f.stands])).toEqual([[failed.id, true]]);
    const store = await openStore(location, { readonly: true });
    try {
      expect(await store.runStates([failed.id])).toEqual(
        new Map([[failed.id, expect.objectContaining({ status: "failed", attempts: 1 })]]),
      );
    } finally {
      await store.close();
    }
  });

  it("is retried when it failed outside training (no epoch): such a failure says nothing about the model", async () => {
    const location = join(mkdtempSync(join(tmpdir(), "tsa-seq-failed-")), "runs.sqlite");
    const firstLook = expandRuns(experiment).filter((p) => p.seed <= 8);
    const failed = await firstLookSettled(location, firstLook, null);
    const events: SweepEvent[] = [];
    const summary = await runSweep(experiment, {
      location,
      file: "failed-in-a-look.yaml",
      concurrency: 1,
      pollMs: 50,
      onEvent: (e) => events.push(e),
    });
    expect(events.filter((e) => e.type === "run-start").map((e) => (e as Extract<SweepEvent, { type: "run-start" }>).plan.id)).toContain(
      failed.id,
    );
    expect(summary.failed).toEqual([]);
  });
});
