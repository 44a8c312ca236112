import type { BackendName } from "@tsa/models";
import type { RunState } from "@tsa/tracker";
import {
  expandEvaluations,
  expandRuns,
  expandTrials,
  isTuned,
  plannedRunCount,
  selectionKey,
  trialsOf,
  type Experiment,
  type RunPlan,
} from "../experiment/index.js";
import { chooseConfigurations } from "../tune/choose.js";
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
  | EngineEvent;

/** A model's chosen configuration (at a point, or null: across the sweep) and its mean validation score. */
export interface ChosenConfiguration {
  model: string;
  point: Record<string, unknown> | null;
  choice: Record<string, unknown>;
  score: number;
}

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
  /** A tuned sweep stopped before its choice: the evaluation runs not planned yet. */
  unplanned: number;
  /** A tuned sweep's models (at points) with no trial that finished with a validation score: not evaluated. */
  unchosen: Array<{ model: string; point: Record<string, unknown> }>;
  durationMs: number;
}

/**
 * Runs (or resumes) an experiment, on any store: its grid is enqueued (idempotently: completed runs stand,
 * failed, interrupted and outdated ones are redone) and worked by `concurrency` local workers together with
 * any other sweep or worker on the same store, longest expected runs first; returns once every run of the
 * grid is settled (or, when stopped, once the local runs in flight have stopped). A tuned experiment runs
 * its trials first, chooses each model's configuration from their validation scores, then evaluates it.
 */
export async function runSweep(experiment: Experiment, options: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => {});
  const engineOptions: EngineOptions = { ...options, experiment: experiment.name, stopped: "interrupted" };
  const engine = await Engine.open(engineOptions);
  const source = { experiment, file: options.file };
  const stopped = () => options.signal?.aborted === true;
  const first = isTuned(experiment) ? expandTrials(experiment) : expandRuns(experiment);
  let plans = first;
  let states: Map<string, RunState>;
  const done = new Set<string>();
  let evaluations: Evaluations | null = null;
  try {
    const requeued = await engine.requeueStale();
    const queued = await engine.enqueue(first, source);
    queued.completed.forEach((id) => done.add(id));
    // A resumed tuned sweep whose trials all stand chooses at once, so the start says what is already done.
    if (isTuned(experiment) && done.size === first.length) evaluations = await evaluate(engine, experiment, first, source, done);
    plans = [...first, ...(evaluations?.plans ?? [])];
    const total = first.length + (isTuned(experiment) ? plannedRunCount(experiment).evaluations : 0);
    const toRun = plans.filter((p) => !done.has(p.id));
    emit({
      type: "start",
      total,
      alreadyCompleted: done.size,
      toRun: total - done.size,
      requeued,
      outdated: queued.outdated,
      concurrency: engine.concurrency,
      // Expected costs (arbitrary units, see schedule.ts) let a progress display turn elapsed time into an ETA.
      expectedCost: toRun.reduce((sum, plan) => sum + expectedCost(plan), 0),
    });
    engine.work();
    states = await engine.settled(first.map((p) => p.id));
    if (isTuned(experiment) && evaluations === null && !stopped()) {
      evaluations = await evaluate(engine, experiment, first, source, done);
      plans = [...first, ...evaluations.plans];
      emit({ type: "chosen", choices: evaluations.choices, evaluations: evaluations.plans.length });
    }
    if (evaluations !== null) states = await engine.settled(plans.map((p) => p.id));
  } finally {
    await engine.close();
  }
  const unplanned = isTuned(experiment) && evaluations === null ? plannedRunCount(experiment).evaluations : 0;
  const summary = summarize(plans, done, states, Date.now() - started);
  return { ...summary, total: summary.total + unplanned, unplanned, unchosen: evaluations?.unchosen ?? [] };
}

interface Evaluations {
  plans: RunPlan[];
  choices: ChosenConfiguration[];
  /** Models (at points) none of whose trials finished with a validation score: nothing to evaluate. */
  unchosen: Array<{ model: string; point: Record<string, unknown> }>;
}

/** Each model's configuration, chosen from the finished trials' validation scores, enqueued on the evaluation seeds. */
async function evaluate(
  engine: Engine,
  experiment: Experiment & { tune: NonNullable<Experiment["tune"]> },
  trialPlans: readonly RunPlan[],
  source: { experiment: Experiment; file: string },
  done: Set<string>,
): Promise<Evaluations> {
  const finished = await engine.completedRuns(experiment.name, new Set(trialPlans.map((p) => p.id)));
  const trials = trialsOf(experiment);
  const keyOf = (plan: RunPlan) => selectionKey(experiment, plan.model, plan.point);
  const choices = chooseConfigurations(trials, trialPlans, finished, experiment.tune.select, keyOf);
  const plans = expandEvaluations(experiment, choices);
  const queued = await engine.enqueue(plans, source);
  queued.completed.forEach((id) => done.add(id));
  const groups = new Map(trialPlans.map((p) => [keyOf(p), p]));
  const chosen = [...groups].flatMap(([key, plan]) => {
    const choice = choices.get(key);
    const point = experiment.tune.per === "experiment" ? null : plan.point;
    return choice === undefined ? [] : [{ model: plan.model, point, choice: trials[choice.trial]!, score: choice.score }];
  });
  const unchosen = [...groups].filter(([key]) => !choices.has(key)).map(([, plan]) => ({ model: plan.model, point: plan.point }));
  return { plans, choices: chosen, unchosen };
}

/** The sweep's runs by where they stand now (one summary, whoever trained them). */
function summarize(
  plans: RunPlan[],
  alreadyDone: Set<string>,
  states: Map<string, RunState>,
  durationMs: number,
): Omit<SweepSummary, "unplanned" | "unchosen"> {
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
