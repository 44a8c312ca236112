import { modelsAtPoints } from "./expand.js";
import { modelEntryName, type Experiment } from "./schema.js";

/** A treatment and the models it may be compared with: one control, or the baselines the best is chosen from. */
export interface ComparedPair {
  treatment: string;
  controls: string[];
}

/**
 * What the report's headline compares, as sequential seeds decide it: the file's `compare:` between two
 * models, else each attention model against the baselines (the models without attention pooling), the best
 * of which is chosen at each point (see sequential/comparisons.ts). Empty when there is nothing to compare.
 */
export function comparedPairs(experiment: Experiment): ComparedPair[] {
  const compare = experiment.compare;
  if (compare !== undefined && compare.axis === undefined)
    return [{ treatment: String(compare.treatment), controls: [String(compare.control)] }];
  const models = modelsAtPoints(experiment)[0]?.models ?? [];
  const attends = (m: (typeof models)[number]) => "spec" in m && m.spec.pooling === "attention";
  const treatments = models.filter(attends).map((m) => modelEntryName(m.entry));
  const baselines = models.filter((m) => !attends(m)).map((m) => modelEntryName(m.entry));
  return baselines.length === 0 ? [] : treatments.map((treatment) => ({ treatment, controls: baselines }));
}
