import { GENERATOR_VERSION, canonicalJson, resolveDataConfig, type DataConfig } from "@tsa/data";
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
import { modelEntryName, type Experiment, type ModelEntry } from "./schema.js";

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
  data: DataConfig;
  train: TrainConfig;
}

/** The versions of the code that turns a run's config into its result; a change makes old results stale. */
export interface CodeVersions {
  generator: number;
  model: number;
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
  const config = { experiment: plan.experiment, model: plan.model, seed: plan.seed, data: plan.data, train: plan.train };
  return isPresetName(plan.model) && isDeepStrictEqual(plan.spec, presetSpec(plan.model)) ? config : { ...config, parts: plan.spec };
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
  const code: CodeVersions = { generator: GENERATOR_VERSION, model: modelCodeVersion(plan.spec) };
  return { ...identityConfig(plan), parts: plan.spec, code };
}

/**
 * True when a completed run's recorded config says its result came from other parts or older code than
 * the plan would run now (a generator or model change): such a result is redone, never counted as done.
 */
export function isOutdated(plan: RunPlan, recorded: unknown): boolean {
  const r = (recorded ?? {}) as { model?: string; parts?: unknown; code?: Partial<CodeVersions> };
  const parts = r.parts ?? (r.model !== undefined && isPresetName(r.model) ? presetSpec(r.model) : undefined);
  const code = { ...LEGACY_CODE, ...r.code };
  return !isDeepStrictEqual(parts, plan.spec) || code.generator !== GENERATOR_VERSION || code.model !== modelCodeVersion(plan.spec);
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
 * The file must have been validated (loadExperiment): parts that cannot build throw here.
 */
export function expandRuns(experiment: Experiment): RunPlan[] {
  return modelsAtPoints(experiment).flatMap(({ point, models }) => {
    const data = resolveDataConfig({ ...experiment.data, ...pointSection(point, "data") });
    return models.flatMap((resolved) => {
      const { entry } = resolved;
      const model = modelEntryName(entry);
      if ("problem" in resolved) throw new Error(`model '${model}': ${resolved.problem.path}: expected ${resolved.problem.expected}`);
      const spec = resolved.spec;
      const train = resolveTrainConfig({
        ...experiment.train,
        ...(typeof entry === "string" ? {} : entry.train),
        ...pointSection(point, "train"),
      });
      return experiment.seeds.map((seed) => {
        const config = identityConfig({ experiment: experiment.name, model, spec, seed, data, train });
        const id = createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, 16);
        return { id, experiment: experiment.name, model, spec, seed, point, data, train };
      });
    });
  });
}
