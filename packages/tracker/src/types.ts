import type { MetricField } from "./catalogue.js";
import type { AttentionRow, EpochRow, MetricsRow } from "./entities.js";

export type RunStatus = "queued" | "running" | "completed" | "failed" | "interrupted";
export const RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "completed", "failed", "interrupted"];

/** What the store keeps of a run before it trains (enqueued). */
export interface NewRun {
  id: string;
  experiment: string;
  model: string;
  seed: number;
  /** The sweep point, keyed by axis (`data.length`). */
  point: Record<string, unknown>;
  /** The fully resolved config (experiment, model, seed, data, train). */
  config: unknown;
  backend: string;
  kernels: string;
  gitCommit: string | null;
  versions: Record<string, string>;
}

export interface ExperimentInfo {
  name: string;
  description: string;
  file: string;
  spec: unknown;
  createdAt: string;
}

/** One run as recorded, with everything the report and the query commands show. */
export interface RunResult {
  id: string;
  experiment: string;
  model: string;
  seed: number;
  point: Record<string, unknown>;
  status: RunStatus;
  error: string | null;
  failedEpoch: number | null;
  config: unknown;
  backend: string;
  kernels: string;
  gitCommit: string | null;
  versions: Record<string, string>;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  trainDurationMs: number | null;
  epochsRun: number | null;
  bestEpoch: number | null;
  stoppedEarly: boolean;
  didNotLearn: boolean;
  test: MetricsRow | null;
  val: MetricsRow | null;
  epochs: EpochRow[];
  attention: AttentionRow[];
}

/** What `Store.runOutcomes` reads of each run: a few metrics and a few top-level config keys, nothing else. */
export interface OutcomeQuery {
  /** Metric fields read on each split (`logLoss`, `f1`). */
  metrics: readonly MetricField[];
  /** Top-level keys of the recorded config (`tuning`). */
  config?: readonly string[];
}

/**
 * A run as a sweep decides from it: where it stands, the config keys and metrics asked for, no epochs or
 * attention samples. A split's metrics are null until the run has them (completed); NaN reads back as NaN.
 */
export interface RunOutcome {
  id: string;
  model: string;
  seed: number;
  point: Record<string, unknown>;
  status: RunStatus;
  /** The asked-for top-level keys of the recorded config that it has. */
  config: Record<string, unknown>;
  val: Partial<Record<MetricField, number | null>> | null;
  test: Partial<Record<MetricField, number | null>> | null;
}

export interface ExperimentResults {
  experiment: ExperimentInfo;
  runs: RunResult[];
}

/** A `--where key=value` condition. */
export interface WhereCondition {
  key: string;
  op: "=" | "!=" | "<" | "<=" | ">" | ">=";
  value: string;
}

export interface RunFilter {
  experiment?: string;
  model?: string;
  status?: RunStatus;
  seed?: number;
  where?: WhereCondition[];
  sort?: string;
  descending?: boolean;
  limit?: number;
}

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** A claim on a run: `attempt` is its fencing token, named by every write the claimant makes. */
export interface Claim {
  runId: string;
  attempt: number;
  /** `host:pid…`: who holds it, for progress displays and for telling dead local processes. */
  owner: string;
}

/** A run taken from the queue, with what a worker needs to train it. */
export interface ClaimedRun {
  claim: Claim;
  run: { id: string; experiment: string; model: string; seed: number; config: unknown };
}

/** Where a run stands: enough to tell whether it is settled and why it failed. */
export interface RunState {
  status: RunStatus;
  error: string | null;
  failedEpoch: number | null;
  attempts: number;
}

/** Runs a worker found without heartbeats: back in the queue, or failed after their last attempt. */
export interface StaleRuns {
  requeued: string[];
  failed: string[];
}

export interface QueueProgress extends Record<RunStatus, number> {
  /** Running runs, with how long ago (on the database's clock) their worker last sent a heartbeat. */
  inFlight: Array<{ id: string; model: string; seed: number; owner: string; attempts: number; sinceHeartbeatMs: number }>;
}
