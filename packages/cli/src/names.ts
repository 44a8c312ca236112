// One spelling per metric for the user, the run_summary view's: snake_case (`roc_auc`), `test_` before a
// split's column (`test_roc_auc`). The older spellings (`rocAuc`, `test.rocAuc`) are accepted as aliases.
// All of them come from the store's metric catalogue.
import { TABLE_METRICS, metricNamed, metricOfField, type MetricField, type TableMetric } from "@tsa/tracker";

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
