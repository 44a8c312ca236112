import { canonicalJson } from "@tsa/data";
import type { MetricField, OutcomeQuery, RunOutcome, RunState } from "@tsa/tracker";
import {
  comparedPairs,
  expandEvaluations,
  expandRuns,
  expandTrials,
  isTuned,
  selectionKey,
  sweepPoints,
  trialsOf,
  type Choice,
  type Experiment,
  type RunPlan,
  type TuningRecord,
} from "../experiment/index.js";
import { sequentialComparisons, type ComparedRun, type SequentialComparison } from "../sequential/comparisons.js";
import { chooseConfigurations } from "../tune/choose.js";

/** A model's chosen configuration (at a point, or null: across the sweep) and its mean validation score. */
export interface ChosenConfiguration {
  model: string;
  point: Record<string, unknown> | null;
  choice: Record<string, unknown>;
  score: number;
}

/** What the sweep wants now, given what is stored. */
export interface Wanted {
  /** Every run wanted so far (a superset of what was wanted before). */
  plans: RunPlan[];
  /** A tuned sweep's choices, once its trials have settled. */
  choices: ChosenConfiguration[] | null;
  /** Models (at points) with no trial that finished with a validation score: not evaluated. */
  unchosen: Array<{ model: string; point: Record<string, unknown> }>;
  /** Sequential seeds: where each comparison stands. */
  comparisons: SequentialComparison[] | null;
}

/** What the strategy may look at: the settled states of the runs wanted so far, and the stored runs, narrowly. */
export interface Stored {
  states: ReadonlyMap<string, RunState>;
  /** Every run of the experiment as stored, whatever its status, with what `outcomeQuery` asks (`Store.runOutcomes`). */
  runs(query: OutcomeQuery): Promise<RunOutcome[]>;
}

/** What the choices and the sequential decisions read of a stored run: the validation scores selection may use, the sequential metric, the tuning record. */
export function outcomeQuery(experiment: Experiment): OutcomeQuery {
  const sequential = experiment.sequential === undefined ? [] : [METRIC_FIELDS[experiment.sequential.metric]];
  const metrics: MetricField[] = isTuned(experiment) ? ["logLoss", "f1", "rocAuc"] : [];
  return { metrics: [...new Set([...metrics, ...sequential])], config: ["tuning"] };
}

const SETTLED = new Set(["completed", "failed"]);

/**
 * Whether a failed run of the plan stands (a resumed sweep does not retry it): a sequential sweep's evaluation
 * run that failed in training (at an epoch: a NaN loss, which the same seed gives again). A look is decided on
 * its completed runs once every run of it has settled, a failed one counted as a missing pair; were it
 * retried, its metrics would appear later and the replayed look could decide otherwise than the sweep did, or
 * than an uninterrupted sweep would have. A failure outside training (a worker host without the problem's
 * files, code too old to plan the run, a process that died at every attempt) says nothing about the model and
 * is retried, as are trials and a fixed grid's runs.
 */
export const failureStands = (experiment: Experiment, plan: RunPlan, state: Pick<RunState, "failedEpoch"> | undefined): boolean =>
  experiment.sequential !== undefined && plan.tuning?.role !== "trial" && state?.failedEpoch != null;

/**
 * The runs a sweep wants, decided from the stored runs alone: the grid; or a tuned file's trials, then (once
 * they have settled) each model's chosen configuration on the evaluation seeds; with sequential seeds, the
 * first look's seeds, then the next look's for each comparison still open. Called again after every
 * settling until it wants nothing new; a resumed sweep calls it on the same stored runs and wants the same.
 */
export async function wantedRuns(experiment: Experiment, stored: Stored): Promise<Wanted> {
  const wanted: Wanted = { plans: [], choices: null, unchosen: [], comparisons: null };
  // Read once per decision, and only once something has settled that a decision needs.
  let read: Promise<RunOutcome[]> | null = null;
  const runs = () => (read ??= stored.runs(outcomeQuery(experiment)));
  let evaluations: RunPlan[];
  if (isTuned(experiment)) {
    const trials = expandTrials(experiment);
    wanted.plans.push(...trials);
    if (!trials.every((p) => SETTLED.has(stored.states.get(p.id)?.status ?? ""))) return wanted;
    const finished = (await runs()).filter((r) => r.status === "completed").map(finishedTrial);
    const options = trialsOf(experiment);
    const keyOf = (plan: RunPlan) => selectionKey(experiment, plan.model, plan.point);
    const choices = chooseConfigurations(options, trials, finished, experiment.tune.select, keyOf);
    // A choice once made stands: its evaluation runs record it. A trial that failed and later succeeds (a
    // resumed sweep retries it) must not move the evaluation to another configuration half-way.
    for (const [key, chosen] of recordedChoices(experiment, options, await runs())) choices.set(key, chosen);
    const groups = new Map(trials.map((p) => [keyOf(p), p]));
    wanted.choices = [...groups].flatMap(([key, plan]) => {
      const chosen = choices.get(key);
      const point = experiment.tune.per === "experiment" ? null : plan.point;
      return chosen === undefined ? [] : [{ model: plan.model, point, choice: options[chosen.trial]!, score: chosen.score }];
    });
    wanted.unchosen = [...groups].filter(([key]) => !choices.has(key)).map(([, plan]) => ({ model: plan.model, point: plan.point }));
    evaluations = expandEvaluations(experiment, choices);
  } else {
    evaluations = expandRuns(experiment);
  }
  if (experiment.sequential === undefined) {
    wanted.plans.push(...evaluations);
    return wanted;
  }
  const { plans, comparisons } = await sequentialRuns(experiment, evaluations, stored.states, runs);
  wanted.plans.push(...plans);
  wanted.comparisons = comparisons;
  return wanted;
}

/** The choices a tuned experiment's stored evaluation runs record, by selection key (a run of an edited space does not count). */
function recordedChoices(
  experiment: Experiment & { tune: NonNullable<Experiment["tune"]> },
  trials: readonly Record<string, unknown>[],
  runs: readonly RunOutcome[],
): Map<string, Choice> {
  const recorded = new Map<string, Choice>();
  for (const run of runs) {
    const tuning = run.config.tuning as Partial<TuningRecord> | undefined;
    if (tuning?.role !== "evaluation" || typeof tuning.trial !== "number" || trials[tuning.trial] === undefined) continue;
    if (canonicalJson(trials[tuning.trial]) !== canonicalJson(tuning.choice ?? null)) continue;
    const { trial, score, scores } = tuning as Extract<TuningRecord, { role: "evaluation" }>;
    recorded.set(selectionKey(experiment, run.model, run.point), { trial, score, scores });
  }
  return recorded;
}

/** The evaluation runs sequential seeds want: every model at the first look, then each open comparison's pair at the next. */
async function sequentialRuns(
  experiment: Experiment,
  evaluations: readonly RunPlan[],
  states: Stored["states"],
  runs: () => Promise<RunOutcome[]>,
): Promise<{ plans: RunPlan[]; comparisons: SequentialComparison[] }> {
  const sequential = experiment.sequential!;
  const seeds = experiment.seeds;
  const wantedSeeds = new Map<string, number>();
  const cell = (model: string, point: Record<string, unknown>) => canonicalJson({ model, point });
  for (const plan of evaluations) wantedSeeds.set(cell(plan.model, plan.point), sequential.looks[0]!);
  const comparisons = sequentialComparisons(
    sequential,
    comparedPairs(experiment),
    sweepPoints(experiment),
    seeds,
    await comparedRuns(experiment, evaluations, states, runs),
  );
  for (const c of comparisons) {
    if (c.next === null) continue;
    // A control not chosen yet: every model is still wanted at the first look, which is `next`.
    for (const model of c.control === null ? [c.treatment] : [c.treatment, c.control]) {
      const key = cell(model, c.point);
      wantedSeeds.set(key, Math.max(wantedSeeds.get(key) ?? 0, c.next));
    }
  }
  const plans = evaluations.filter((p) => seeds.indexOf(p.seed) < (wantedSeeds.get(cell(p.model, p.point)) ?? 0));
  return { plans, comparisons };
}

/** The settled evaluation runs with the sequential metric on test and validation (null for a failed run). */
async function comparedRuns(
  experiment: Experiment,
  evaluations: readonly RunPlan[],
  states: Stored["states"],
  runs: () => Promise<RunOutcome[]>,
): Promise<ComparedRun[]> {
  const field = METRIC_FIELDS[experiment.sequential!.metric];
  const settled = evaluations.filter((p) => SETTLED.has(states.get(p.id)?.status ?? ""));
  if (settled.length === 0) return [];
  const results = new Map((await runs()).filter((r) => r.status === "completed").map((r) => [r.id, r]));
  return settled.map((plan) => {
    const run = results.get(plan.id);
    const value = (split: "test" | "val") => run?.[split]?.[field] ?? null;
    return { model: plan.model, point: plan.point, seed: plan.seed, test: value("test"), val: value("val") };
  });
}

/** A trial run as selection sees it: its validation scores, nothing else. */
const finishedTrial = (run: RunOutcome) => ({
  id: run.id,
  val: run.val === null ? null : { logLoss: run.val.logLoss ?? null, f1: run.val.f1 ?? null, rocAuc: run.val.rocAuc ?? null },
});

const METRIC_FIELDS = {
  f1: "f1",
  accuracy: "accuracy",
  roc_auc: "rocAuc",
  balanced_accuracy: "balancedAccuracy",
} as const satisfies Record<string, MetricField>;
