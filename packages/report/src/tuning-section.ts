import { gridSize, type Tune } from "@tsa/runner/tune";
import { escapeHtml as e, type Section } from "./html.js";
import { formatValue } from "./results.js";
import { SELECT_TEXT, seedsText } from "./run-tuning.js";
import { toHtml } from "./tables.js";
import { tuningSummaryOf } from "./tuning.js";
import { expectedBestSpec } from "./tuning-specs.js";
import { choiceTable, trialGridTables } from "./tuning-tables.js";
import type { ResultsView } from "./view.js";

/** `model.normalize ∈ {none, zscore, diff} × train.lr log-uniform in [0.0001, 0.01]`: the space every model was tuned over. */
function spaceText(space: Tune["space"]): string {
  return Object.entries(space)
    .map(([key, values]) =>
      Array.isArray(values)
        ? `${key} ∈ {${values.map(formatValue).join(", ")}}`
        : "log" in values
          ? `${key} log-uniform in [${values.log.map(formatValue).join(", ")}]`
          : `${key} uniform in [${values.range.map(formatValue).join(", ")}]`,
    )
    .join(" × ");
}

/**
 * How each model was brought to its best (a tuned experiment only): the chosen configuration per point, the
 * expected best validation score against the number of trials, and the whole model × trial grid.
 */
export function tuningSection(view: ResultsView): Section | null {
  const summary = tuningSummaryOf(view);
  const chosen = choiceTable(view);
  if (summary === null || chosen === null) return null;
  const tune = view.tuning!.tune;
  const curve = expectedBestSpec(view);
  const evaluationSeeds = view.experiment.seeds === undefined ? "" : ` (${view.experiment.seeds.map(formatValue).join(", ")})`;
  return {
    id: "tuning",
    title: "Tuning: every model at its best",
    intro:
      `Every model was tuned over the same space, <code>${e(spaceText(tune.space))}</code>, with the same budget of ${tune.budget} trials ` +
      `(${summary.trials.length} tried: ${gridSize(tune.space) <= tune.budget ? "the whole grid" : "a seeded draw, the same for every model"}), ` +
      `${summary.pooled ? "once across the whole sweep, " : view.axes.length === 0 ? "" : "at each sweep point, "}on tuning ${seedsText(tune.seeds)}. ` +
      `The trial with the best mean ${e(SELECT_TEXT[summary.select])} was chosen (validation data only; a tie goes to the trial listed first) and trained again on the evaluation seeds${e(evaluationSeeds)}: ` +
      `those runs alone are the evidence of every other section. The ${view.tuning!.trials.length} tuning runs count only here (the runs table lists them).`,
    blocks: [
      { html: toHtml(chosen, e) },
      ...(curve === null
        ? []
        : [
            {
              chart: curve,
              caption:
                `Expected best ${e(SELECT_TEXT[summary.select])} of n trials drawn from those each model tried (Dodge et al. 2019, "Show Your Work"), ` +
                "one line per model: a line still improving at the last trial says more budget could change the choice; a line that has levelled off says more trials would hardly help.",
            },
          ]),
      ...trialGridTables(view).map((t) => ({ html: toHtml(t, e) })),
    ],
  };
}
