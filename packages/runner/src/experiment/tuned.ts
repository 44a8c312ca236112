import { canonicalJson } from "@tsa/data";
import { parseModelSpec } from "@tsa/models/config";
import { tuningTrials, type Trial } from "../tune/trials.js";
import { modelSpecInput, plansOf, sweepPoints, unbuildable, type RunPlan, type TuningRecord } from "./expand.js";
import { modelEntryName, type Experiment, type ModelEntry } from "./schema.js";

type Tuned = Experiment & { tune: NonNullable<Experiment["tune"]> };

export const isTuned = (experiment: Experiment): experiment is Tuned => experiment.tune !== undefined;

/** The configurations every model tries (the same for every model: the file cannot favour one). */
export function trialsOf(experiment: Tuned): Trial[] {
  return tuningTrials(experiment.tune);
}

/**
 * Where a choice is made: each model at each sweep point (`per: point`), or each model once across the
 * sweep (`per: experiment`, its trials' scores pooled over the points). The key names the group.
 */
export function selectionKey(experiment: Tuned, model: string, point: Record<string, unknown>): string {
  return experiment.tune.per === "experiment" ? canonicalJson({ model }) : canonicalJson({ model, point });
}

/** A model's parts at a point with a trial's `model.*` values on top (the trial's keys are not swept: load checks). */
function trialSpec(experiment: Experiment, entry: ModelEntry, point: Record<string, unknown>, trial: Trial) {
  const parsed = parseModelSpec(modelSpecInput(entry, { ...point, ...trial }, experiment.model));
  if ("problem" in parsed) throw unbuildable(entry, parsed.problem);
  return parsed.spec;
}

/** Every trial run: each point, model and trial on each tuning seed. */
export function expandTrials(experiment: Tuned): RunPlan[] {
  const trials = trialsOf(experiment);
  return sweepPoints(experiment).flatMap((point) =>
    experiment.models.flatMap((entry) =>
      trials.flatMap((choice, trial) =>
        plansOf(experiment, entry, trialSpec(experiment, entry, point, choice), point, choice, experiment.tune.seeds, () => ({
          role: "trial",
          trial,
          choice,
        })),
      ),
    ),
  );
}

/** What was chosen for one selection key: the trial, its score, and every trial's score. */
export interface Choice {
  trial: number;
  score: number;
  scores: (number | null)[];
}

/**
 * The evaluation runs: each model at each point, on the evaluation seeds, in the configuration chosen for
 * it. A model without a choice (no trial finished with a validation score) has none: it is reported as such.
 */
export function expandEvaluations(experiment: Tuned, choices: ReadonlyMap<string, Choice>): RunPlan[] {
  const trials = trialsOf(experiment);
  return sweepPoints(experiment).flatMap((point) =>
    experiment.models.flatMap((entry) => {
      const chosen = choices.get(selectionKey(experiment, modelEntryName(entry), point));
      if (chosen === undefined) return [];
      const choice = trials[chosen.trial]!;
      const tuning: TuningRecord = {
        role: "evaluation",
        trial: chosen.trial,
        choice,
        select: experiment.tune.select,
        score: chosen.score,
        scores: chosen.scores,
        budget: experiment.tune.budget,
      };
      return plansOf(experiment, entry, trialSpec(experiment, entry, point, choice), point, choice, experiment.seeds, () => tuning);
    }),
  );
}

/**
 * Every run a tuned experiment can ever hold: its trials, and every trial's configuration on every
 * evaluation seed (whichever is chosen is among them). A worker that claims a run another process
 * enqueued finds its plan here; the recorded config carries the scores of the choice.
 */
export function possibleRuns(experiment: Tuned): RunPlan[] {
  const keys = sweepPoints(experiment).flatMap((point) =>
    experiment.models.map((entry) => selectionKey(experiment, modelEntryName(entry), point)),
  );
  const everyKeyChooses = (trial: number) => new Map(keys.map((key): [string, Choice] => [key, { trial, score: 0, scores: [] }]));
  return [
    ...expandTrials(experiment),
    ...trialsOf(experiment).flatMap((_, trial) => expandEvaluations(experiment, everyKeyChooses(trial))),
  ];
}

/** How many runs the file asks for: trials, then one evaluation per model, point and seed. */
export function plannedRunCount(experiment: Experiment): { trials: number; evaluations: number } {
  const grid = sweepPoints(experiment).length * experiment.models.length;
  const trials = isTuned(experiment) ? trialsOf(experiment).length * experiment.tune.seeds.length * grid : 0;
  return { trials, evaluations: grid * experiment.seeds.length };
}
