export { TuneSchema, SELECT_METRICS, TUNE_KEY, tuneProblems, fieldSchema } from "./space.js";
export type { Tune, TuneRange, SelectMetric } from "./space.js";
export { tuningTrials, gridSize } from "./trials.js";
export type { Trial } from "./trials.js";
export { selectTrial, higherIsBetter } from "./select.js";
export type { TrialOutcome, Selection } from "./select.js";
export { expectedBestCurve } from "./expected-best.js";
