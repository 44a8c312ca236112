export { renderExperimentReport, renderIndex, indexEntry } from "./report.js";
export type { IndexEntry, ReportOptions } from "./report.js";
export { attentionAdvantage, criticalDifference, headline, summarize } from "./analysis.js";
export type { Advantage, CellSummary, CriticalDifference } from "./analysis.js";
export { buildMetricTable, buildPaperTable, toCsv, toLatex, toMarkdown, latexEscape, REFERENCE_RESULT } from "./tables.js";
export type { LatexOptions, MetricTableOptions, TableCell, TableModel } from "./tables.js";
export { METRICS, formatPoint, formatValue } from "./results.js";
export { axesOf, sweepPoints } from "./view.js";
export type { MetricName, RunView, SweepPoint } from "./results.js";
export {
  friedman,
  holm,
  mean,
  minimumDetectableDifference,
  pairedDifference,
  pairsNeeded,
  ranks,
  std,
  tInterval,
  verdict,
  wilcoxonSignedRank,
  welchTTest,
  mannWhitneyU,
  wilson,
} from "./stats.js";
export type { Proportion, TwoSampleTest } from "./stats.js";
export { ablationOf, ablationHeadline, buildAblationTable, experimentHeadline } from "./ablation.js";
export type { Ablation, AblationContext, LevelResult } from "./ablation.js";
export { runCurvesSpec, groupCurvesSpec, parallelCoordinatesSpec } from "./live-specs.js";
export { attentionOverlaySpec, runAttentionSpec } from "./specs.js";
export { renderSvg } from "./svg.js";
export { buildTuningTables } from "./tuning-tables.js";
export { buildSequentialTables } from "./sequential-tables.js";
export { sequentialLooksSpec } from "./sequential-specs.js";
export { sequentialComparisonLines, sequentialOf } from "./sequential.js";
export type { SeedsSpent, SequentialRow, SequentialSummary } from "./sequential.js";
export { SELECT_TEXT, choiceText, isTrial, roleText, tuningRecord } from "./run-tuning.js";
export type { Choice, EvaluationRecord, TrialRecord, TuningRecord } from "./run-tuning.js";
export { buildArchiveTables } from "./archive-tables.js";
export { archiveComparisonsOf, meanRanks, signedRankP, winsTiesLosses, TIE_TOLERANCE } from "./archive.js";
export type { ArchiveComparison, ProblemRow, WinsTiesLosses } from "./archive.js";
export { publishedAccuracyOf } from "./published.js";
export type { PublishedAccuracy } from "./published.js";
export { headlineMetricOf, onArchive } from "./view.js";
