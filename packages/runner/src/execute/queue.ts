import { kernelImplementation } from "@tsa/kernels";
import type { BackendName } from "@tsa/models";
import { openStore, type Claim, type ClaimedRun, type Store } from "@tsa/tracker";
import { availableParallelism } from "node:os";
import { expandRuns, isOutdated, runRecord, type Experiment, type RunPlan } from "../experiment/index.js";
import { gitCommit, ownerId, versions } from "./environment.js";
import type { DoneMessage } from "./messages.js";
import { WorkerPool } from "./pool.js";
import { expectedCost } from "./schedule.js";

/** Timings of the shared queue; environment variables let tests (and slow networks) choose others. */
export interface QueueTimings {
  /** How often a run's worker writes its heartbeat. */
  heartbeatMs: number;
  /** A running run whose heartbeat is older than this (on the database's clock) is requeued by any worker. */
  graceMs: number;
  /** Attempts a run gets before it is failed (a run that kills its worker every time). */
  maxAttempts: number;
  /** How often an idle worker looks for work. */
  pollMs: number;
}

export function queueTimings(env: NodeJS.ProcessEnv = process.env): QueueTimings {
  const ms = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const heartbeatMs = ms("TSA_HEARTBEAT_MS", 5_000);
  return {
    heartbeatMs,
    graceMs: ms("TSA_GRACE_MS", Math.max(60_000, 6 * heartbeatMs)),
    maxAttempts: ms("TSA_MAX_ATTEMPTS", 3),
    pollMs: ms("TSA_POLL_MS", 2_000),
  };
}

/**
 * Puts an experiment's grid in the store's queue, idempotently: runs already there are left alone, except
 * an outdated completed result (redone) and a failed or interrupted run (retried, as a sweep retries them).
 */
export async function enqueueExperiment(
  experiment: Experiment,
  options: { dbPath: string; file: string },
): Promise<{ total: number; added: number; requeued: number }> {
  const store = await openStore(options.dbPath);
  try {
    await store.upsertExperiment({ name: experiment.name, description: experiment.description, file: options.file, spec: experiment });
    const plans = expandRuns(experiment);
    const common = { backend: "auto", kernels: kernelImplementation(), gitCommit: gitCommit(), versions: versions() };
    const added = await store.enqueueRuns(
      plans.map((plan) => ({
        ...runRecord(plan),
        priority: expectedCost(plan),
        ...common,
      })),
    );
    let requeued = 0;
    for (const plan of plans) {
      const recorded = await store.recordedRun(plan.id);
      if (recorded === null) continue;
      const retry = recorded.status === "failed" || recorded.status === "interrupted";
      const outdated = recorded.status === "completed" && isOutdated(plan, recorded.config);
      if ((retry || outdated) && (await store.requeueRun(plan.id, [recorded.status]))) requeued++;
    }
    return { total: plans.length, added, requeued };
  } finally {
    await store.close();
  }
}

export type QueueEvent =
  | { type: "claimed"; claim: Claim; run: ClaimedRun["run"] }
  | { type: "run-end"; claim: Claim; run: ClaimedRun["run"]; status: DoneMessage["status"] | "requeued" | "lost"; error: string | null }
  | { type: "stale"; requeued: string[]; failed: string[] };

export interface QueueOptions extends Partial<QueueTimings> {
  dbPath: string;
  /** Only this experiment's runs (default: any). */
  experiment?: string;
  /** Runs at once, each in its own worker process. */
  concurrency?: number;
  /** Keep polling when the queue is empty, instead of returning once nothing is queued or running. */
  wait?: boolean;
  backend?: BackendName | "auto";
  signal?: AbortSignal;
  onEvent?: (event: QueueEvent) => void;
}

export interface QueueSummary {
  completed: number;
  failed: number;
  /** Runs this worker started but another attempt now holds (this one was too late). */
  lost: number;
}

/** The plan of a claimed run, found by expanding its experiment as recorded (this code's expansion). */
async function planFor(store: Store, claimed: ClaimedRun, cache: Map<string, Map<string, RunPlan>>): Promise<RunPlan | null> {
  let plans = cache.get(claimed.run.experiment);
  if (plans === undefined) {
    const info = (await store.listExperiments()).find((e) => e.name === claimed.run.experiment);
    plans = new Map((info === undefined ? [] : expandRuns(info.spec as Experiment)).map((p) => [p.id, p]));
    cache.set(claimed.run.experiment, plans);
  }
  return plans.get(claimed.run.id) ?? null;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * A worker on the shared queue: claims queued runs (highest expected cost first), trains each in a worker
 * process, and requeues runs whose workers stopped sending heartbeats. Returns when nothing is queued or
 * running any more (or, with `wait`, when stopped).
 */
export async function runQueue(options: QueueOptions): Promise<QueueSummary> {
  const timings = { ...queueTimings(), ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as QueueTimings;
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const emit = options.onEvent ?? (() => {});
  const summary: QueueSummary = { completed: 0, failed: 0, lost: 0 };
  const store = await openStore(options.dbPath);
  const threads = Math.max(1, Math.floor(availableParallelism() / concurrency));
  const pool = new WorkerPool(concurrency, { ...process.env, TSA_KERNEL_THREADS: process.env.TSA_KERNEL_THREADS ?? String(threads) });
  const stop = () => pool.stopAll();
  options.signal?.addEventListener("abort", stop, { once: true });
  const killWorkers = () => pool.killAll();
  process.on("exit", killWorkers);
  const plans = new Map<string, Map<string, RunPlan>>();
  const backend = options.backend ?? "auto";

  const requeueStale = async () => {
    // Nobody could write a heartbeat while the database was away: judge none until a grace period after it.
    if (Date.now() - store.reachableSinceMs < timings.graceMs) return;
    const stale = await store.requeueStaleRuns(timings.graceMs, timings.maxAttempts);
    if (stale.requeued.length + stale.failed.length > 0) emit({ type: "stale", ...stale });
  };

  const slotLoop = async () => {
    while (!options.signal?.aborted) {
      await requeueStale();
      const { pid, slot } = pool.acquire();
      const claimed = await store.claimNext(ownerId(pid), options.experiment).catch((e: unknown) => {
        slot.busy = false;
        throw e;
      });
      if (claimed === null) {
        slot.busy = false;
        if (!options.wait) {
          const progress = await store.queueProgress(options.experiment);
          // Runs still running elsewhere may yet be requeued (their worker may die): stay until they end.
          if (progress.queued === 0 && progress.running === 0) return;
        }
        await sleep(timings.pollMs, options.signal);
        continue;
      }
      const { claim, run } = claimed;
      emit({ type: "claimed", claim, run });
      const plan = await planFor(store, claimed, plans);
      if (plan === null) {
        slot.busy = false;
        const error = `this worker's tsa-lab expands experiment '${run.experiment}' without run ${run.id}: update tsa-lab on this machine`;
        await store.failRun(claim, error, null);
        summary.failed++;
        emit({ type: "run-end", claim, run, status: "failed", error });
        continue;
      }
      const done = await pool.run(
        slot,
        { type: "run", plan, claim, dbPath: options.dbPath, backend, heartbeatMs: timings.heartbeatMs },
        () => {},
      );
      let status: Extract<QueueEvent, { type: "run-end" }>["status"] = done.status;
      if (done.backend === "" && done.status === "failed") {
        // The worker process died: another attempt, or failed for good after the last.
        const outcome = await store.releaseCrashed(claim, done.error ?? "its worker process died", timings.maxAttempts);
        status = outcome === "queued" ? "requeued" : outcome;
      } else if (done.status === "interrupted") {
        const recorded = await store.recordedRun(run.id);
        // Stopped by us (Ctrl-C): back to the queue for whoever is next. Lost: someone else's attempt holds it.
        if (recorded?.status === "interrupted" && (await store.requeueRun(run.id, ["interrupted"]))) status = "requeued";
        else if (recorded?.status !== "interrupted") status = "lost";
      }
      if (status === "completed") summary.completed++;
      else if (status === "failed") summary.failed++;
      else if (status === "lost") summary.lost++;
      emit({ type: "run-end", claim, run, status, error: done.error });
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, slotLoop));
  } finally {
    process.off("exit", killWorkers);
    options.signal?.removeEventListener("abort", stop);
    await pool.close();
    await store.close();
  }
  return summary;
}
