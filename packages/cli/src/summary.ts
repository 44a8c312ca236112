import { headlineMetricOf, isTrial, METRICS, sweepPoints, summarize } from "@tsa/report/tables";
import type { ExperimentResults } from "@tsa/tracker";
import { textTable } from "./format/text-table.js";

/**
 * The end-of-sweep table: per point and model, completed runs over all runs, the mean of the report's headline
 * metric over them (test F1 on the anomaly task, accuracy on archive problems), and how many learned.
 */
export function summaryTable(all: ExperimentResults): string {
  // A tuned sweep's trials are how each model's configuration was chosen, not its result.
  const results = { ...all, runs: all.runs.filter((r) => !isTrial(r)) };
  const metric = headlineMetricOf(results);
  const cells = summarize(results, metric);
  const points = sweepPoints(results);
  const rows = points.flatMap((p) =>
    cells
      .filter((c) => c.point.key === p.key)
      .map((c) => {
        const all = results.runs.filter((r) => r.model === c.model && JSON.stringify(r.point) === JSON.stringify(p.point)).length;
        return [
          p.label,
          c.model,
          `${c.n}/${all}`,
          c.n > 0 ? c.mean.toFixed(4) : "–",
          c.n > 1 ? c.std.toFixed(4) : "–",
          `${c.learned.k}/${c.learned.n}`,
        ];
      }),
  );
  return textTable(["point", "model", "runs", `test ${METRICS[metric]}`, "± std", "learned"], rows);
}
