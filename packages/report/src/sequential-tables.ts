import type { ExperimentResults } from "@tsa/tracker";
import { pointTitle } from "./results.js";
import { differenceText, methodText, sequentialOf, spentText, verdictText, type SequentialSummary } from "./sequential.js";
import { textCell, type TableModel } from "./tables.js";
import { viewOf, type ResultsView } from "./view.js";

const cell = textCell;

/**
 * The comparisons of a sequential experiment: point, treatment, control, verdict, look / n, mean difference [95%
 * interval]. Its notes say how it was decided and the seeds spent, unless the page around it says so (`alone: false`).
 */
export function comparisonsTable(view: ResultsView, summary: SequentialSummary, alone = true): TableModel {
  const rows = summary.rows.map((row) => {
    const last = row.looks.at(-1);
    return {
      label: view.axes.length === 0 ? "all runs" : row.point.label,
      cells: [
        cell(row.treatment),
        cell(row.control),
        cell(verdictText(row, summary.plan)),
        cell(last === undefined ? "–" : `${last.look + 1} / ${last.n}`, last === undefined ? null : last.n, last?.n ?? 0),
        cell(differenceText(row.difference), Number.isNaN(row.difference.mean) ? null : row.difference.mean, row.difference.n),
      ],
    };
  });
  return {
    title: `Seeds until decided: each comparison's verdict (test ${summary.label})`,
    corner: pointTitle(view.axes),
    rowKey: "point",
    columns: ["treatment", "control", "verdict", "look / n", `mean difference [95% CI]`],
    rows,
    footer: [],
    notes: [
      ...(alone ? [methodText(summary)] : []),
      `mean difference: treatment − control over the seeds of the last look tested, with its 95% t interval (descriptive: the verdict is the sequential test's)`,
      ...(alone ? [`${spentText(summary)}: ${summary.spent.map((s) => `${s.model} ${s.runs} of ${s.fixed}`).join(", ")}`] : []),
    ],
  };
}

/** `./tsa table`'s comparisons table for a sequential experiment; none for any other. */
export function buildSequentialTables(results: ExperimentResults): TableModel[] {
  const view = viewOf(results);
  const summary = sequentialOf(view);
  return summary === null ? [] : [comparisonsTable(view, summary)];
}
