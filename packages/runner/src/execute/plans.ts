import type { Store } from "@tsa/tracker";
import { ExperimentSchema, expandRuns, isTuned, possibleRuns, type RunPlan } from "../experiment/index.js";

/**
 * Every run of an experiment as the store records it, expanded by this code: the recorded spec is parsed
 * (never cast), so a spec this code cannot read gives no plans and its runs are failed with a reason. A
 * tuned experiment's are every run it can hold: which evaluations exist depends on its trials' scores.
 */
export async function recordedPlans(store: Store, experiment: string): Promise<RunPlan[]> {
  const info = (await store.listExperiments()).find((e) => e.name === experiment);
  const parsed = ExperimentSchema.safeParse(info?.spec);
  if (!parsed.success) return [];
  try {
    return isTuned(parsed.data) ? possibleRuns(parsed.data) : expandRuns(parsed.data);
  } catch {
    return [];
  }
}
