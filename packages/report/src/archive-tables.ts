import type { ExperimentResults } from "@tsa/tracker";
import { archiveComparisonsOf, TIE_TOLERANCE, type ArchiveComparison } from "./archive.js";
import { publishedModels, type PublishedAccuracy } from "./published.js";
import { ATTENTION_MODEL, CONDITIONAL_LABEL, METRICS, betterSign, withinRange, type RunView } from "./results.js";
import { decorate, runNotes, textCell, type TableCell, type TableModel } from "./tables.js";
import { viewOf, type ResultsView } from "./view.js";

/** ` at zNormalize=true`: which setting of the other axes a table is at; "" when problems are all the file sweeps. */
const at = (comparison: ArchiveComparison) => (comparison.setting === "" ? "" : ` at ${comparison.setting}`);

/** A published column's heading: `fcn (published)`. */
export const publishedColumn = (model: string) => `${model} (published)`;

/**
 * Per problem: our models' mean ± std over seeds (best of ours in bold, second underlined), each published
 * figure beside our model of the same name, the published models we do not have after ours as reference
 * columns; the closing row is our models' mean rank over the problems where every one of them has a result.
 */
export function problemTable(
  view: ResultsView,
  comparison: ArchiveComparison,
  published: PublishedAccuracy | null,
  digits = 4,
): TableModel {
  const { models, rows, metric } = comparison;
  const theirs = published === null ? [] : publishedModels(published);
  const beside = (model: string) => theirs.includes(model);
  const reference = theirs.filter((m) => !models.includes(m));
  const columns = [...models.flatMap((m) => (beside(m) ? [m, publishedColumn(m)] : [m])), ...reference.map(publishedColumn)];
  const figure = (value: number | undefined): TableCell => (value === undefined ? textCell("–") : textCell(value.toFixed(3), value, 1));
  const tableRows = rows.map((row) => {
    const ours = decorate([...row.cells], digits, false, betterSign(metric));
    return {
      label: row.label,
      cells: [
        ...models.flatMap((m, j) => (beside(m) ? [ours[j]!, figure(row.published[m])] : [ours[j]!])),
        ...reference.map((m) => figure(row.published[m])),
      ],
    };
  });
  const rankCells = columns.map((c) => {
    const j = models.indexOf(c);
    return j < 0 ? { text: "", value: Number.NaN } : { text: comparison.meanRanks[j]!.toFixed(2), value: comparison.meanRanks[j]! };
  });
  const conditional = view.learnedOnly ? ` (${CONDITIONAL_LABEL})` : "";
  const incomplete = rows.length - comparison.complete.length;
  return {
    title: `${view.results.experiment.name}: test ${METRICS[metric]} per problem${at(comparison)}${conditional}`,
    corner: "problem",
    rowKey: "problem",
    columns,
    rows: tableRows,
    footer:
      comparison.complete.length === 0
        ? []
        : [{ label: "mean rank", cells: rankCells.map((c) => c.text), values: rankCells.map((c) => c.value) }],
    notes: [
      "mean ± sample std over seeds; best of our models per row in bold, second underlined",
      `mean rank: each of our models' rank of its mean per problem (1 = best, ties averaged), averaged over ${
        incomplete > 0
          ? `the ${comparison.complete.length} problem(s) where every model has a result`
          : `the ${comparison.complete.length} problem(s)`
      }`,
      ...(published === null
        ? ["no published figures were given (datasets/published-accuracy.json)"]
        : [
            `(published): ${published.metric}, from ${published.source}; – where it gives none for that problem` +
              (reference.length > 0 ? `; ${reference.join(", ")}: reference columns, models we did not run` : ""),
          ]),
      ...runNotes(view),
    ],
  };
}

/**
 * Each of our models that shares a name with a published one (fcn, resnet), on each problem with a published
 * figure: our mean with its 95% t interval over seeds, the figure, and the difference; null when none shares one.
 */
export function publishedGapTable(
  view: ResultsView,
  comparison: ArchiveComparison,
  published: PublishedAccuracy | null,
): TableModel | null {
  if (published === null) return null;
  const theirs = publishedModels(published);
  const rows = comparison.rows.flatMap((row) =>
    comparison.models.flatMap((model, j) => {
      const figure = row.published[model];
      const cell = row.cells[j]!;
      if (!theirs.includes(model) || figure === undefined || cell.n === 0) return [];
      const gap = cell.mean - figure;
      // An interval from few seeds can reach past the metric's range: shown clipped to it, as the report's bands are.
      const [lo, hi] = [withinRange(comparison.metric, cell.lo), withinRange(comparison.metric, cell.hi)];
      const interval = cell.n > 1 ? ` [${lo.toFixed(4)}, ${hi.toFixed(4)}]` : "";
      return [
        {
          label: `${row.label} · ${model}`,
          cells: [
            textCell(`${cell.mean.toFixed(4)}${interval}`, cell.mean, cell.n),
            textCell(figure.toFixed(3), figure, 1),
            textCell(`${gap >= 0 ? "+" : "−"}${Math.abs(gap).toFixed(4)}`, gap, cell.n),
            textCell(String(cell.n), cell.n, cell.n),
          ],
        },
      ];
    }),
  );
  if (rows.length === 0) return null;
  return {
    title: `${view.results.experiment.name}: our models against the published figure of the same name${at(comparison)} (test ${METRICS[comparison.metric]})`,
    corner: "problem · model",
    rowKey: "problem_model",
    columns: ["ours (mean, 95% CI)", "published", "ours − published", "seeds"],
    rows,
    footer: [],
    notes: [
      `ours: mean over seeds with its 95% t interval (clipped to the metric's range); published: ${published.metric}, from ${published.source}`,
      "a different training protocol and other seeds: the difference is a reference, not a test",
    ],
  };
}

/** Attention's wins, ties and losses against each baseline over the problems, by mean. */
export function winsTiesLossesTable(view: ResultsView, comparison: ArchiveComparison): TableModel | null {
  if (comparison.wtl.length === 0) return null;
  const list = (names: string[]) => (names.length === 0 ? "" : ` (${names.join(", ")})`);
  return {
    title: `${view.results.experiment.name}: ${ATTENTION_MODEL} against each baseline, problem by problem${at(comparison)} (test ${METRICS[comparison.metric]})`,
    corner: "baseline",
    rowKey: "baseline",
    columns: ["wins", "ties", "losses"],
    rows: comparison.wtl.map((t) => ({
      label: t.baseline,
      cells: [t.wins, t.ties, t.losses].map((names) => textCell(`${names.length}${list(names)}`, names.length, names.length)),
    })),
    footer: [],
    notes: [
      `per problem, ${ATTENTION_MODEL}'s mean over seeds against the baseline's; a tie when they differ by less than ${TIE_TOLERANCE} (equal to the 3 decimals the published figures give)`,
      `over the ${comparison.complete.length} problem(s) where every model has a result; no test: the critical-difference diagram tests each pair`,
    ],
  };
}

/**
 * `./tsa table`'s archive tables: the per-problem table with the published figures and the mean rank, our
 * models against the published figure of the same name, then attention's wins/ties/losses; each once per
 * setting of the axes swept beside the problems.
 */
export function buildArchiveTables(results: ExperimentResults, published: PublishedAccuracy | null, view: RunView = {}): TableModel[] {
  const resultsView = viewOf(results, view);
  if (!resultsView.archive || resultsView.points.length === 0) return [];
  return archiveComparisonsOf(resultsView, published).flatMap((comparison) => {
    const gaps = publishedGapTable(resultsView, comparison, published);
    const wtl = winsTiesLossesTable(resultsView, comparison);
    return [problemTable(resultsView, comparison, published), ...(gaps === null ? [] : [gaps]), ...(wtl === null ? [] : [wtl])];
  });
}
