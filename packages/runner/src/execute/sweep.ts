import { kernelImplementation } from "@tsa/kernels";
import type { BackendName, EpochRecord } from "@tsa/models";
import { openStore } from "@tsa/tracker";
import { availableParallelism } from "node:os";
import pLimit from "p-limit";
import { expandRuns, isOutdated, runRecord, type Experiment, type RunPlan } from "../experiment/index.js";
import { gitCommit, isOwnerDead, ownerId, versions } from "./environment.js";
import type { RunEndStatus } from "./messages.js";
import { WorkerPool } from "./pool.js";
import { expectedCost, longestFirst } from "./schedule.js";

export interface SweepOptions {
  dbPath: string;
  /** The experiment file, recorded with the experiment. */
  file: string;
  /** Runs at once, each in its own worker process (default: the machine's cores). */
  concurrency?: number;
  backend?: BackendName | "auto";
  /** Abort to stop: no new run starts, runs in flight are marked interrupted. */
  signal?: AbortSignal;
  onEvent?: (event: SweepEvent) => void;
  heartbeatMs?: number;
  staleAfterMs?: number;
}

export type SweepEvent =
  | {
      type: "start";
      total: number;
      alreadyCompleted: number;
      toRun: number;
      reaped: string[];
      outdated: number;
      concurrency: number;
      expectedCost: number;
    }
  | { type: "run-start"; plan: RunPlan; index: number; expectedCost: number }
  | { type: "epoch"; plan: RunPlan; epoch: EpochRecord }
  | { type: "batch"; plan: RunPlan; epoch: number; batch: number; batches: number; loss: number }
  | {
      type: "run-end";
      plan: RunPlan;
      status: RunEndStatus;
      error: string | null;
      testF1: number | null;
      didNotLearn: boolean;
      expectedCost: number;
    }
  | { type: "run-skipped"; plan: RunPlan; reason: string; expectedCost: number };

export interface RunFailure {
  plan: RunPlan;
  error: string;
  epoch: number | null;
}

export interface SweepSummary {
  total: number;
  alreadyCompleted: number;
  completed: RunPlan[];
  failed: RunFailure[];
  interrupted: RunPlan[];
  /** Runs another live sweep held when this one reached them. */
  claimedElsewhere: RunPlan[];
  /** Runs left queued because the sweep was stopped first. */
  notStarted: RunPlan[];
  durationMs: number;
}

export const DEFAULT_HEARTBEAT_MS = 2_000;

/**
 * Runs (or resumes) an experiment: runs already completed are skipped, runs of dead processes are marked
 * interrupted and redone, every other run is claimed atomically (so two sweeps never train the same run)
 * and trained in a worker process, longest expected runs first. Failures are recorded and the sweep goes on.
 */
export async function runSweep(experiment: Experiment, options: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const staleAfterMs = options.staleAfterMs ?? Math.max(30_000, 15 * heartbeatMs);
  const emit = options.onEvent ?? (() => {});
  const plans = expandRuns(experiment);
  const summary: SweepSummary = {
    total: plans.length,
    alreadyCompleted: 0,
    completed: [],
    failed: [],
    interrupted: [],
    claimedElsewhere: [],
    notStarted: [],
    durationMs: 0,
  };

  const store = await openStore(options.dbPath);
  // Workers share the cores: each kernel call gets its share of threads, at least one.
  const threads = Math.max(1, Math.floor(availableParallelism() / concurrency));
  const pool = new WorkerPool(concurrency, { ...process.env, TSA_KERNEL_THREADS: process.env.TSA_KERNEL_THREADS ?? String(threads) });
  const limit = pLimit(concurrency);
  // Queued runs are not cleared from the limiter (p-limit leaves cleared promises pending forever, so
  // the sweep would never return): each one sees the aborted signal when it starts and returns at once.
  const stop = () => pool.stopAll();
  options.signal?.addEventListener("abort", stop, { once: true });
  // A caller that exits at once (a second Ctrl-C) takes the workers with it; their runs are reaped next time.
  const killWorkers = () => pool.killAll();
  process.on("exit", killWorkers);
  try {
    await store.upsertExperiment({ name: experiment.name, description: experiment.description, file: options.file, spec: experiment });
    const reaped = await store.reapStaleRuns(staleAfterMs, isOwnerDead);
    // A completed run counts as done only if the code that made it would make it again (same parts,
    // generator and model code); an outdated one is redone and its old result replaced.
    let outdated = 0;
    const toRun: RunPlan[] = [];
    for (const plan of plans) {
      const recorded = await store.recordedRun(plan.id);
      const stale = recorded?.status === "completed" && isOutdated(plan, recorded.config);
      if (stale) outdated++;
      if (recorded?.status !== "completed" || stale) toRun.push(plan);
    }
    const pending = longestFirst(toRun);
    summary.alreadyCompleted = plans.length - pending.length;
    // Expected costs (arbitrary units, see schedule.ts) let a progress display turn elapsed time into an ETA.
    const pendingCost = pending.reduce((sum, plan) => sum + expectedCost(plan), 0);
    emit({
      type: "start",
      total: plans.length,
      alreadyCompleted: summary.alreadyCompleted,
      toRun: pending.length,
      reaped,
      outdated,
      concurrency,
      expectedCost: pendingCost,
    });

    const common = { backend: options.backend ?? "auto", kernels: kernelImplementation(), gitCommit: gitCommit(), versions: versions() };
    const launched = new Set<string>();
    await Promise.all(
      pending.map((plan, index) =>
        limit(async () => {
          if (options.signal?.aborted) return;
          const { pid, slot } = pool.acquire();
          const owner = ownerId(pid);
          const claim = await store.claimRun({ ...runRecord(plan), ...common }, owner, staleAfterMs, {
            outdated: (recorded) => isOutdated(plan, recorded),
          });
          if (claim === null) {
            slot.busy = false;
            summary.claimedElsewhere.push(plan);
            emit({ type: "run-skipped", plan, reason: "another sweep holds or finished it", expectedCost: expectedCost(plan) });
            return;
          }
          launched.add(plan.id);
          emit({ type: "run-start", plan, index, expectedCost: expectedCost(plan) });
          const done = await pool.run(
            slot,
            { type: "run", plan, claim, dbPath: options.dbPath, backend: common.backend, heartbeatMs },
            (m) => {
              if (m.type === "epoch") emit({ type: "epoch", plan, epoch: m.epoch });
              else if (m.type === "batch") emit({ type: "batch", plan, epoch: m.epoch, batch: m.batch, batches: m.batches, loss: m.loss });
            },
          );
          // A worker that died could not record its own end: the parent does, as the run's owner.
          if (done.status === "failed" && done.backend === "") await store.failRun(claim, done.error ?? "worker failed", done.failedEpoch);
          if (done.status === "interrupted" && done.backend === "") await store.interruptRun(claim);
          if (done.status === "completed") summary.completed.push(plan);
          else if (done.status === "interrupted") summary.interrupted.push(plan);
          else summary.failed.push({ plan, error: done.error ?? "unknown error", epoch: done.failedEpoch });
          emit({
            type: "run-end",
            plan,
            status: done.status,
            error: done.error,
            testF1: done.testF1,
            didNotLearn: done.didNotLearn,
            expectedCost: expectedCost(plan),
          });
        }),
      ),
    );
    summary.notStarted = pending.filter((p) => !launched.has(p.id) && !summary.claimedElsewhere.includes(p));
  } finally {
    process.off("exit", killWorkers);
    options.signal?.removeEventListener("abort", stop);
    await pool.close();
    await store.close();
  }
  summary.durationMs = Date.now() - started;
  return summary;
}
