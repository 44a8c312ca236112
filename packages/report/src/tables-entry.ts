// `@tsa/report/tables`: the text side of the package (tables, value formatting, summaries) without the
// HTML report, so the query commands start without loading vega.
export { buildMetricTable, buildPaperTable, toCsv, toLatex, toMarkdown, latexEscape, REFERENCE_RESULT } from "./tables.js";
export type { LatexOptions, MetricTableOptions, TableCell, TableModel } from "./tables.js";
export { summarize } from "./analysis.js";
export { METRICS, formatPoint, formatValue } from "./results.js";
export { axesOf, sweepPoints } from "./view.js";
export type { MetricName, RunView, SweepPoint } from "./results.js";
export { ablationOf, buildAblationTable } from "./ablation.js";
export type { Ablation } from "./ablation.js";
export { buildTuningTables } from "./tuning-tables.js";
export { buildSequentialTables } from "./sequential-tables.js";
export { sequentialComparisonLines } from "./sequential.js";
export { SELECT_TEXT, choiceText, isTrial, roleText, tuningRecord } from "./run-tuning.js";
export type { Choice, EvaluationRecord, TrialRecord, TuningRecord } from "./run-tuning.js";
export { buildArchiveTables } from "./archive-tables.js";
export { publishedAccuracyOf } from "./published.js";
export type { PublishedAccuracy } from "./published.js";
export { headlineMetricOf, onArchive } from "./view.js";
