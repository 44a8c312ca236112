export { Store, openStore, DEFAULT_STALE_AFTER_MS } from "./store.js";
export type { OpenOptions } from "./open.js";
export { SCHEMA_VERSION } from "./schema.js";
export { parseWhere, validKeys } from "./columns.js";
export { RUN_STATUSES } from "./types.js";
export type { ExperimentInfo, ExperimentResults, NewRun, QueryResult, RunFilter, RunResult, RunStatus, WhereCondition } from "./types.js";
