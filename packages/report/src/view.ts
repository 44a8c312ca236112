import { ExperimentSpecError } from "@tsa/errors";
import { SequentialSchema, type Sequential } from "@tsa/runner/experiment";
import { TuneSchema, type Tune } from "@tsa/runner/tune";
import type { ExperimentResults, RunResult } from "@tsa/tracker";
import { MODEL_ORDER, attends, pointKey, pointLabel, type MetricName, type RunView, type SweepPoint } from "./results.js";
import { isTrial } from "./run-tuning.js";
import { headlineMetric, onArchiveProblems } from "./archive-data.js";

/**
 * What the report reads of an experiment file, as the runner validated and stored it: the runner's
 * `Experiment` satisfies this shape (checked at compile time in view.test.ts). The report may not load the
 * runner, so it parses the stored JSON into this once, at the edge (`readExperiment`).
 */
export interface ReportedExperiment {
  /** Axis → its values, in the file's order. */
  sweep: Record<string, readonly unknown[]>;
  /** Presets by name, variants as objects with a name (and their parts). */
  models: ReadonlyArray<string | { name: string }>;
  compare?: { treatment: string | number; control: string | number; axis?: string | undefined } | undefined;
  data?: Record<string, unknown> | undefined;
  train?: Record<string, unknown> | undefined;
  seeds?: readonly number[] | undefined;
  /** Tuning per model (the runner's `tune:` block, defaults applied); the file's `seeds` are then the evaluation seeds. */
  tune?: Tune | undefined;
  /** Sequential seeds (the runner's `sequential` block, defaults applied): `seeds` are then every seed the last look may use. */
  sequential?: Sequential | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const shown = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

/**
 * The stored spec as the report's typed shape, checked once: a spec written by another version of the
 * runner, or edited by hand in the database, is a typed error naming the key instead of a crash deep in a chart.
 */
export function readExperiment(experiment: ExperimentResults["experiment"]): ReportedExperiment {
  const where = `${experiment.file} (experiment '${experiment.name}' as stored)`;
  const fail = (key: string, expected: string, found: unknown): never => {
    throw new ExperimentSpecError(where, key, expected, shown(found));
  };
  const spec = experiment.spec;
  if (!isRecord(spec)) return fail("", "the validated experiment (an object)", spec);
  const sweep = spec.sweep ?? {};
  if (!isRecord(sweep)) return fail("sweep", "an object of axis: [values]", sweep);
  for (const [axis, values] of Object.entries(sweep)) if (!Array.isArray(values)) fail(`sweep.${axis}`, "a list of values", values);
  const models = spec.models ?? [];
  if (!Array.isArray(models)) return fail("models", "a list of models", models);
  models.forEach((m, i) => {
    if (typeof m !== "string" && !(isRecord(m) && typeof m.name === "string"))
      fail(`models[${i}]`, "a model name or a variant with a name", m);
  });
  const compare = spec.compare;
  const level = (v: unknown) => typeof v === "string" || typeof v === "number";
  if (compare !== undefined) {
    if (!isRecord(compare) || !level(compare.treatment) || !level(compare.control))
      fail("compare", "{ treatment, control } (names or sweep values)", compare);
    if (isRecord(compare) && compare.axis !== undefined && typeof compare.axis !== "string")
      fail("compare.axis", "a sweep axis", compare.axis);
  }
  for (const key of ["data", "train"] as const) if (spec[key] !== undefined && !isRecord(spec[key])) fail(key, "an object", spec[key]);
  const seeds = spec.seeds;
  if (seeds !== undefined && !(Array.isArray(seeds) && seeds.every((s) => typeof s === "number"))) fail("seeds", "a list of seeds", seeds);
  const tune = parsedBlock(spec, "tune", TuneSchema, fail);
  const sequential = parsedBlock(spec, "sequential", SequentialSchema, fail);
  return {
    sweep: sweep as Record<string, unknown[]>,
    models: models as ReportedExperiment["models"],
    compare: compare as ReportedExperiment["compare"],
    data: spec.data as ReportedExperiment["data"],
    train: spec.train as ReportedExperiment["train"],
    seeds: seeds as number[] | undefined,
    ...(tune === undefined ? {} : { tune }),
    ...(sequential === undefined ? {} : { sequential }),
  };
}

/** A block of the spec the runner validates with its own schema (`tune`, `sequential`), read with that schema; a bad one fails naming its first wrong key. */
function parsedBlock<T>(
  spec: Record<string, unknown>,
  key: string,
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> } };
  },
  fail: (key: string, expected: string, found: unknown) => never,
): T | undefined {
  if (spec[key] === undefined) return undefined;
  const parsed = schema.safeParse(spec[key]);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const found = issue.path.reduce<unknown>(
    (at, k) => (isRecord(at) || Array.isArray(at) ? (at as Record<PropertyKey, unknown>)[k] : undefined),
    spec[key],
  );
  return fail([key, ...issue.path.map(String)].join("."), issue.message, found);
}

/**
 * One view of an experiment's results, computed once and passed to every chart, table and sentence: the
 * parsed experiment, its axes, sweep points and models in drawing order, the runs of each cell, and which
 * runs the numbers count (every scored run, or conditional on learning). Per-metric summaries are computed
 * once per view on first use (`summaryOf` in analysis.ts).
 */
export interface ResultsView extends RunView {
  /** The verdict's runs: every run, but a tuned experiment's trial runs (tuning evidence, in `tuning`). */
  readonly results: ExperimentResults;
  readonly experiment: ReportedExperiment;
  /** Sweep axes in the file's order (else those the runs' points have). */
  readonly axes: readonly string[];
  /** The sweep points present in the runs, in the order the file lists their values. */
  readonly points: readonly SweepPoint[];
  /** Models present in the runs: the catalogue's order, then the others by name. */
  readonly models: readonly string[];
  /** The models with a run that has attention pooling, in drawing order. */
  readonly attentionModels: readonly string[];
  readonly learnedOnly: boolean;
  /** Runs on UCR/UEA archive problems (each records `config.data.problem`) rather than generated series. */
  readonly archive: boolean;
  /** The metric the verdicts, rankings and tables lead with: accuracy on archive problems, F1 on the anomaly task. */
  readonly metric: MetricName;
  /** A tuned experiment's tuning runs and how to draw them; null without `tune:`. */
  readonly tuning: TunedRuns | null;
  /** Position of a value in the file's list for that axis (the order to draw it in); −1 when absent. */
  order(axis: string, value: unknown): number;
  /** Every run (any status) of one model at one point. */
  runsAt(point: SweepPoint, model: string): readonly RunResult[];
}

/** A tuned experiment's runs as the tuning section reads them: the trials apart from the verdict's runs. */
export interface TunedRuns {
  tune: Tune;
  /** The trial runs (tuning seeds). */
  trials: readonly RunResult[];
  /** The evaluation runs (evaluation seeds): the verdict's runs, each with how its configuration was chosen. */
  evaluations: readonly RunResult[];
  /** The sweep points of either kind of run, in the file's order. */
  points: readonly SweepPoint[];
  /** The models of either kind of run, in drawing order. */
  models: readonly string[];
}

/** Both views of one experiment, sharing everything but which runs count. */
export interface ResultsViews {
  all: ResultsView;
  learned: ResultsView;
}

const cellKey = (point: string, model: string) => `${point}\u0000${model}`;

/** The distinct sweep points of `runs`, sorted in the file's order of each axis. */
function pointsOf(runs: readonly RunResult[], axes: readonly string[], order: (axis: string, value: unknown) => number): SweepPoint[] {
  const seen = new Map(runs.map((run) => [pointKey(run.point), run.point]));
  const points = [...seen.entries()].map(([key, point]) => ({ key, point, label: pointLabel(point, axes), order: 0 }));
  points.sort((a, b) => {
    for (const axis of axes) {
      const d = order(axis, a.point[axis]) - order(axis, b.point[axis]);
      if (d !== 0) return d;
    }
    return 0;
  });
  points.forEach((p, i) => (p.order = i));
  return points;
}

/** The models of `runs`: the catalogue's order, then the others by name. */
function modelsOf(runs: readonly RunResult[]): string[] {
  const present = new Set(runs.map((r) => r.model));
  return [...MODEL_ORDER.filter((m) => present.has(m)), ...[...present].filter((m) => !MODEL_ORDER.includes(m)).sort()];
}

export function viewsOf(results: ExperimentResults): ResultsViews {
  const experiment = readExperiment(results.experiment);
  // Trial runs are the tuning's evidence, not the verdict's: every table, chart and headline counts the rest.
  const trials = results.runs.filter(isTrial);
  const verdict = trials.length === 0 ? results : { ...results, runs: results.runs.filter((r) => !isTrial(r)) };
  const fromSpec = Object.keys(experiment.sweep);
  const axes = fromSpec.length > 0 ? fromSpec : [...new Set(results.runs.flatMap((r) => Object.keys(r.point)))];
  const positions = new Map(Object.entries(experiment.sweep).map(([axis, values]) => [axis, values.map((v) => JSON.stringify(v))]));
  const order = (axis: string, value: unknown) => positions.get(axis)?.indexOf(JSON.stringify(value)) ?? -1;
  const cells = new Map<string, RunResult[]>();
  for (const run of verdict.runs) {
    const key = cellKey(pointKey(run.point), run.model);
    const at = cells.get(key) ?? [];
    at.push(run);
    cells.set(key, at);
  }
  const models = modelsOf(verdict.runs);
  const attending = new Set(verdict.runs.filter(attends).map((r) => r.model));
  const tuning =
    experiment.tune === undefined
      ? null
      : {
          tune: experiment.tune,
          trials,
          evaluations: verdict.runs,
          points: pointsOf(results.runs, axes, order),
          models: modelsOf(results.runs),
        };
  const archive = onArchiveProblems(results.runs, experiment);
  const facts = {
    results: verdict,
    experiment,
    archive,
    metric: headlineMetric(archive),
    axes,
    points: pointsOf(verdict.runs, axes, order),
    models,
    attentionModels: models.filter((m) => attending.has(m)),
    tuning,
    order,
    runsAt: (point: SweepPoint, model: string) => cells.get(cellKey(point.key, model)) ?? [],
  };
  return { all: { ...facts, learnedOnly: false }, learned: { ...facts, learnedOnly: true } };
}

/** The view that counts the runs `view` says: every scored run, or (`learnedOnly`) those that learned. */
export function viewOf(results: ExperimentResults, view: RunView = {}): ResultsView {
  const views = viewsOf(results);
  return view.learnedOnly === true ? views.learned : views.all;
}

/** Whether an experiment's runs are on UCR/UEA archive problems (its report and tables then set ours beside the published figures). */
export const onArchive = (results: ExperimentResults): boolean => viewOf(results).archive;

/** The metric an experiment's verdicts and tables lead with: accuracy on archive problems, F1 on the anomaly task. */
export const headlineMetricOf = (results: ExperimentResults): MetricName => viewOf(results).metric;

/** The names the file gives its models (variants by name), in its order. */
export function modelNames(experiment: ReportedExperiment): string[] {
  return experiment.models.map((m) => (typeof m === "string" ? m : m.name));
}

/** Sweep axes in the experiment file's order (for callers holding raw results, such as the CLI). */
export const axesOf = (results: ExperimentResults): string[] => [...viewOf(results).axes];

/** The sweep points present in the results, in the order the file lists their values. */
export const sweepPoints = (results: ExperimentResults): SweepPoint[] => [...viewOf(results).points];

/** A cache of one fact per view and metric (a summary, the advantage, the ablation): computed on first use, then read. */
export function memo<T>(): (view: ResultsView, metric: MetricName, compute: () => T) => T {
  const cache = new WeakMap<ResultsView, Map<MetricName, T>>();
  return (view, metric, compute) => {
    const byMetric = cache.get(view) ?? new Map<MetricName, T>();
    cache.set(view, byMetric);
    if (!byMetric.has(metric)) byMetric.set(metric, compute());
    return byMetric.get(metric)!;
  };
}
