import { isArchiveData } from "@tsa/data";
import type { RunResult } from "@tsa/tracker";
import type { MetricName } from "./results.js";

/** A stored config's `data`, when it is an object: an archive run's `{ problem, validation, zNormalize }` or a generator's. */
const objectOrNull = (data: unknown): object | null => (data !== null && typeof data === "object" && !Array.isArray(data) ? data : null);

const dataOf = (run: RunResult): unknown =>
  run.config !== null && typeof run.config === "object" ? (run.config as { data?: unknown }).data : undefined;

/** The archive problem a run was trained and tested on; null for a run on generated series. */
export function problemOf(run: RunResult): string | null {
  const data = objectOrNull(dataOf(run));
  return data !== null && isArchiveData(data) ? String(data.problem) : null;
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
