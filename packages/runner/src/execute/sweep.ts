import type { BackendName } from "@tsa/models";
import type { OutcomeQuery, RunState } from "@tsa/tracker";
import { plannedRunCount, type Experiment, type RunPlan } from "../experiment/index.js";
import type { SequentialComparison } from "../sequential/comparisons.js";
import { failureStands, wantedRuns, type ChosenConfiguration, type Wanted } from "./strategy.js";
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
  /** A tuned sweep chose each model's configuration from its trials and enqueued their evaluations. */
  | { type: "chosen"; choices: ChosenConfiguration[]; evaluations: number }
  /**
   * Runs added after the start: a tuned sweep's evaluations, or the next look's seeds for the comparisons still
   * open; `alreadyCompleted` of them were done before (a resumed sweep), so a progress display counts them done.
   */
  | { type: "more"; total: number; added: number; alreadyCompleted: number; comparisons: SequentialComparison[] | null }
  | EngineEvent;

export type { ChosenConfiguration };

export interface RunFailure {
  plan: RunPlan;
  error: string;
  epoch: number | null;
  /** A sequential look's run: it counts as a missing pair and the next sweep does not retry it (strategy.ts, `failureStands`). */
  stands: boolean;
}

export interface SweepSummary {
  total: number;
  alreadyCompleted: number;
  completed: RunPlan[];
  failed: RunFailure[];
  interrupted: RunPlan[];
  /** Runs still queued or running when the sweep was stopped. */
  notStarted: RunPlan[];
  /** A tuned sweep stopped before its choice: the evaluation runs not planned yet. */
  unplanned: number;
  /** A tuned sweep's models (at points) with no trial that finished with a validation score: not evaluated. */
  unchosen: Array<{ model: string; point: Record<string, unknown> }>;
  /** Sequential seeds: where each comparison stands (null for a file without them). */
  comparisons: SequentialComparison[] | null;
  durationMs: number;
}

/**
 * Runs (or resumes) an experiment, on any store: the runs it wants are enqueued (idempotently: completed
 * runs stand, failed, interrupted and outdated ones are redone) and worked by `concurrency` local workers
 * together with any other sweep or worker on the same store, longest expected runs first. What it wants is
 * decided from the stored runs, again each time they have settled (strategy.ts): the grid; a tuned file's
 * trials, then each model's choice; sequential seeds look by look. Returns once it wants nothing more (or,
 * when stopped, once the local runs in flight have stopped).
 */
export async function runSweep(experiment: Experiment, options: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => {});
  const engineOptions: EngineOptions = { ...options, experiment: experiment.name, stopped: "interrupted" };
  const engine = await Engine.open(engineOptions);
  const source = { experiment, file: options.file };
  const known = new Map<string, RunPlan>();
  const done = new Set<string>();
  let states = new Map<string, RunState>();
  let wanted: Wanted | null = null;
  let total = 0;
  try {
    const requeued = await engine.requeueStale();
    let outdated = 0;
    for (let step = 0; ; step++) {
      const stored = { states, runs: (query: OutcomeQuery) => engine.runOutcomes(experiment.name, query) };
      const before = wanted;
      wanted = await wantedRuns(experiment, stored);
      const added = wanted.plans.filter((p) => !known.has(p.id));
      let addedCompleted = 0;
      if (added.length > 0) {
        const queued = await engine.enqueue(added, source, { failureStands: (plan, state) => failureStands(experiment, plan, state) });
        addedCompleted = queued.completed.length;
        queued.completed.forEach((id) => done.add(id));
        outdated += queued.outdated;
        for (const plan of added) known.set(plan.id, plan);
      }
      if (wanted.choices !== null && before?.choices == null)
        emit({ type: "chosen", choices: wanted.choices, evaluations: wanted.plans.length - plannedRunCount(experiment).trials });
      if (step === 0) {
        total = Math.max(known.size, leastTotal(experiment));
        const toRun = [...known.values()].filter((p) => !done.has(p.id));
        emit({
          type: "start",
          total,
          alreadyCompleted: done.size,
          toRun: total - done.size,
          requeued,
          outdated,
          concurrency: engine.concurrency,
          // Expected costs (arbitrary units, see schedule.ts) let a progress display turn elapsed time into an ETA.
          expectedCost: toRun.reduce((sum, plan) => sum + expectedCost(plan), 0),
        });
        engine.work();
      } else if (added.length > 0) {
        total = Math.max(total, known.size);
        emit({ type: "more", total, added: added.length, alreadyCompleted: addedCompleted, comparisons: wanted.comparisons });
      }
      if (step > 0 && added.length === 0) break;
      states = await engine.settled([...known.keys()]);
      if (options.signal?.aborted === true) break;
    }
  } finally {
    await engine.close();
  }
  const summary = summarize([...known.values()], done, states, Date.now() - started, (plan) =>
    failureStands(experiment, plan, states.get(plan.id)),
  );
  const unplanned = Math.max(0, total - known.size);
  return {
    ...summary,
    total: summary.total + unplanned,
    unplanned,
    unchosen: wanted?.unchosen ?? [],
    comparisons: wanted?.comparisons ?? null,
  };
}

/** Runs the sweep will want at least: the grid, or the trials and every evaluation of the first look. */
function leastTotal(experiment: Experiment): number {
  const { trials, evaluations } = plannedRunCount(experiment);
  const firstLook = experiment.sequential === undefined ? 1 : experiment.sequential.looks[0]! / experiment.seeds.length;
  return trials + Math.round(evaluations * firstLook);
}

/** The sweep's runs by where they stand now (one summary, whoever trained them). */
function summarize(
  plans: RunPlan[],
  alreadyDone: Set<string>,
  states: Map<string, RunState>,
  durationMs: number,
  stands: (plan: RunPlan) => boolean,
): Omit<SweepSummary, "unplanned" | "unchosen" | "comparisons"> {
  const status = (plan: RunPlan) => states.get(plan.id)?.status ?? "queued";
  return {
    total: plans.length,
    alreadyCompleted: alreadyDone.size,
    completed: plans.filter((p) => status(p) === "completed" && !alreadyDone.has(p.id)),
    failed: plans
      .filter((p) => status(p) === "failed")
      .map((plan) => ({
        plan,
        error: states.get(plan.id)?.error ?? "unknown error",
        epoch: states.get(plan.id)?.failedEpoch ?? null,
        stands: stands(plan),
      })),
    interrupted: plans.filter((p) => status(p) === "interrupted"),
    notStarted: plans.filter((p) => status(p) === "queued" || status(p) === "running"),
    durationMs,
  };
}
