import type { AttentionSample, ClassificationMetrics, EpochRecord } from "@tsa/models";

export type RunStatus = "queued" | "running" | "completed" | "failed" | "interrupted";
export const RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "completed", "failed", "interrupted"];

/** What a sweep knows of a run when it claims it. */
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
  test: ClassificationMetrics | null;
  val: ClassificationMetrics | null;
  epochs: EpochRecord[];
  attention: AttentionSample[];
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
