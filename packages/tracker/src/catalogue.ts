/**
 * The metric catalogue: every classification metric a run records, once. The store's row type
 * (`MetricsRow`), its inserts and reads, the keys `runs --where` takes, the report's metric lists and the
 * CLI's metric names and `show` are all read from here. What a migration created is not: migrations are
 * frozen SQL (schema.ts, postgres-schema.ts), and a test checks that the newest schema has a column for
 * every entry and `run_summary` a `test_<name>` for every summarised one.
 *
 * Adding a metric: compute it in @tsa/models (`ClassificationMetrics`, which must have the same keys as
 * `MetricsRow`, a type error in the runner otherwise), one entry here, one migration per dialect.
 */

/** One metric: how users name it, how it is stored, how it is shown and compared. */
export interface MetricDefinition {
  /** The one name users see, snake_case: flags, JSON, export, and `test_<name>` in `run_summary`. */
  readonly name: string;
  /** Its key on `MetricsRow` and on @tsa/models' `ClassificationMetrics`. */
  readonly field: string;
  /** Its column in the `metrics` table; frozen by the migration that added it. */
  readonly column: string;
  /** How a table, chart or `show` heads it. */
  readonly label: string;
  /** A score or a count (confusion cells, series): counts are not compared across models. */
  readonly kind: "score" | "count";
  /** Which way is better; null for counts. */
  readonly higherIsBetter: boolean | null;
  /** Its largest possible value (1 for rates); null when unbounded (a loss, a count). Its smallest is 0. */
  readonly max: number | null;
  /** Null when a model cannot have it (attention metrics for models without attention); NaN otherwise. */
  readonly nullable: boolean;
  /** Offered by `table --metric` and in the report's tables. */
  readonly table: boolean;
  /** Offered in the report's metric switch (its charts). */
  readonly chart: boolean;
  /** Shown in `run_summary` for the test split, as `test_<name>`. */
  readonly summary: boolean;
  /** Older spellings still accepted on input. */
  readonly aliases: readonly string[];
}

const score = { kind: "score", higherIsBetter: true, max: 1, nullable: false, summary: true, aliases: [] } as const;
const count = {
  kind: "count",
  higherIsBetter: null,
  max: null,
  nullable: false,
  table: false,
  chart: false,
  summary: false,
  aliases: [],
} as const;

/** Every split a run records metrics for. */
export const SPLITS = ["val", "test"] as const;

/** In the order tables, the report's metric switch, `show` and `export` list them: F1, the headline metric, first. */
export const METRIC_CATALOGUE = [
  { ...score, name: "f1", field: "f1", column: "f1", label: "F1", table: true, chart: true },
  { ...score, name: "accuracy", field: "accuracy", column: "accuracy", label: "accuracy", table: true, chart: true },
  { ...score, name: "roc_auc", field: "rocAuc", column: "roc_auc", label: "ROC AUC", table: true, chart: true },
  { ...score, name: "precision", field: "precision", column: "precision", label: "precision", table: true, chart: false },
  { ...score, name: "recall", field: "recall", column: "recall", label: "recall", table: true, chart: false },
  // What the reference called its ROC AUC (from thresholded predictions); stored under that name until schema 4.
  {
    ...score,
    name: "balanced_accuracy",
    field: "balancedAccuracy",
    column: "balanced_accuracy",
    label: "balanced accuracy",
    table: true,
    chart: false,
    aliases: ["roc_auc_thresholded"],
  },
  {
    ...score,
    name: "log_loss",
    field: "logLoss",
    column: "log_loss",
    label: "log loss",
    higherIsBetter: false,
    max: null,
    table: true,
    chart: true,
  },
  {
    ...score,
    name: "attention_mass",
    field: "attentionMassInWindow",
    column: "attention_mass_in_window",
    label: "att. mass",
    nullable: true,
    table: false,
    chart: false,
  },
  {
    ...score,
    name: "attention_peak",
    field: "attentionPeakInWindow",
    column: "attention_peak_in_window",
    label: "att. peak",
    nullable: true,
    table: false,
    chart: false,
  },
  { ...count, name: "n", field: "n", column: "n", label: "series" },
  { ...count, name: "tp", field: "tp", column: "tp", label: "tp" },
  { ...count, name: "fp", field: "fp", column: "fp", label: "fp" },
  { ...count, name: "tn", field: "tn", column: "tn", label: "tn" },
  { ...count, name: "fn", field: "fn", column: "fn", label: "fn" },
] as const satisfies readonly MetricDefinition[];

type Entry = (typeof METRIC_CATALOGUE)[number];

/** One split's metrics as the store records them, one key per catalogue entry. NaN is stored as NULL and read back as NaN. */
export type MetricsRow = { [E in Entry as E["field"]]: E["nullable"] extends true ? number | null : number };

/** A metric's field, `MetricsRow`'s keys. */
export type MetricField = Entry["field"];
/** The metrics `table --metric` and the report's tables offer. */
export type TableMetric = Extract<Entry, { table: true }>["field"];
/** The metrics the report's metric switch offers. */
export type ChartMetric = Extract<Entry, { chart: true }>["field"];

export const TABLE_METRICS = METRIC_CATALOGUE.filter((m): m is Extract<Entry, { table: true }> => m.table);
export const CHART_METRICS = METRIC_CATALOGUE.filter((m): m is Extract<Entry, { chart: true }> => m.chart);

/** The entry a user's name, an alias or a field names (`balanced_accuracy`, `roc_auc_thresholded`, `rocAuc`); undefined if none. */
export function metricNamed(name: string): MetricDefinition | undefined {
  return METRIC_CATALOGUE.find((m) => m.name === name || m.field === name || (m.aliases as readonly string[]).includes(name));
}

/** The entry for a field; every field has one. */
export function metricOfField(field: MetricField): MetricDefinition {
  return METRIC_CATALOGUE.find((m) => m.field === field)!;
}
