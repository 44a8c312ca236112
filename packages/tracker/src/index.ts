export { Store, openStore } from "./store.js";
export type { OpenOptions } from "./open.js";
export { SCHEMA_VERSION } from "./schema.js";
export { POSTGRES_SCHEMA_VERSION } from "./postgres-schema.js";
export { isPostgresUrl, shownUrl } from "./location.js";
export { parseWhere, runKeys } from "./columns.js";
export { RUN_STATUSES } from "./types.js";
export { CHART_METRICS, METRIC_CATALOGUE, SPLITS, TABLE_METRICS, metricNamed, metricOfField } from "./catalogue.js";
export type { ChartMetric, MetricDefinition, MetricField, MetricsRow, TableMetric } from "./catalogue.js";
export type { AttentionRow, EpochRow, RunRecord } from "./entities.js";
export type {
  Claim,
  ClaimedRun,
  ExperimentInfo,
  ExperimentResults,
  NewRun,
  OutcomeQuery,
  QueryResult,
  QueueProgress,
  RunFilter,
  RunOutcome,
  RunResult,
  RunState,
  RunStatus,
  StaleRuns,
  WhereCondition,
} from "./types.js";
export { RunBrowser, openRunBrowser, MAX_PAGE_ROWS } from "./browse.js";
export type { ExperimentProgress, RunProgress, RunSummary, RunsPage, RunsPageQuery } from "./browse.js";
