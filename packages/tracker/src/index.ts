export { Store, openStore } from "./store.js";
export type { OpenOptions } from "./open.js";
export { SCHEMA_VERSION } from "./schema.js";
export { POSTGRES_SCHEMA_VERSION } from "./postgres-schema.js";
export { isPostgresUrl, shownUrl } from "./location.js";
export { parseWhere, runKeys } from "./columns.js";
export { RUN_STATUSES } from "./types.js";
export { CONFIG_COLUMNS, EPOCH_COLUMNS, METRIC_COLUMNS } from "./entities.js";
export type { AttentionRow, EpochRow, MetricsRow, RunRecord } from "./entities.js";
export type {
  Claim,
  ClaimedRun,
  ExperimentInfo,
  ExperimentResults,
  NewRun,
  QueryResult,
  QueueProgress,
  RunFilter,
  RunResult,
  RunState,
  RunStatus,
  StaleRuns,
  WhereCondition,
} from "./types.js";
