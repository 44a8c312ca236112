import {
  ARCHIVE_DATA_FIELDS,
  GENERATOR_VERSION,
  canonicalJson,
  isArchiveData,
  resolveDataSource,
  type ArchiveDataConfig,
  type DataSourceConfig,
} from "@tsa/data";
import {
  isPresetName,
  parseModelSpec,
  modelCodeVersion,
  presetSpec,
  resolveTrainConfig,
  type ModelSpec,
  type ModelSpecProblem,
  type TrainConfig,
} from "@tsa/models/config";
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { archiveSeriesHash } from "./archive.js";
import { modelEntryName, namesArchiveProblem, type Experiment, type ModelEntry } from "./schema.js";

/** One run to do: everything that determines its result, and its id (a hash of exactly that). */
export interface RunPlan {
  id: string;
  experiment: string;
  /** The model as the file names it: a preset (`bilstm`) or a variant's name (`bilstm-last`). */
  model: string;
  /** Its resolved parts: the preset's or variant's, with the point's `model.*` values on top. */
  spec: ModelSpec;
  seed: number;
  /** The sweep point, keyed by axis: `{ "data.length": [0.02, 0.05] }`. */
  point: Record<string, unknown>;
  data: DataSourceConfig;
  train: TrainConfig;
  /** In a tuned experiment (`tune:`), what the run is for: a trial of a configuration, or an evaluation of the chosen one. */
  tuning?: TuningRecord;
}

/**
 * A tuned experiment's runs say what they are for, in their recorded config: a trial (of trial `trial`, whose
 * tuned keys are `choice`), or an evaluation of the configuration chosen on validation (with the metric, its
 * score and every trial's, so `show` and the report need not redo the choice).
 */
export type TuningRecord =
  | { role: "trial"; trial: number; choice: Record<string, unknown> }
  | {
      role: "evaluation";
      trial: number;
      choice: Record<string, unknown>;
      select: string;
      score: number;
      /** Every trial's mean validation score (null: none of its runs finished with one), by trial index. */
      scores: (number | null)[];
      budget: number;
    };

/** The versions of the code (and of an archive problem's series) that turn a run's config into its result; a change makes old results stale. */
export interface CodeVersions {
  generator: number;
  model: number;
  /** An archive run's problem as its files held it (`archiveSeriesHash`); absent from runs recorded before it was kept. */
  series?: string;
}

/** What a run recorded before the store kept parts and code versions: presets, generator and models at 1. */
const LEGACY_CODE: CodeVersions = { generator: 1, model: 1 };

/** The grid: the product of the sweep axes, in the order the file lists them (one empty point if none). */
export function sweepPoints(experiment: Experiment): Array<Record<string, unknown>> {
  return Object.entries(experiment.sweep).reduce<Array<Record<string, unknown>>>(
    (points, [axis, values]) => points.flatMap((point) => values.map((value) => ({ ...point, [axis]: value }))),
    [{}],
  );
}

/** The values a point gives one config section: `{ "data.length": x }` → `{ length: x }` for `data.`. */
export function pointSection(point: Record<string, unknown>, section: "data" | "train" | "model"): Record<string, unknown> {
  const prefix = `${section}.`;
  return Object.fromEntries(
    Object.entries(point)
      .filter(([axis]) => axis.startsWith(prefix))
      .map(([axis, v]) => [axis.slice(prefix.length), v]),
  );
}

/**
 * The data section a point asks for, unvalidated: the file's `data` under the point's `data.*` values. An
 * archive problem's takes only its own keys (the generator's defaults the schema filled in are not the user's:
 * load refuses a generator key a user writes beside a problem).
 */
export function dataSectionAt(experiment: Experiment, point: Record<string, unknown>): Record<string, unknown> {
  const section: Record<string, unknown> = { ...experiment.data, ...pointSection(point, "data") };
  if (!namesArchiveProblem(experiment)) return section;
  return Object.fromEntries(Object.entries(section).filter(([key]) => (ARCHIVE_DATA_FIELDS as string[]).includes(key)));
}

/**
 * The parts a model entry asks for at a point, unvalidated: preset (or defaults) < the file's `model`
 * < variant < the point.
 */
export function modelSpecInput(
  entry: ModelEntry,
  point: Record<string, unknown>,
  common: Record<string, unknown> = {},
): Record<string, unknown> {
  if (typeof entry === "string") return { ...presetSpec(entry), ...common, ...pointSection(point, "model") };
  const { name: _name, preset, train: _train, ...parts } = entry;
  return { ...(preset === undefined ? {} : presetSpec(preset)), ...common, ...parts, ...pointSection(point, "model") };
}

/**
 * The config a run id is the hash of. A preset left as it is hashes as it always did (experiment, model,
 * seed, data, train), so databases from before model parts resume; anything else adds its parts.
 */
export function identityConfig(plan: Omit<RunPlan, "id" | "point">): Record<string, unknown> {
  const config = { experiment: plan.experiment, model: plan.model, seed: plan.seed, data: dataIdentity(plan.data), train: plan.train };
  const identity =
    isPresetName(plan.model) && isDeepStrictEqual(plan.spec, presetSpec(plan.model)) ? config : { ...config, parts: plan.spec };
  // A tuned run's role is part of what it is (never the same run as an untuned one), its scores are not.
  return plan.tuning === undefined ? identity : { ...identity, role: plan.tuning.role };
}

/** Where an archive problem's files are is not what the run is: the same problem read from another folder is the same run. */
function dataIdentity(data: DataSourceConfig): DataSourceConfig {
  if (!isArchiveData(data)) return data;
  const { folder: _folder, ...identity } = data;
  return identity;
}

/**
 * What the store keeps of a planned run before it trains (its `NewRun`, without the environment): its
 * identity and its resolved config. (`execute/record.ts`'s `runRecord` is a trained run's result.)
 */
export function newRun(plan: RunPlan) {
  return { id: plan.id, experiment: plan.experiment, model: plan.model, seed: plan.seed, point: plan.point, config: resolvedConfig(plan) };
}

/** The config a run is recorded with: its identity, its parts, and the code versions that made its result. */
export function resolvedConfig(plan: Omit<RunPlan, "id" | "point">): Record<string, unknown> {
  // An archive problem's series are its files': the generator's version says nothing of them.
  const code: Partial<CodeVersions> = isArchiveData(plan.data)
    ? { model: modelCodeVersion(plan.spec), ...seriesVersion(plan.data) }
    : { generator: GENERATOR_VERSION, model: modelCodeVersion(plan.spec) };
  return { ...identityConfig(plan), parts: plan.spec, code, ...(plan.tuning === undefined ? {} : { tuning: plan.tuning }) };
}

/** The archive series hash a stored run's config records (`code.series`); null when it records none. */
export function recordedSeries(config: unknown): string | null {
  const series = (config as { code?: { series?: unknown } } | null)?.code?.series;
  return typeof series === "string" ? series : null;
}

const seriesVersion = (data: ArchiveDataConfig): { series?: string } => {
  const series = archiveSeriesHash(data);
  return series === null ? {} : { series };
};

/**
 * Whether an archive run was recorded from other series than its files hold now. A run recorded before runs
 * kept the hash stands, and so does any run while its folder lacks the files (a folder unmounted mid-sweep):
 * redoing it could only fail, and would lose the result.
 */
function seriesChanged(recorded: string | undefined, data: ArchiveDataConfig): boolean {
  if (recorded === undefined) return false;
  const now = archiveSeriesHash(data);
  return now !== null && now !== recorded;
}

/**
 * True when a completed run's recorded config says its result came from other parts, older code or other
 * series than the plan would run now (a generator or model change, an archive file changed): such a result is
 * redone, never counted as done.
 */
export function isOutdated(plan: RunPlan, recorded: unknown): boolean {
  const r = (recorded ?? {}) as { model?: string; parts?: unknown; code?: Partial<CodeVersions> };
  const parts = r.parts ?? (r.model !== undefined && isPresetName(r.model) ? presetSpec(r.model) : undefined);
  const code = { ...LEGACY_CODE, ...r.code };
  const dataChanged = isArchiveData(plan.data) ? seriesChanged(code.series, plan.data) : code.generator !== GENERATOR_VERSION;
  return !isDeepStrictEqual(parts, plan.spec) || dataChanged || code.model !== modelCodeVersion(plan.spec);
}

/** A model of the file at one point: its parts parsed, or why they cannot build. */
export type PointModel = { entry: ModelEntry; index: number } & ({ spec: ModelSpec } | { problem: ModelSpecProblem });

const parsedModels = new WeakMap<Experiment, Array<{ point: Record<string, unknown>; models: PointModel[] }>>();

/**
 * Every point of the grid with each model's parts at it, parsed once per experiment: loading validates
 * with these, and expanding the runs reuses them (a model part is parsed in one place, at the edge).
 */
export function modelsAtPoints(experiment: Experiment): Array<{ point: Record<string, unknown>; models: PointModel[] }> {
  let parsed = parsedModels.get(experiment);
  if (parsed === undefined) {
    parsed = sweepPoints(experiment).map((point) => ({
      point,
      models: experiment.models.map((entry, index) => ({
        entry,
        index,
        ...parseModelSpec(modelSpecInput(entry, point, experiment.model)),
      })),
    }));
    parsedModels.set(experiment, parsed);
  }
  return parsed;
}

/**
 * Every run of an experiment: sweep points (outer), then models, then seeds, so a sweep fills in the
 * picture point by point. Ids are content hashes: running the same file again finds the same runs.
 * The file must have been validated (loadExperiment): parts that cannot build throw here. (A tuned
 * experiment's runs are its trials and evaluations: `tuned.ts`.)
 */
export function expandRuns(experiment: Experiment): RunPlan[] {
  return modelsAtPoints(experiment).flatMap(({ point, models }) =>
    models.flatMap((resolved) => {
      if ("problem" in resolved) throw unbuildable(resolved.entry, resolved.problem);
      return plansOf(experiment, resolved.entry, resolved.spec, point, {}, experiment.seeds);
    }),
  );
}

/**
 * The runs of one model at one point over `seeds`, with `overrides` (a trial's tuned `model.*` and `train.*`
 * values) over the point's, and the run's tuning role if any. The recorded point stays the sweep's.
 */
export function plansOf(
  experiment: Experiment,
  entry: ModelEntry,
  spec: ModelSpec,
  point: Record<string, unknown>,
  overrides: Record<string, unknown>,
  seeds: readonly number[],
  tuning?: (seed: number) => TuningRecord,
): RunPlan[] {
  const model = modelEntryName(entry);
  const data = resolveDataSource(dataSectionAt(experiment, point));
  const train = trainConfigAt(experiment, entry, point, overrides);
  return seeds.map((seed) => {
    const plan = {
      experiment: experiment.name,
      model,
      spec,
      seed,
      point,
      data,
      train,
      ...(tuning === undefined ? {} : { tuning: tuning(seed) }),
    };
    const id = createHash("sha256")
      .update(canonicalJson(identityConfig(plan)))
      .digest("hex")
      .slice(0, 16);
    return { id, ...plan };
  });
}

/** How a model of the file trains at a point: the file's `train` < the variant's < the point's < a trial's overrides. */
export function trainConfigAt(
  experiment: Experiment,
  entry: ModelEntry,
  point: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): TrainConfig {
  return resolveTrainConfig({
    ...experiment.train,
    ...(typeof entry === "string" ? {} : entry.train),
    ...pointSection(point, "train"),
    ...pointSection(overrides, "train"),
  });
}

export function unbuildable(entry: ModelEntry, problem: ModelSpecProblem): Error {
  return new Error(`model '${modelEntryName(entry)}': ${problem.path}: expected ${problem.expected}`);
}
