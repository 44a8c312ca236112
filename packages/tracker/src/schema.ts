import type Database from "better-sqlite3";

/**
 * Forward migrations, one function per schema version: MIGRATIONS[i] takes a database at version i to
 * version i + 1. Each runs in a transaction that also sets `user_version` (see openStore).
 * Each is frozen literal SQL, never built from today's lists (the metric catalogue, entities.ts): a
 * migration must create what it created the day it was written, or the next one meets a schema it did
 * not expect. A new column is a new migration here and in postgres-schema.ts.
 */
export const MIGRATIONS: Array<(db: Database.Database) => void> = [
  function v1(db) {
    db.exec(`
      CREATE TABLE experiments (
        name        TEXT PRIMARY KEY,
        description TEXT NOT NULL,
        file        TEXT NOT NULL,
        spec        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE runs (
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
        heartbeat_at      INTEGER,
        attempts          INTEGER NOT NULL DEFAULT 0,
        started_at        TEXT,
        finished_at       TEXT,
        duration_ms       REAL,
        train_duration_ms REAL,
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
      CREATE TABLE epochs (
        run_id         TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch          INTEGER NOT NULL,
        train_loss     REAL,
        val_loss       REAL,
        train_accuracy REAL,
        val_accuracy   REAL,
        duration_ms    REAL,
        PRIMARY KEY (run_id, epoch)
      );
      CREATE TABLE metrics (
        run_id                   TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        split                    TEXT NOT NULL CHECK (split IN ('val', 'test')),
        n                        INTEGER NOT NULL,
        accuracy                 REAL,
        precision                REAL,
        recall                   REAL,
        f1                       REAL,
        roc_auc                  REAL,
        roc_auc_thresholded      REAL,
        tp INTEGER, fp INTEGER, tn INTEGER, fn INTEGER,
        attention_mass_in_window REAL,
        attention_peak_in_window REAL,
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
             json_extract(r.config, '$.data.length[0]')   AS length_min,
             json_extract(r.config, '$.data.length[1]')   AS length_max,
             json_extract(r.config, '$.data.location[0]') AS location_min,
             json_extract(r.config, '$.data.location[1]') AS location_max,
             json_extract(r.config, '$.data.noise')       AS noise,
             json_extract(r.config, '$.data.size')        AS size,
             json_extract(r.config, '$.data.numPoints')   AS num_points,
             m.accuracy AS test_accuracy, m.precision AS test_precision, m.recall AS test_recall,
             m.f1 AS test_f1, m.roc_auc AS test_roc_auc, m.roc_auc_thresholded AS test_roc_auc_thresholded,
             m.attention_mass_in_window AS test_attention_mass, m.attention_peak_in_window AS test_attention_peak,
             (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
             r.epochs_run, r.best_epoch, r.duration_ms / 1000.0 AS duration_s,
             r.backend, r.kernels, r.git_commit, r.started_at, r.finished_at, r.error
      FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test';
    `);
  },
  // Model parts (DESIGN.md, "models are compositions of parts"): the view shows each run's resolved parts.
  // Runs recorded before parts existed have none in their config; their columns read NULL.
  function v2(db) {
    db.exec(`
      DROP VIEW run_summary;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             json_extract(r.config, '$.data.length[0]')   AS length_min,
             json_extract(r.config, '$.data.length[1]')   AS length_max,
             json_extract(r.config, '$.data.location[0]') AS location_min,
             json_extract(r.config, '$.data.location[1]') AS location_max,
             json_extract(r.config, '$.data.noise')       AS noise,
             json_extract(r.config, '$.data.size')        AS size,
             json_extract(r.config, '$.data.numPoints')   AS num_points,
             json_extract(r.config, '$.parts.encoder')        AS encoder,
             json_extract(r.config, '$.parts.pooling')        AS pooling,
             json_extract(r.config, '$.parts.units')          AS units,
             json_extract(r.config, '$.parts.attentionUnits') AS attention_units,
             json_extract(r.config, '$.parts.hidden')         AS hidden,
             json_extract(r.config, '$.parts.normalize')      AS normalize,
             json_extract(r.config, '$.parts.init')           AS init,
             m.accuracy AS test_accuracy, m.precision AS test_precision, m.recall AS test_recall,
             m.f1 AS test_f1, m.roc_auc AS test_roc_auc, m.roc_auc_thresholded AS test_roc_auc_thresholded,
             m.attention_mass_in_window AS test_attention_mass, m.attention_peak_in_window AS test_attention_peak,
             (SELECT MIN(e.val_loss) FROM epochs e WHERE e.run_id = r.id) AS best_val_loss,
             r.epochs_run, r.best_epoch, r.duration_ms / 1000.0 AS duration_s,
             r.backend, r.kernels, r.git_commit, r.started_at, r.finished_at, r.error
      FROM runs r LEFT JOIN metrics m ON m.run_id = r.id AND m.split = 'test';
    `);
  },
  // Runs as a shared queue (`tsa worker`): a claim takes the queued run of highest expected cost first.
  // The view reads as v2's did (it was written from the column lists then; frozen here as it was).
  function v3(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN priority REAL NOT NULL DEFAULT 0;
      DROP VIEW run_summary;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             json_extract(r.config, '$.data.length[0]') AS length_min,
             json_extract(r.config, '$.data.length[1]') AS length_max,
             json_extract(r.config, '$.data.location[0]') AS location_min,
             json_extract(r.config, '$.data.location[1]') AS location_max,
             json_extract(r.config, '$.data.noise') AS noise,
             json_extract(r.config, '$.data.size') AS size,
             json_extract(r.config, '$.data.numPoints') AS num_points,
             json_extract(r.config, '$.parts.encoder') AS encoder,
             json_extract(r.config, '$.parts.pooling') AS pooling,
             json_extract(r.config, '$.parts.units') AS units,
             json_extract(r.config, '$.parts.attentionUnits') AS attention_units,
             json_extract(r.config, '$.parts.hidden') AS hidden,
             json_extract(r.config, '$.parts.normalize') AS normalize,
             json_extract(r.config, '$.parts.init') AS init,
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
  // Balanced accuracy by its name: the column the reference's thresholded "ROC AUC" was stored under is
  // renamed, values untouched; the view's test_roc_auc_thresholded becomes test_balanced_accuracy.
  function v4(db) {
    db.exec(`
      DROP VIEW run_summary;
      ALTER TABLE metrics RENAME COLUMN roc_auc_thresholded TO balanced_accuracy;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             json_extract(r.config, '$.data.length[0]') AS length_min,
             json_extract(r.config, '$.data.length[1]') AS length_max,
             json_extract(r.config, '$.data.location[0]') AS location_min,
             json_extract(r.config, '$.data.location[1]') AS location_max,
             json_extract(r.config, '$.data.noise') AS noise,
             json_extract(r.config, '$.data.size') AS size,
             json_extract(r.config, '$.data.numPoints') AS num_points,
             json_extract(r.config, '$.parts.encoder') AS encoder,
             json_extract(r.config, '$.parts.pooling') AS pooling,
             json_extract(r.config, '$.parts.units') AS units,
             json_extract(r.config, '$.parts.attentionUnits') AS attention_units,
             json_extract(r.config, '$.parts.hidden') AS hidden,
             json_extract(r.config, '$.parts.normalize') AS normalize,
             json_extract(r.config, '$.parts.init') AS init,
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
  // Test log-loss (the real-data issue needs a proper scoring rule). Runs recorded before have none: NULL.
  function v5(db) {
    db.exec(`
      ALTER TABLE metrics ADD COLUMN log_loss REAL;
      DROP VIEW run_summary;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             json_extract(r.config, '$.data.length[0]') AS length_min,
             json_extract(r.config, '$.data.length[1]') AS length_max,
             json_extract(r.config, '$.data.location[0]') AS location_min,
             json_extract(r.config, '$.data.location[1]') AS location_max,
             json_extract(r.config, '$.data.noise') AS noise,
             json_extract(r.config, '$.data.size') AS size,
             json_extract(r.config, '$.data.numPoints') AS num_points,
             json_extract(r.config, '$.parts.encoder') AS encoder,
             json_extract(r.config, '$.parts.pooling') AS pooling,
             json_extract(r.config, '$.parts.units') AS units,
             json_extract(r.config, '$.parts.attentionUnits') AS attention_units,
             json_extract(r.config, '$.parts.hidden') AS hidden,
             json_extract(r.config, '$.parts.normalize') AS normalize,
             json_extract(r.config, '$.parts.init') AS init,
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
  // Archive problems: the view names each run's problem and validation share (NULL on generated series).
  function v6(db) {
    db.exec(`
      DROP VIEW run_summary;
      CREATE VIEW run_summary AS
      SELECT r.id, r.experiment, r.model, r.seed, r.status, r.did_not_learn, r.point,
             json_extract(r.config, '$.data.length[0]') AS length_min,
             json_extract(r.config, '$.data.length[1]') AS length_max,
             json_extract(r.config, '$.data.location[0]') AS location_min,
             json_extract(r.config, '$.data.location[1]') AS location_max,
             json_extract(r.config, '$.data.noise') AS noise,
             json_extract(r.config, '$.data.size') AS size,
             json_extract(r.config, '$.data.numPoints') AS num_points,
             json_extract(r.config, '$.data.problem') AS problem,
             json_extract(r.config, '$.data.validation') AS validation,
             json_extract(r.config, '$.data.zNormalize') AS z_normalize,
             json_extract(r.config, '$.parts.encoder') AS encoder,
             json_extract(r.config, '$.parts.pooling') AS pooling,
             json_extract(r.config, '$.parts.units') AS units,
             json_extract(r.config, '$.parts.attentionUnits') AS attention_units,
             json_extract(r.config, '$.parts.hidden') AS hidden,
             json_extract(r.config, '$.parts.normalize') AS normalize,
             json_extract(r.config, '$.parts.init') AS init,
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

export const SCHEMA_VERSION = MIGRATIONS.length;
