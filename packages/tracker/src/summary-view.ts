import type { SqlDialect } from "./dialect.js";
import { CONFIG_COLUMNS, EPOCH_COLUMNS, METRIC_COLUMNS } from "./entities.js";

/** `run_summary`: one flat row per run, its columns from the lists in entities.ts. */
export function summaryViewSql(d: SqlDialect): string {
  const config = CONFIG_COLUMNS.map((c) => `${d.jsonScalar("r.config", c.path, c.type)} AS ${c.column}`);
  const metrics = METRIC_COLUMNS.filter((m) => m.summary !== null).map((m) => `m.${m.column} AS ${m.summary}`);
  return `CREATE VIEW run_summary AS
    SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
           ${[...config, ...metrics].join(",\n           ")},
           (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
           r.epochs_run, r.best_epoch, r.duration_ms / 1000.0 AS duration_s,
           r.backend, r.kernels, r.git_commit, r.started_at, r.finished_at, r.error
    FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test'`;
}

/** The child tables, from the column lists (PostgreSQL's schema; SQLite's was written before the lists). */
export function childTablesSql(d: SqlDialect): string {
  return `
    CREATE TABLE epochs (
      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      epoch  INTEGER NOT NULL,
      ${EPOCH_COLUMNS.map((c) => `${c.column} ${d.type(c.type)}`).join(", ")},
      PRIMARY KEY (run_id, epoch)
    );
    CREATE TABLE metrics (
      run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      split  TEXT NOT NULL CHECK (split IN ('val', 'test')),
      ${METRIC_COLUMNS.map((c) => `${c.column} ${d.type(c.type)}${c.column === "n" ? " NOT NULL" : ""}`).join(", ")},
      PRIMARY KEY (run_id, split)
    );
    CREATE TABLE attention (
      run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      series_index INTEGER NOT NULL,
      label        INTEGER NOT NULL,
      window_start INTEGER,
      window_end   INTEGER,
      signal       TEXT NOT NULL,
      weights      TEXT NOT NULL,
      PRIMARY KEY (run_id, series_index)
    );`;
}
