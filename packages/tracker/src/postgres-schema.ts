import { StoreError } from "@tsa/errors";
import type pg from "pg";
import { hostname } from "node:os";

/**
 * PostgreSQL's forward migrations, one function per version (its own sequence: SQLite's history of
 * files written before PostgreSQL was supported does not apply). The version lives in `tsa_schema`.
 * Frozen literal SQL, as schema.ts's: never built from today's lists.
 */
const MIGRATIONS: Array<(client: pg.ClientBase) => Promise<unknown>> = [
  async function v1(client) {
    await client.query(`
      CREATE TABLE experiments (
        name TEXT PRIMARY KEY, description TEXT NOT NULL, file TEXT NOT NULL, spec TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      CREATE TABLE runs (
        seq               BIGSERIAL UNIQUE,
        id                TEXT PRIMARY KEY,
        experiment        TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
        model             TEXT NOT NULL,
        seed              INTEGER NOT NULL,
        point             TEXT NOT NULL,
        config            TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'interrupted')),
        error             TEXT,
        failed_epoch      INTEGER,
        owner             TEXT,
        heartbeat_at      BIGINT,
        attempts          INTEGER NOT NULL DEFAULT 0,
        priority          DOUBLE PRECISION NOT NULL DEFAULT 0,
        started_at        TEXT,
        finished_at       TEXT,
        duration_ms       DOUBLE PRECISION,
        train_duration_ms DOUBLE PRECISION,
        epochs_run        INTEGER,
        best_epoch        INTEGER,
        stopped_early     INTEGER,
        did_not_learn     INTEGER NOT NULL DEFAULT 0,
        backend           TEXT,
        kernels           TEXT,
        git_commit        TEXT,
        versions          TEXT
      );
      CREATE INDEX runs_by_experiment ON runs (experiment, status);
      CREATE INDEX runs_queue ON runs (status, priority DESC, seq);
      CREATE TABLE epochs (
        run_id         TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch          INTEGER NOT NULL,
        train_loss     DOUBLE PRECISION,
        val_loss       DOUBLE PRECISION,
        train_accuracy DOUBLE PRECISION,
        val_accuracy   DOUBLE PRECISION,
        duration_ms    DOUBLE PRECISION,
        PRIMARY KEY (run_id, epoch)
      );
      CREATE TABLE metrics (
        run_id                   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        split                    TEXT NOT NULL CHECK (split IN ('val', 'test')),
        n                        INTEGER NOT NULL,
        accuracy                 DOUBLE PRECISION,
        precision                DOUBLE PRECISION,
        recall                   DOUBLE PRECISION,
        f1                       DOUBLE PRECISION,
        roc_auc                  DOUBLE PRECISION,
        roc_auc_thresholded      DOUBLE PRECISION,
        tp INTEGER, fp INTEGER, tn INTEGER, fn INTEGER,
        attention_mass_in_window DOUBLE PRECISION,
        attention_peak_in_window DOUBLE PRECISION,
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
      );
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,0}') AS DOUBLE PRECISION) AS length_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,1}') AS DOUBLE PRECISION) AS length_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,0}') AS DOUBLE PRECISION) AS location_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,1}') AS DOUBLE PRECISION) AS location_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,noise}') AS DOUBLE PRECISION) AS noise,
             CAST((CAST(r.config AS jsonb) #>> '{data,size}') AS DOUBLE PRECISION) AS size,
             CAST((CAST(r.config AS jsonb) #>> '{data,numPoints}') AS DOUBLE PRECISION) AS num_points,
             (CAST(r.config AS jsonb) #>> '{parts,encoder}') AS encoder,
             (CAST(r.config AS jsonb) #>> '{parts,pooling}') AS pooling,
             CAST((CAST(r.config AS jsonb) #>> '{parts,units}') AS DOUBLE PRECISION) AS units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,attentionUnits}') AS DOUBLE PRECISION) AS attention_units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,hidden}') AS DOUBLE PRECISION) AS hidden,
             (CAST(r.config AS jsonb) #>> '{parts,normalize}') AS normalize,
             (CAST(r.config AS jsonb) #>> '{parts,init}') AS init,
             m.accuracy AS test_accuracy,
             m.precision AS test_precision,
             m.recall AS test_recall,
             m.f1 AS test_f1,
             m.roc_auc AS test_roc_auc,
             m.roc_auc_thresholded AS test_roc_auc_thresholded,
             m.attention_mass_in_window AS test_attention_mass,
             m.attention_peak_in_window AS test_attention_peak,
             (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
             r.epochs_run, r.best_epoch, r.duration_ms / 1000.0 AS duration_s,
             r.backend, r.kernels, r.git_commit, r.started_at, r.finished_at, r.error
      FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test';
    `);
  },
  // Balanced accuracy by its name (as SQLite's v4): the column is renamed, values untouched.
  async function v2(client) {
    await client.query(`
      DROP VIEW run_summary;
      ALTER TABLE metrics RENAME COLUMN roc_auc_thresholded TO balanced_accuracy;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,0}') AS DOUBLE PRECISION) AS length_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,1}') AS DOUBLE PRECISION) AS length_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,0}') AS DOUBLE PRECISION) AS location_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,1}') AS DOUBLE PRECISION) AS location_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,noise}') AS DOUBLE PRECISION) AS noise,
             CAST((CAST(r.config AS jsonb) #>> '{data,size}') AS DOUBLE PRECISION) AS size,
             CAST((CAST(r.config AS jsonb) #>> '{data,numPoints}') AS DOUBLE PRECISION) AS num_points,
             (CAST(r.config AS jsonb) #>> '{parts,encoder}') AS encoder,
             (CAST(r.config AS jsonb) #>> '{parts,pooling}') AS pooling,
             CAST((CAST(r.config AS jsonb) #>> '{parts,units}') AS DOUBLE PRECISION) AS units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,attentionUnits}') AS DOUBLE PRECISION) AS attention_units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,hidden}') AS DOUBLE PRECISION) AS hidden,
             (CAST(r.config AS jsonb) #>> '{parts,normalize}') AS normalize,
             (CAST(r.config AS jsonb) #>> '{parts,init}') AS init,
             m.accuracy AS test_accuracy,
             m.precision AS test_precision,
             m.recall AS test_recall,
             m.f1 AS test_f1,
             m.roc_auc AS test_roc_auc,
             m.balanced_accuracy AS test_balanced_accuracy,
             m.attention_mass_in_window AS test_attention_mass,
             m.attention_peak_in_window AS test_attention_peak,
             (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
             r.epochs_run, r.best_epoch, r.duration_ms / 1000.0 AS duration_s,
             r.backend, r.kernels, r.git_commit, r.started_at, r.finished_at, r.error
      FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test';
    `);
  },
  // Test log-loss (as SQLite's v5). Runs recorded before have none: NULL.
  async function v3(client) {
    await client.query(`
      ALTER TABLE metrics ADD COLUMN log_loss DOUBLE PRECISION;
      DROP VIEW run_summary;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,0}') AS DOUBLE PRECISION) AS length_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,1}') AS DOUBLE PRECISION) AS length_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,0}') AS DOUBLE PRECISION) AS location_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,1}') AS DOUBLE PRECISION) AS location_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,noise}') AS DOUBLE PRECISION) AS noise,
             CAST((CAST(r.config AS jsonb) #>> '{data,size}') AS DOUBLE PRECISION) AS size,
             CAST((CAST(r.config AS jsonb) #>> '{data,numPoints}') AS DOUBLE PRECISION) AS num_points,
             (CAST(r.config AS jsonb) #>> '{parts,encoder}') AS encoder,
             (CAST(r.config AS jsonb) #>> '{parts,pooling}') AS pooling,
             CAST((CAST(r.config AS jsonb) #>> '{parts,units}') AS DOUBLE PRECISION) AS units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,attentionUnits}') AS DOUBLE PRECISION) AS attention_units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,hidden}') AS DOUBLE PRECISION) AS hidden,
             (CAST(r.config AS jsonb) #>> '{parts,normalize}') AS normalize,
             (CAST(r.config AS jsonb) #>> '{parts,init}') AS init,
             m.accuracy AS test_accuracy,
             m.precision AS test_precision,
             m.recall AS test_recall,
             m.f1 AS test_f1,
             m.roc_auc AS test_roc_auc,
             m.balanced_accuracy AS test_balanced_accuracy,
             m.log_loss AS test_log_loss,
             m.attention_mass_in_window AS test_attention_mass,
             m.attention_peak_in_window AS test_attention_peak,
             (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
             r.epochs_run, r.best_epoch, r.duration_ms / 1000.0 AS duration_s,
             r.backend, r.kernels, r.git_commit, r.started_at, r.finished_at, r.error
      FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test';
    `);
  },
  // Archive problems (as SQLite's v6): the view names each run's problem and validation share.
  async function v4(client) {
    await client.query(`
      DROP VIEW run_summary;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,0}') AS DOUBLE PRECISION) AS length_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,length,1}') AS DOUBLE PRECISION) AS length_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,0}') AS DOUBLE PRECISION) AS location_min,
             CAST((CAST(r.config AS jsonb) #>> '{data,location,1}') AS DOUBLE PRECISION) AS location_max,
             CAST((CAST(r.config AS jsonb) #>> '{data,noise}') AS DOUBLE PRECISION) AS noise,
             CAST((CAST(r.config AS jsonb) #>> '{data,size}') AS DOUBLE PRECISION) AS size,
             CAST((CAST(r.config AS jsonb) #>> '{data,numPoints}') AS DOUBLE PRECISION) AS num_points,
             (CAST(r.config AS jsonb) #>> '{data,problem}') AS problem,
             CAST((CAST(r.config AS jsonb) #>> '{data,validation}') AS DOUBLE PRECISION) AS validation,
             CAST(CAST((CAST(r.config AS jsonb) #>> '{data,zNormalize}') AS BOOLEAN) AS INTEGER) AS z_normalize,
             (CAST(r.config AS jsonb) #>> '{parts,encoder}') AS encoder,
             (CAST(r.config AS jsonb) #>> '{parts,pooling}') AS pooling,
             CAST((CAST(r.config AS jsonb) #>> '{parts,units}') AS DOUBLE PRECISION) AS units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,attentionUnits}') AS DOUBLE PRECISION) AS attention_units,
             CAST((CAST(r.config AS jsonb) #>> '{parts,hidden}') AS DOUBLE PRECISION) AS hidden,
             (CAST(r.config AS jsonb) #>> '{parts,normalize}') AS normalize,
             (CAST(r.config AS jsonb) #>> '{parts,init}') AS init,
             m.accuracy AS test_accuracy,
             m.precision AS test_precision,
             m.recall AS test_recall,
             m.f1 AS test_f1,
             m.roc_auc AS test_roc_auc,
             m.balanced_accuracy AS test_balanced_accuracy,
             m.log_loss AS test_log_loss,
             m.attention_mass_in_window AS test_attention_mass,
             m.attention_peak_in_window AS test_attention_peak,
             (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
             r.epochs_run, r.best_epoch, r.duration_ms / 1000.0 AS duration_s,
             r.backend, r.kernels, r.git_commit, r.started_at, r.finished_at, r.error
      FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test';
    `);
  },
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

// Any fixed number: every tsa-lab process migrating this database takes the same lock.
const MIGRATION_LOCK = 0x75a1ab;

/**
 * Refuses a database newer than this code; migrates an older one, under a session advisory lock so that
 * any number of processes starting at once migrate it exactly once.
 */
export async function migratePostgres(client: pg.ClientBase, location: string, readonly: boolean): Promise<void> {
  const current = async () => {
    const table = await client.query<{ exists: boolean }>("SELECT to_regclass('tsa_schema') IS NOT NULL AS exists");
    if (!table.rows[0]!.exists) return 0;
    return (await client.query<{ version: number | null }>("SELECT MAX(version) AS version FROM tsa_schema")).rows[0]?.version ?? 0;
  };
  const refuseNewer = (version: number) => {
    if (version > POSTGRES_SCHEMA_VERSION)
      throw new StoreError(
        `${location}: written by a newer tsa-lab (schema version ${version}, this code knows up to ${POSTGRES_SCHEMA_VERSION}); ` +
          "update tsa-lab to read it — the database was left untouched",
      );
  };
  const seen = await current();
  refuseNewer(seen);
  if (seen === POSTGRES_SCHEMA_VERSION) return;
  if (readonly && seen === 0) throw new StoreError(`${location}: no run database here yet`, { remedy: "create-first" });
  await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    // Read again under the lock: another process may have migrated it meanwhile.
    const version = await current();
    refuseNewer(version);
    for (let v = version; v < POSTGRES_SCHEMA_VERSION; v++) {
      await client.query("BEGIN");
      try {
        // One row per version applied: when, and by whom (a test checks that a crowd migrates once).
        await client.query(
          "CREATE TABLE IF NOT EXISTS tsa_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL, applied_by TEXT NOT NULL)",
        );
        await MIGRATIONS[v]!(client);
        await client.query("INSERT INTO tsa_schema (version, applied_at, applied_by) VALUES ($1, clock_timestamp(), $2)", [
          v + 1,
          `${hostname()}:${process.pid}`,
        ]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
  }
}
