import { canonicalJson, resolveDataConfig, type DataConfig } from "@tsa/data";
import { resolveTrainConfig, type ModelName, type TrainConfig } from "@tsa/models/config";
import { createHash } from "node:crypto";
import type { Experiment } from "./schema.js";

/** One run to do: everything that determines its result, and its id (a hash of exactly that). */
export interface RunPlan {
  id: string;
  experiment: string;
  model: ModelName;
  seed: number;
  /** The sweep point, keyed by axis: `{ "data.length": [0.02, 0.05] }`. */
  point: Record<string, unknown>;
  data: DataConfig;
  train: TrainConfig;
}

/** The grid: the product of the sweep axes, in the order the file lists them (one empty point if none). */
export function sweepPoints(experiment: Experiment): Array<Record<string, unknown>> {
  return Object.entries(experiment.sweep).reduce<Array<Record<string, unknown>>>(
    (points, [axis, values]) => points.flatMap((point) => values.map((value) => ({ ...point, [axis]: value }))),
    [{}],
  );
}

/** The resolved config a run id is the hash of (what the store records as the run's config). */
export function resolvedConfig(plan: Omit<RunPlan, "id" | "point">): Record<string, unknown> {
  return { experiment: plan.experiment, model: plan.model, seed: plan.seed, data: plan.data, train: plan.train };
}

/**
 * Every run of an experiment: sweep points (outer), then models, then seeds, so a sweep fills in the
 * picture point by point. Ids are content hashes: running the same file again finds the same runs.
 */
export function expandRuns(experiment: Experiment): RunPlan[] {
  return sweepPoints(experiment).flatMap((point) => {
    const section = (prefix: string) =>
      Object.fromEntries(Object.entries(point).filter(([axis]) => axis.startsWith(prefix)).map(([axis, v]) => [axis.slice(prefix.length), v]));
    const data = resolveDataConfig({ ...experiment.data, ...section("data.") });
    const train = resolveTrainConfig({ ...experiment.train, ...section("train.") });
    return experiment.models.flatMap((model) =>
      experiment.seeds.map((seed) => {
        const config = resolvedConfig({ experiment: experiment.name, model, seed, data, train });
        const id = createHash("sha256").update(canonicalJson(config)).digest("hex").slice(0, 16);
        return { id, experiment: experiment.name, model, seed, point, data, train };
      }),
    );
  });
}
