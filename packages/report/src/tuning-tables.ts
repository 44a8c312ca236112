import { higherIsBetter } from "@tsa/runner/tune";
import type { ExperimentResults } from "@tsa/tracker";
import { axisLabel, pointTitle } from "./results.js";
import { SELECT_TEXT, choiceText, seedsText } from "./run-tuning.js";
import type { TableCell, TableModel } from "./tables.js";
import { tuningSummaryOf, type TuningCell, type TuningSummary } from "./tuning.js";
import { viewOf, type ResultsView } from "./view.js";

const fmt = (v: number | null, digits: number) => (v === null || Number.isNaN(v) ? "–" : v.toFixed(digits));

const cell = (text: string, value: number | null, n: number, bold = false): TableCell => ({
  text,
  mean: value,
  std: null,
  n,
  bold,
  underline: false,
  marked: false,
  learned: null,
});

/** How the choice was made, in a note every tuning table carries. */
function selectionNote(summary: TuningSummary, view: ResultsView): string {
  const better = higherIsBetter(summary.select) ? "highest" : "lowest";
  return (
    `each model tried the same ${summary.trials.length} trials on tuning ${seedsText(summary.seeds)}${summary.pooled ? ", pooled over every sweep point" : once(summary, view) ? "" : " at each sweep point"}; ` +
    `the ${better} mean ${SELECT_TEXT[summary.select]} wins, a tie goes to the trial listed first; test data plays no part`
  );
}

/** Tuned once for the whole experiment: across its sweep (`per: experiment`), or it has no sweep. */
const once = (summary: TuningSummary, view: ResultsView) => summary.pooled || view.axes.length === 0;

/** The rows a summary has: one per sweep point, or one for the whole sweep when the models were tuned once. */
function rowsOf(summary: TuningSummary, view: ResultsView): Array<{ label: string; cells: TuningCell[] }> {
  const models = view.tuning!.models;
  const groups = summary.pooled ? [null] : view.tuning!.points;
  return groups.map((point) => ({
    label: point === null || view.axes.length === 0 ? "the whole experiment" : point.label,
    cells: models.map((model) => summary.cells.find((c) => c.model === model && c.point?.key === point?.key)!),
  }));
}

/**
 * The configuration the runner chose for each model: a row per sweep point (one row when tuned once across
 * the sweep), a column per model, each cell the choice with its mean validation score over the tuning seeds.
 */
export function choiceTable(view: ResultsView, digits = 4): TableModel | null {
  const summary = tuningSummaryOf(view);
  if (summary === null) return null;
  const rows = rowsOf(summary, view).map(({ label, cells }) => ({
    label,
    cells: cells.map((c) =>
      c.chosen === null
        ? cell("–", null, 0)
        : cell(
            `${choiceText(c.chosen.choice)} (${fmt(c.chosen.score, digits)})${failsSometimes(c) ? `, learned in ${c.evaluated.k}/${c.evaluated.n} evaluation runs` : ""}`,
            c.chosen.score,
            c.runs[c.chosen.trial] ?? 0,
          ),
    ),
  }));
  const fragile = summary.cells.some(failsSometimes);
  return {
    title: `${view.results.experiment.name}: the configuration chosen for each model (${SELECT_TEXT[summary.select]} in brackets)`,
    corner: once(summary, view) ? "tuned over" : pointTitle(view.axes),
    rowKey: "point",
    columns: [...view.tuning!.models],
    rows,
    footer: [],
    notes: [
      selectionNote(summary, view),
      `the chosen configuration is then trained on the evaluation seeds; those runs alone are the verdict's evidence`,
      "–: not chosen yet (no evaluation run)",
      ...(fragile ? [fragileNote(summary)] : []),
    ],
  };
}

/** A chosen configuration that did not learn on every evaluation seed it was given. */
const failsSometimes = (c: TuningCell) => c.chosen !== null && c.evaluated.k < c.evaluated.n;

/**
 * Why a reader should doubt a choice that failed on some evaluation seeds: it was made on few tuning runs, where
 * one lucky run can beat a configuration that learns every time. More tuning seeds fix that, not test data.
 */
function fragileNote(summary: TuningSummary): string {
  return (
    `a choice that did not learn in every evaluation run was made on tuning ${seedsText(summary.seeds)}: a configuration that learned there ` +
    "can still fail on other seeds, and beat one that learns on all of them; more tuning seeds (`tune.seeds`) make the mean validation score weigh how reliably each learns"
  );
}

/**
 * The whole model × trial grid as an ablation table, one per sweep point (one when tuned across the sweep):
 * a row per trial, named by its choice, a column per model, each cell the trial's mean validation score over
 * its tuning runs, the chosen one in bold; then Dodge's expected best validation score of n trials, so a
 * reader sees whether more budget could still change the choice.
 */
export function trialGridTables(view: ResultsView, digits = 4): TableModel[] {
  const summary = tuningSummaryOf(view);
  if (summary === null) return [];
  const models = view.tuning!.models;
  return rowsOf(summary, view).map(({ label, cells }) => {
    const rows = summary.trials.map((trial, t) => ({
      label: `${t}: ${choiceText(trial)}`,
      cells: cells.map((c) => cell(fmt(c.scores[t] ?? null, digits), c.scores[t] ?? null, c.runs[t] ?? 0, c.chosen?.trial === t)),
    }));
    const longest = Math.max(0, ...cells.map((c) => c.curve.length));
    const footer = Array.from({ length: longest }, (_, k) => ({
      label: `expected best of ${k + 1}`,
      cells: cells.map((c) => fmt(c.curve[k] ?? null, digits)),
      values: cells.map((c) => c.curve[k] ?? Number.NaN),
    }));
    return {
      title: `${view.results.experiment.name}: mean ${SELECT_TEXT[summary.select]} of every trial${once(summary, view) ? "" : ` at ${view.axes.length === 1 ? `${axisLabel(view.axes[0]!)} ` : ""}${label}`}`,
      corner: "trial",
      rowKey: "trial",
      columns: [...models],
      rows,
      footer,
      notes: [
        `mean over the finished tuning runs (seeds${summary.pooled ? " and sweep points" : ""}); the chosen trial in bold; –: no tuning run finished`,
        selectionNote(summary, view),
        "expected best of n: the expected best validation score of n trials drawn from these (Dodge et al. 2019); a value still improving at the last n says more budget could change the choice",
      ],
    };
  });
}

/** Both tuning tables of an experiment (the chosen configurations, then the trial grids); none without `tune:`. */
export function buildTuningTables(results: ExperimentResults, digits = 4): TableModel[] {
  const view = viewOf(results);
  const chosen = choiceTable(view, digits);
  return chosen === null ? [] : [chosen, ...trialGridTables(view, digits)];
}
