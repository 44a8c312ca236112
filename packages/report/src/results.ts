import { PRESETS, PRESET_NAMES } from "@tsa/models/config";
import type { RunResult } from "@tsa/tracker";
// The metric catalogue is plain data below the store (no database): the report reads its lists from it.
import { TABLE_METRICS, metricOfField, type TableMetric } from "@tsa/tracker/catalogue";

/** A metric a report or table can show: its field on a run's metrics (the store's metric catalogue says which). */
export type MetricName = TableMetric;
/** Those metrics with their labels, from the store's metric catalogue. */
export const METRICS = Object.fromEntries(TABLE_METRICS.map((m) => [m.field, m.label])) as Record<MetricName, string>;

/** +1 when a higher value of the metric is better, -1 when a lower one is (a loss): the catalogue says which. */
export const betterSign = (metric: MetricName): 1 | -1 => (metricOfField(metric).higherIsBetter === false ? -1 : 1);

/** A value kept within the metric's range (0 to 1 for rates, 0 and up for a loss): for interval bands. */
export function withinRange(metric: MetricName, v: number): number {
  const { max } = metricOfField(metric);
  return Math.max(0, max === null ? v : Math.min(max, v));
}

/** The subject of the comparison, and the order models are drawn in: both from the models' catalogue. */
export const ATTENTION_MODEL: string = PRESET_NAMES.find((name) => PRESETS[name].role === "subject")!;
export const MODEL_ORDER: readonly string[] = PRESET_NAMES;

export interface SweepPoint {
  key: string;
  point: Record<string, unknown>;
  label: string;
  /** Position in the sweep's own order. */
  order: number;
}

/** `data.length` → `length`. */
export function axisLabel(axis: string): string {
  return axis.replace(/^(data|train|model)\./, "");
}

/** An axis title with its unit: the sweep values are fractions of the series or of the amplitude, not points. */
const AXIS_TITLES: Record<string, string> = {
  "data.length": "anomaly length (fraction of the series)",
  "data.location": "anomaly start (fraction of the series)",
  "data.noise": "noise std (fraction of the amplitude)",
  "data.size": "series (count)",
  "data.numPoints": "points per series",
  "data.anomalyRatio": "anomalous share of the series",
  "train.lr": "learning rate",
  "train.batchSize": "batch size (series)",
};
export const axisTitle = (axis: string) => AXIS_TITLES[axis] ?? axisLabel(axis);
/** What a sweep point is called in a chart or a table heading: its axes with their units. */
export const pointTitle = (axes: readonly string[]) => axes.map(axisTitle).join(", ") || "sweep point";

/** A sweep value for reading: ranges as `0.02–0.05`. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join("–");
  if (typeof value === "number") return String(Number(value.toPrecision(6)));
  return String(value);
}

/** A sweep point on one line, `length=0.02–0.05 noise=0.1` (axis sections dropped unless `fullKeys`); "" without a sweep. */
export function formatPoint(point: Record<string, unknown>, options: { fullKeys?: boolean } = {}): string {
  return Object.entries(point)
    .map(([k, v]) => `${options.fullKeys ? k : axisLabel(k)}=${formatValue(v)}`)
    .join(" ");
}

export function pointKey(point: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(point)
      .sort()
      .map((k) => [k, point[k]]),
  );
}

export function pointLabel(point: Record<string, unknown>, axes: readonly string[]): string {
  if (axes.length === 0) return "all runs";
  return axes.map((axis) => (axes.length === 1 ? formatValue(point[axis]) : `${axisLabel(axis)} ${formatValue(point[axis])}`)).join(", ");
}

/** A completed run with its test score, learned or not: every mean, interval, comparison and ranking counts it. */
export function scored(run: RunResult): boolean {
  return run.status === "completed" && run.test !== null;
}

/**
 * A scored run that learned. "Learned" is the stored `did_not_learn` flag, set once by training
 * (`didNotLearn` in @tsa/models); the report never re-derives it from the losses.
 */
export function learned(run: RunResult): boolean {
  return scored(run) && !run.didNotLearn;
}

/**
 * A scored run of a model with attention pooling (a preset, a variant, or a point of a `model.pooling` axis):
 * training stores its attention localisation and samples only for those, so the stored result says it.
 */
export function attends(run: RunResult): boolean {
  return scored(run) && (run.attention.length > 0 || run.test?.attentionMassInWindow != null);
}

/** Which runs the numbers count: every scored run (the default), or, conditional on learning, those that learned. */
export interface RunView {
  learnedOnly?: boolean;
}

export function counted(run: RunResult, view: RunView = {}): boolean {
  return view.learnedOnly === true ? learned(run) : scored(run);
}

/** A difference of two metrics in [0, 1] lies in [−1, 1]: an interval from few seeds is shown clipped there. */
export const clipDifference = (v: number) => Math.min(1, Math.max(-1, v));

/**
 * `only |Δ| > 0.36 could be significant`, or, when that exceeds the largest difference two metrics in
 * [0, 1] can have, that none could be.
 */
export function detectableText(detectable: number): string {
  return detectable >= 1
    ? "no difference between metrics in [0, 1] could be significant"
    : `only |Δ| > ${detectable.toFixed(2)} could be significant`;
}

/** A verdict in the page's words, the same in captions, tables and legends. */
export const VERDICT_TEXT = { ahead: "clearly ahead", behind: "clearly behind", tie: "no clear difference", "n/a": "n/a" } as const;

/** How a view is labelled wherever its numbers are shown. */
export const CONDITIONAL_LABEL = "conditional on learning";

export function metricOf(run: RunResult, metric: MetricName): number {
  return run.test?.[metric] ?? Number.NaN;
}
