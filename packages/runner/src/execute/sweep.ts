import type { BackendName } from "@tsa/models";
import type { RunState } from "@tsa/tracker";
import { expandRuns, type Experiment, type RunPlan } from "../experiment/index.js";
import { Engine, type EngineEvent, type EngineOptions } from "./engine.js";
import { expectedCost } from "./schedule.js";
import type { QueueTimings } from "./timings.js";

export interface SweepOptions extends Partial<QueueTimings> {
  /** The run store: a SQLite file path or a postgres:// URL (the same value as every command's --db). */
  location: string;
  /** The experiment file, recorded with the experiment. */
  file: string;
  /** Runs at once on this machine, each in its own worker process (default: the machine's cores; 0: none). */
  concurrency?: number;
  backend?: BackendName | "auto";
  /** Abort to stop: no new run starts, runs in flight are marked interrupted. */
  signal?: AbortSignal;
  onEvent?: (event: SweepEvent) => void;
}

export type SweepEvent =
  | {
      type: "start";
      total: number;
      alreadyCompleted: number;
      toRun: number;
      /** Runs of stopped sweeps or workers found running and put back in the queue. */
      requeued: string[];
      outdated: number;
      concurrency: number;
      expectedCost: number;
    }
  | EngineEvent;

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
  /** Runs still queued or running when the sweep was stopped. */
  notStarted: RunPlan[];
  durationMs: number;
}

/**
 * Runs (or resumes) an experiment, on any store: its grid is enqueued (idempotently: completed runs stand,
 * failed, interrupted and outdated ones are redone) and worked by `concurrency` local workers together with
 * any other sweep or worker on the same store, longest expected runs first; returns once every run of the
 * grid is settled (or, when stopped, once the local runs in flight have stopped).
 */
export async function runSweep(experiment: Experiment, options: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => {});
  const plans = expandRuns(experiment);
  const engineOptions: EngineOptions = { ...options, experiment: experiment.name, stopped: "interrupted" };
  const engine = await Engine.open(engineOptions);
  let states: Map<string, RunState>;
  let done: Set<string>;
  try {
    const requeued = await engine.requeueStale();
    const queued = await engine.enqueue(plans, { experiment, file: options.file });
    done = new Set(queued.completed);
    const toRun = plans.filter((p) => !done.has(p.id));
    emit({
      type: "start",
      total: plans.length,
      alreadyCompleted: done.size,
      toRun: toRun.length,
      requeued,
      outdated: queued.outdated,
      concurrency: engine.concurrency,
      // Expected costs (arbitrary units, see schedule.ts) let a progress display turn elapsed time into an ETA.
      expectedCost: toRun.reduce((sum, plan) => sum + expectedCost(plan), 0),
    });
    engine.work();
    states = await engine.settled(plans.map((p) => p.id));
  } finally {
    await engine.close();
  }
  return summarize(plans, done, states, Date.now() - started);
}

/** The sweep's runs by where they stand now (one summary, whoever trained them). */
function summarize(plans: RunPlan[], alreadyDone: Set<string>, states: Map<string, RunState>, durationMs: number): SweepSummary {
  const status = (plan: RunPlan) => states.get(plan.id)?.status ?? "queued";
  return {
    total: plans.length,
    alreadyCompleted: alreadyDone.size,
    completed: plans.filter((p) => status(p) === "completed" && !alreadyDone.has(p.id)),
    failed: plans
      .filter((p) => status(p) === "failed")
      .map((plan) => ({ plan, error: states.get(plan.id)?.error ?? "unknown error", epoch: states.get(plan.id)?.failedEpoch ?? null })),
    interrupted: plans.filter((p) => status(p) === "interrupted"),
    notStarted: plans.filter((p) => status(p) === "queued" || status(p) === "running"),
    durationMs,
  };
}
