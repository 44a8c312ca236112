import type { RunResult } from "@tsa/tracker";
import type { MetricName } from "./results.js";

/**
 * A run on a UCR/UEA archive problem records `config.data` as `{ problem, validation, zNormalize }`, with
 * no generator keys. The same rule as @tsa/data's `isArchiveData` (`"problem" in data`), kept here so the
 * report reads a stored config without loading the data package.
 */
export function isArchiveData(data: unknown): data is { problem: string } {
  return data !== null && typeof data === "object" && !Array.isArray(data) && "problem" in data;
}

const dataOf = (run: RunResult): unknown =>
  run.config !== null && typeof run.config === "object" ? (run.config as { data?: unknown }).data : undefined;

/** The archive problem a run was trained and tested on; null for a run on generated series. */
export function problemOf(run: RunResult): string | null {
  const data = dataOf(run);
  return isArchiveData(data) ? String(data.problem) : null;
}

/** An experiment on archive problems: every run records one (a file's `data.problem` or a `data.problem` axis). */
export function onArchiveProblems(
  runs: readonly RunResult[],
  spec: { data?: Record<string, unknown> | undefined; sweep: object },
): boolean {
  if (runs.length > 0) return runs.every((r) => problemOf(r) !== null);
  return isArchiveData(spec.data ?? {}) || "data.problem" in spec.sweep;
}

/**
 * The metric a page's verdicts, rankings and tables lead with: accuracy on archive problems (the field's
 * yardstick, in which the published figures are given), F1 on the anomaly task (the reference's).
 */
export const headlineMetric = (archive: boolean): MetricName => (archive ? "accuracy" : "f1");
