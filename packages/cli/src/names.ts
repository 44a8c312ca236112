// One spelling per metric for the user, the run_summary view's: snake_case (`roc_auc`), `test_` before a
// split's column (`test_roc_auc`). The older spellings (`rocAuc`, `test.rocAuc`) are accepted as aliases.
// All of them come from the store's metric catalogue.
import {
  METRIC_CATALOGUE,
  TABLE_METRICS,
  metricNamed,
  metricOfField,
  type MetricField,
  type MetricsRow,
  type TableMetric,
} from "@tsa/tracker";

/** The user's metric names `table --metric` takes, and the report's name (the field) for each. */
export const METRIC_NAMES: Readonly<Record<string, TableMetric>> = Object.fromEntries(TABLE_METRICS.map((m) => [m.name, m.field]));

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `rocAuc`, `roc_auc`, `test_roc_auc`, `test.rocAuc` → `roc_auc` (and an alias → its metric's name); anything else snake_cased. */
export function canonicalMetric(name: string): string {
  const bare = name.replace(/^test[._]/, "");
  return metricNamed(bare)?.name ?? snake(bare);
}

/** A column name for a split's metric, as in the run_summary view: `test_roc_auc`, `test_attention_mass`. */
export function splitColumn(split: string, field: MetricField): string {
  return `${split}_${metricOfField(field).name}`;
}

/** A yes/no as run_summary encodes it (`did_not_learn`): 1 or 0, in every output (JSON, CSV, tables). */
export const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);

/** A split's metrics by the catalogue's names (`roc_auc`, `balanced_accuracy`), as JSON output spells them. */
export function metricsByName(m: MetricsRow): Record<string, number | null> {
  return Object.fromEntries(METRIC_CATALOGUE.map((c) => [c.name, m[c.field as MetricField]]));
}
