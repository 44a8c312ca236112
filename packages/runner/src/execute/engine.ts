import { isArchiveData } from "@tsa/data";
import { kernelImplementation } from "@tsa/kernels";
import type { BackendName, EpochRecord } from "@tsa/models";
import {
  openStore,
  type Claim,
  type ClaimedRun,
  type OutcomeQuery,
  type QueueProgress,
  type RunOutcome,
  type RunState,
  type Store,
} from "@tsa/tracker";
import { availableParallelism } from "node:os";
import { newRun, isOutdated, recordedSeries, type Experiment, type RunPlan } from "../experiment/index.js";
import { gitCommit, isOwnerDead, ownerId, versions } from "./environment.js";
import type { RunEndStatus } from "./messages.js";
import { recordedPlans } from "./plans.js";
import { WorkerPool } from "./pool.js";
import { expectedCost } from "./schedule.js";
import { queueTimings, type QueueTimings } from "./timings.js";

/** What the engine tells its caller, for progress displays: runs taken, their epochs and batches, their ends. */
export type EngineEvent =
  | { type: "run-start"; plan: RunPlan; claim: Claim; expectedCost: number }
  | { type: "epoch"; plan: RunPlan; epoch: EpochRecord }
  | { type: "batch"; plan: RunPlan; epoch: number; batch: number; batches: number; loss: number }
  | {
      type: "run-end";
      plan: RunPlan;
      claim: Claim;
      /** requeued: its worker died and it has attempts left; lost: another attempt holds it now. */
      status: RunEndStatus | "requeued" | "lost";
      error: string | null;
      testF1: number | null;
      didNotLearn: boolean;
      expectedCost: number;
    }
  /** A claimed run this code cannot plan (another version of tsa-lab enqueued it): failed with the reason. */
  | { type: "unplannable"; claim: Claim; run: ClaimedRun["run"]; error: string }
  | { type: "stale"; requeued: string[]; failed: string[] }
  /** Where the queue stands, every poll, when this engine has no local workers (it only watches). */
  | { type: "watch"; progress: QueueProgress };

export interface EngineOptions extends Partial<QueueTimings> {
  /** The run store: a SQLite file path or a postgres:// URL (the same value as every command's --db). */
  location: string;
  /** Only this experiment's runs (default: any). */
  experiment?: string;
  /** Local worker processes, each training one run at a time (default: the machine's cores; 0: none, watch only). */
  concurrency?: number;
  backend?: BackendName | "auto";
  /** Abort to stop: no new run starts; runs in flight stop (see `stopped`). */
  signal?: AbortSignal;
  onEvent?: (event: EngineEvent) => void;
  /**
   * A run stopped by `signal`: left `interrupted` (a sweep: its resume redoes it) or put back in the queue
   * (a worker: whoever is next takes it).
   */
  stopped?: "interrupted" | "requeue";
  /** Local workers return once nothing is queued or running (a `tsa worker` without --wait), not at `close`. */
  untilDrained?: boolean;
}

export interface QueueSummary {
  completed: number;
  failed: number;
  /** Runs this engine started but another attempt now holds (this one was too late). */
  lost: number;
}

export interface EnqueueResult {
  /** Runs new to the store. */
  added: number;
  /** Failed or interrupted runs put back in the queue. */
  retried: number;
  /** Completed runs made by other parts or older code, put back in the queue. */
  outdated: number;
  /** Completed runs that stand: nothing to do. */
  completed: string[];
}

/** A run is settled when nobody will train it without being asked again. */
const SETTLED = new Set(["completed", "failed", "interrupted"]);

/**
 * Wakes whoever waits (idle workers, `settled`) when something happened, or after `ms` at the latest. A
 * waiter that looked at the store at generation `since` returns at once if something happened since: a
 * wake-up while it was reading is not lost (it would cost a whole poll, at the end of every sweep).
 */
class Wakeup {
  generation = 0;
  private waiting: Array<() => void> = [];
  wait(ms: number, signal: AbortSignal | undefined, since: number): Promise<void> {
    // Not at once when already aborted: a stopped caller waits for the runs in flight (wake) like any other.
    if (since !== this.generation) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => (clearTimeout(timer), signal?.removeEventListener("abort", done), resolve());
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
      this.waiting.push(done);
    });
  }
  wake(): void {
    this.generation++;
    for (const done of this.waiting.splice(0)) done();
  }
}

/**
 * The one engine, on every store: runs are enqueued (idempotently) and local worker processes take them
 * from the store's queue, one claim protocol and one lifecycle (queued → running → completed | failed |
 * interrupted; `attempts` fences a claim; heartbeats; a run whose worker died requeued up to
 * `maxAttempts`). A caller may enqueue more runs while it works and wait for any set of them to settle,
 * so a strategy can look at finished runs before it adds the next.
 */
export class Engine {
  readonly concurrency: number;
  private readonly timings: QueueTimings;
  private readonly emit: (event: EngineEvent) => void;
  private readonly pool: WorkerPool;
  private readonly plans = new Map<string, RunPlan>();
  private readonly wakeup = new Wakeup();
  private readonly common = { kernels: kernelImplementation(), gitCommit: gitCommit(), versions: versions() };
  private readonly summary: QueueSummary = { completed: 0, failed: 0, lost: 0 };
  private working: Promise<void> | null = null;
  private workersDone = false;
  private failure: { error: unknown } | null = null;
  private closing = false;
  private lastWatchMs = 0;
  private readonly killWorkers = () => this.pool.killAll();
  private readonly stop = () => this.pool.stopAll();

  private constructor(
    private readonly store: Store,
    private readonly options: EngineOptions,
  ) {
    this.timings = { ...queueTimings(), ...definedOnly(options) };
    this.concurrency = Math.max(0, options.concurrency ?? availableParallelism());
    this.emit = options.onEvent ?? (() => {});
    // Workers share the cores: each kernel call gets its share of threads, at least one.
    const threads = Math.max(1, Math.floor(availableParallelism() / Math.max(1, this.concurrency)));
    this.pool = new WorkerPool(this.concurrency, { ...process.env, TSA_KERNEL_THREADS: process.env.TSA_KERNEL_THREADS ?? String(threads) });
    options.signal?.addEventListener("abort", this.stop, { once: true });
    // A caller that exits at once (a second Ctrl-C) takes the workers with it; their runs are requeued next time.
    process.on("exit", this.killWorkers);
  }

  static async open(options: EngineOptions): Promise<Engine> {
    return new Engine(await openStore(options.location), options);
  }

  /**
   * Runs whose worker is gone go back to the queue (or fail after their last attempt). A dead local owner
   * is seen at once on SQLite; everywhere, a heartbeat older than the grace period. Returns the requeued.
   */
  async requeueStale(): Promise<string[]> {
    // Nobody could write a heartbeat while the database was away: judge none until a grace period after it.
    if (Date.now() - this.store.reachableSinceMs < this.timings.graceMs) return [];
    const stale = await this.store.requeueStaleRuns(this.timings.graceMs, this.timings.maxAttempts, isOwnerDead);
    if (stale.requeued.length + stale.failed.length > 0) this.emit({ type: "stale", ...stale });
    return stale.requeued;
  }

  /**
   * Puts runs in the queue, idempotently: a run already there is left alone, except a failed or interrupted
   * one (retried, but a failed one whose failure `failureStands`) and a completed one made by other parts or
   * older code (redone). Any time, also while
   * working: idle local workers take the new runs at once.
   */
  async enqueue(
    plans: readonly RunPlan[],
    source: { experiment: Experiment; file: string },
    options: { failureStands?: (plan: RunPlan, state: RunState | undefined) => boolean } = {},
  ): Promise<EnqueueResult> {
    const { experiment, file } = source;
    await this.store.upsertExperiment({ name: experiment.name, description: experiment.description, file, spec: experiment });
    const record = (plan: RunPlan) => ({ ...newRun(plan), backend: "auto", ...this.common });
    for (const plan of plans) this.plans.set(plan.id, plan);
    const added = await this.store.enqueueRuns(plans.map((plan) => ({ ...record(plan), priority: expectedCost(plan) })));
    const result: EnqueueResult = { added, retried: 0, outdated: 0, completed: [] };
    const states = await this.store.runStates(plans.map((p) => p.id));
    for (const plan of plans) {
      const status = states.get(plan.id)?.status;
      if (status === "failed" && options.failureStands?.(plan, states.get(plan.id)) === true) continue;
      if (status === "failed" || status === "interrupted") {
        if (await this.store.requeueRun(plan.id, [status], record(plan))) result.retried++;
      } else if (status === "completed") {
        const recorded = await this.store.recordedRun(plan.id);
        if (recorded !== null && !isOutdated(plan, recorded.config)) result.completed.push(plan.id);
        else if (await this.store.requeueRun(plan.id, ["completed"], record(plan))) result.outdated++;
      } else if (status === "queued" && isArchiveData(plan.data)) {
        // Queued under series its problem's files no longer hold (edited since): its worker would refuse it, so
        // it is planned on the files as they are now.
        const recorded = await this.store.recordedRun(plan.id);
        const fresh = record(plan);
        if (recorded !== null && recordedSeries(recorded.config) !== recordedSeries(fresh.config))
          await this.store.requeueRun(plan.id, ["queued"], fresh);
      }
    }
    this.wakeup.wake();
    return result;
  }

  /** Every stored run of an experiment, narrowly (`Store.runOutcomes`): what a strategy decides its next runs from. */
  runOutcomes(experiment: string, query: OutcomeQuery): Promise<RunOutcome[]> {
    return this.store.runOutcomes(experiment, query);
  }

  /** Starts the local workers (once). */
  work(): void {
    if (this.working !== null) return;
    const loops = Array.from({ length: this.concurrency }, () => this.workerLoop());
    this.working = Promise.all(loops).then(
      () => {
        this.workersDone = true;
        this.wakeup.wake();
      },
      (error: unknown) => {
        this.workersDone = true;
        this.failure = { error };
        this.pool.stopAll();
        this.wakeup.wake();
      },
    );
  }

  /**
   * Resolves when every run of `ids` is settled (completed, failed or interrupted), with their states; or,
   * once stopped, when the local workers have ended (runs still queued or running are then in the map as such).
   */
  async settled(ids: readonly string[]): Promise<Map<string, RunState>> {
    for (;;) {
      if (this.failure !== null) throw this.failure.error;
      const since = this.wakeup.generation;
      const states = await this.store.runStates(ids);
      if (ids.every((id) => SETTLED.has(states.get(id)?.status ?? ""))) return states;
      const stopped = this.options.signal?.aborted === true;
      if (stopped && (this.workersDone || this.working === null || this.concurrency === 0)) return states;
      await this.watch();
      await this.wakeup.wait(this.timings.pollMs, this.options.signal, since);
    }
  }

  /** Resolves when the local workers have ended (drained, stopped or closed). */
  async finished(): Promise<void> {
    await this.working;
    if (this.failure !== null) throw this.failure.error;
  }

  /** Stops taking runs, waits for the local workers' runs in flight, and closes the store. */
  async close(): Promise<QueueSummary> {
    this.closing = true;
    this.wakeup.wake();
    try {
      await this.working;
    } finally {
      process.off("exit", this.killWorkers);
      this.options.signal?.removeEventListener("abort", this.stop);
      await this.pool.close();
      await this.store.close();
    }
    return { ...this.summary };
  }

  private async watch(): Promise<void> {
    if (this.concurrency > 0 || Date.now() - this.lastWatchMs < Math.max(this.timings.pollMs, 5_000)) return;
    this.lastWatchMs = Date.now();
    this.emit({ type: "watch", progress: await this.store.queueProgress(this.options.experiment) });
  }

  private get stopping(): boolean {
    return this.closing || this.options.signal?.aborted === true;
  }

  /** One local worker: claim, train, repeat; idle while nothing is queued. */
  private async workerLoop(): Promise<void> {
    while (!this.stopping) {
      const since = this.wakeup.generation;
      await this.requeueStale();
      const { pid, slot } = this.pool.acquire();
      const claimed = await this.store.claimNext(ownerId(pid), this.options.experiment).catch((e: unknown) => {
        slot.busy = false;
        throw e;
      });
      if (claimed === null) {
        slot.busy = false;
        if (this.options.untilDrained === true) {
          const progress = await this.store.queueProgress(this.options.experiment);
          // Runs still running elsewhere may yet be requeued (their worker may die): stay until they end.
          if (progress.queued === 0 && progress.running === 0) return;
        }
        // Closed while claiming: `close` woke nobody here, so look again before sleeping a whole poll.
        if (this.stopping) return;
        await this.wakeup.wait(this.timings.pollMs, this.options.signal, since);
        continue;
      }
      const plan = await this.planOf(claimed);
      if (plan === null) {
        slot.busy = false;
        await this.unplannable(claimed);
        continue;
      }
      await this.train(slot, plan, claimed);
    }
  }

  /** The plan of a claimed run: one this engine enqueued, else one of its experiment as the store records it. */
  private async planOf(claimed: ClaimedRun): Promise<RunPlan | null> {
    const known = this.plans.get(claimed.run.id);
    if (known !== undefined) return known;
    for (const plan of await recordedPlans(this.store, claimed.run.experiment)) this.plans.set(plan.id, plan);
    return this.plans.get(claimed.run.id) ?? null;
  }

  private async unplannable({ claim, run }: ClaimedRun): Promise<void> {
    const error = `this worker's tsa-lab expands experiment '${run.experiment}' without run ${run.id}: update tsa-lab on this machine`;
    await this.store.failRun(claim, error, null);
    this.summary.failed++;
    this.emit({ type: "unplannable", claim, run, error });
    this.wakeup.wake();
  }

  private async train(slot: Parameters<WorkerPool["run"]>[0], plan: RunPlan, { claim, run }: ClaimedRun): Promise<void> {
    const cost = expectedCost(plan);
    this.emit({ type: "run-start", plan, claim, expectedCost: cost });
    const done = await this.pool.run(
      slot,
      {
        type: "run",
        plan,
        claim,
        location: this.options.location,
        backend: this.options.backend ?? "auto",
        heartbeatMs: this.timings.heartbeatMs,
        series: recordedSeries(run.config),
      },
      (m) => {
        if (m.type === "epoch") this.emit({ type: "epoch", plan, epoch: m.epoch });
        else if (m.type === "batch") this.emit({ type: "batch", plan, epoch: m.epoch, batch: m.batch, batches: m.batches, loss: m.loss });
      },
    );
    const status = await this.settle(claim, done.status, done.backend === "", done.error);
    if (status === "completed") this.summary.completed++;
    else if (status === "failed") this.summary.failed++;
    else if (status === "lost") this.summary.lost++;
    this.emit({
      type: "run-end",
      plan,
      claim,
      status,
      error: done.error,
      testF1: done.testF1,
      didNotLearn: done.didNotLearn,
      expectedCost: cost,
    });
    this.wakeup.wake();
  }

  /**
   * Records how a run ended where its worker could not (it died), and says what became of it. A worker
   * that died mid-run gives the run another attempt, or fails it after the last.
   */
  private async settle(
    claim: Claim,
    status: RunEndStatus,
    workerDied: boolean,
    error: string | null,
  ): Promise<Extract<EngineEvent, { type: "run-end" }>["status"]> {
    if (workerDied && status === "failed") {
      const outcome = await this.store.releaseCrashed(claim, error ?? "its worker process died", this.timings.maxAttempts);
      return outcome === "queued" ? "requeued" : outcome;
    }
    if (workerDied && status === "interrupted") await this.store.interruptRun(claim);
    if (status !== "interrupted") return status;
    // Interrupted by us, or lost: another attempt holds the run (its status is then no longer ours to see).
    if ((await this.store.recordedRun(claim.runId))?.status !== "interrupted") return "lost";
    if (this.options.stopped === "requeue" && (await this.store.requeueRun(claim.runId, ["interrupted"]))) return "requeued";
    return "interrupted";
  }
}

function definedOnly(options: Partial<QueueTimings>): Partial<QueueTimings> {
  const { heartbeatMs, graceMs, maxAttempts, pollMs } = options;
  return Object.fromEntries(Object.entries({ heartbeatMs, graceMs, maxAttempts, pollMs }).filter(([, v]) => v !== undefined));
}
