export { Store, openStore, DEFAULT_STALE_AFTER_MS } from "./store.js";
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
  RunStatus,
  StaleRuns,
  WhereCondition,
} from "./types.js";
export { RunBrowser, openRunBrowser, MAX_PAGE_ROWS } from "./browse.js";
export type { ExperimentProgress, RunProgress, RunSummary, RunsPage, RunsPageQuery } from "./browse.js";
