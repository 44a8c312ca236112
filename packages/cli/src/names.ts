// One spelling per metric for the user, the run_summary view's: snake_case (`roc_auc`), `test_` before a
// split's column (`test_roc_auc`). The older spellings (`rocAuc`, `test.rocAuc`) are accepted as aliases.
import type { MetricName } from "@tsa/report/tables";
import { METRIC_COLUMNS } from "@tsa/tracker";

/** The user's metric names, in the order tables list them, and the report's name for each. */
export const METRIC_NAMES = {
  f1: "f1",
  accuracy: "accuracy",
  roc_auc: "rocAuc",
  precision: "precision",
  recall: "recall",
} as const satisfies Record<string, MetricName>;
export type UserMetric = keyof typeof METRIC_NAMES;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** `rocAuc`, `roc_auc`, `test_roc_auc`, `test.rocAuc` → `roc_auc`; anything else unchanged. */
export function canonicalMetric(name: string): string {
  return snake(name.replace(/^test[._]/, ""));
}

/**
 * A column name for a split's metric, as in the run_summary view: `test_roc_auc`, and `test_attention_mass`
 * where the view's name is not the field's (the store's one list of metric columns says).
 */
export function splitColumn(split: string, metric: string): string {
  const summary = METRIC_COLUMNS.find((c) => c.field === metric)?.summary;
  return `${split}_${summary == null ? snake(metric) : summary.replace(/^test_/, "")}`;
}
