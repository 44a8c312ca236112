export * from "./experiment/index.js";
export { runSweep, DEFAULT_HEARTBEAT_MS } from "./execute/sweep.js";
export type { RunFailure, SweepEvent, SweepOptions, SweepSummary } from "./execute/sweep.js";
export { gitCommit, versions } from "./execute/environment.js";
export { enqueueExperiment, runQueue, queueTimings } from "./execute/queue.js";
export type { QueueEvent, QueueOptions, QueueSummary, QueueTimings } from "./execute/queue.js";
