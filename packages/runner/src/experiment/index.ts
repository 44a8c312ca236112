export { ExperimentSchema, AXIS_PATTERN } from "./schema.js";
export type { Experiment } from "./schema.js";
export { loadExperiment, parseExperiment, DEFAULT_MAX_RUNS } from "./load.js";
export type { LoadOptions } from "./load.js";
export { expandRuns, sweepPoints, resolvedConfig } from "./expand.js";
export type { RunPlan } from "./expand.js";
