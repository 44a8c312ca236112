export { comparedPairs } from "./compared.js";
export type { ComparedPair } from "./compared.js";
export { SequentialSchema, SEQUENTIAL_METRICS } from "./schema.js";
export type { Sequential } from "./schema.js";
export { ExperimentSchema, AXIS_PATTERN, VariantSchema, ModelEntrySchema, modelEntryName } from "./schema.js";
export type { Experiment, ModelEntry, Variant } from "./schema.js";
export { loadExperiment, parseExperiment, DEFAULT_MAX_RUNS } from "./load.js";
export type { LoadOptions } from "./load.js";
export {
  expandRuns,
  sweepPoints,
  resolvedConfig,
  newRun,
  identityConfig,
  isOutdated,
  recordedSeries,
  modelSpecInput,
  pointSection,
} from "./expand.js";
export type { CodeVersions, RunPlan, TuningRecord } from "./expand.js";
export { isTuned, trialsOf, selectionKey, expandTrials, expandEvaluations, possibleRuns, plannedRunCount } from "./tuned.js";
export type { Choice } from "./tuned.js";
