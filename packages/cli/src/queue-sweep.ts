import type { BackendName } from "@tsa/models";
import { enqueueExperiment, expandRuns, runQueue, type Experiment, type SweepSummary } from "@tsa/runner";
import { openStore } from "@tsa/tracker";
import { availableParallelism } from "node:os";
import { queueEventLine, watchQueue } from "./queue-progress.js";

/**
 * A sweep on a shared PostgreSQL store: the grid is enqueued (idempotently), this machine works on it with
 * `concurrency` local workers (0: none, it only shows the progress of whoever works on it), and it returns
 * when no run of the experiment is queued or running, summarised from the store.
 */
export async function queueSweep(
  experiment: Experiment,
  options: { db: string; file: string; concurrency: number | undefined; backend: BackendName | "auto"; signal: AbortSignal },
): Promise<SweepSummary> {
  const started = Date.now();
  const plans = expandRuns(experiment);
  const before = await runStatuses(options.db, experiment.name);
  const queued = await enqueueExperiment(experiment, { dbPath: options.db, file: options.file });
  process.stderr.write(
    `${experiment.name}: ${queued.total} run(s); ${queued.added} newly queued, ${queued.requeued} requeued (shared store: any \`tsa worker\` may take them)\n`,
  );
  const concurrency = options.concurrency ?? availableParallelism();
  if (concurrency === 0) {
    const store = await openStore(options.db, { readonly: true });
    try {
      await watchQueue(store, experiment.name, 5_000, options.signal);
    } finally {
      await store.close();
    }
  } else {
    await runQueue({
      dbPath: options.db,
      experiment: experiment.name,
      concurrency,
      backend: options.backend,
      signal: options.signal,
      onEvent: (event) => {
        const line = queueEventLine(event);
        if (line !== "") process.stderr.write(`${line}\n`);
      },
    });
  }
  const after = await runStatuses(options.db, experiment.name);
  const alreadyCompleted = plans.filter((p) => before.get(p.id)?.status === "completed" && after.get(p.id)?.status === "completed");
  return {
    total: plans.length,
    alreadyCompleted: alreadyCompleted.length,
    completed: plans.filter((p) => after.get(p.id)?.status === "completed" && !alreadyCompleted.includes(p)),
    failed: plans
      .filter((p) => after.get(p.id)?.status === "failed")
      .map((plan) => ({ plan, error: after.get(plan.id)?.error ?? "unknown error", epoch: null })),
    interrupted: plans.filter((p) => after.get(p.id)?.status === "interrupted"),
    claimedElsewhere: [],
    notStarted: plans.filter((p) => ["queued", "running"].includes(after.get(p.id)?.status ?? "queued")),
    durationMs: Date.now() - started,
  };
}

async function runStatuses(db: string, experiment: string) {
  const store = await openStore(db);
  try {
    return new Map((await store.listRuns({ experiment })).map((r) => [r.id, r]));
  } finally {
    await store.close();
  }
}
