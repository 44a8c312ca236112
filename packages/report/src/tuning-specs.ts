import { higherIsBetter } from "@tsa/runner/tune";
import type { TopLevelSpec } from "vega-lite";
import { pointTitle } from "./results.js";
import { SELECT_TEXT } from "./run-tuning.js";
import { tuningSummaryOf } from "./tuning.js";
import type { ResultsView } from "./view.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Dodge et al.'s expected best validation score against the number of trials, a line per model (a panel per
 * sweep point when each point was tuned on its own): where a line is still moving at the last trial, more
 * budget could change the choice. Null without tuning or before any trial finished.
 */
export function expectedBestSpec(view: ResultsView): TopLevelSpec | null {
  const summary = tuningSummaryOf(view);
  if (summary === null) return null;
  const values = summary.cells.flatMap((c) =>
    c.curve.map((value, k) => ({
      model: c.model,
      panel: c.point?.label ?? "the whole experiment",
      panelOrder: c.point?.order ?? 0,
      trials: k + 1,
      value,
    })),
  );
  if (values.length === 0) return null;
  const metric = SELECT_TEXT[summary.select];
  const models = [...view.tuning!.models];
  const encoding = {
    x: {
      field: "trials",
      type: "quantitative",
      title: "trials (n)",
      axis: { tickMinStep: 1, format: "d" },
      scale: { domain: [1, summary.trials.length] },
    },
    y: {
      field: "value",
      type: "quantitative",
      title: `expected best ${metric}${higherIsBetter(summary.select) ? "" : " (lower is better)"}`,
      scale: { zero: false },
    },
    color: { field: "model", type: "nominal", title: "model", scale: { domain: models } },
    tooltip: [
      { field: "model" },
      { field: "panel", title: summary.pooled ? "tuned over" : pointTitle(view.axes) },
      { field: "trials", title: "trials" },
      { field: "value", title: `expected best ${metric}`, format: ".4f" },
    ],
  };
  const layer = [{ mark: { type: "line", point: true } }];
  const panels = new Set(values.map((v) => v.panel)).size;
  if (panels <= 1) return { $schema: SCHEMA, data: { values }, width: 420, height: 240, encoding, layer } as TopLevelSpec;
  return {
    $schema: SCHEMA,
    data: { values },
    facet: { column: { field: "panel", type: "nominal", title: pointTitle(view.axes), sort: { field: "panelOrder", op: "min" } } },
    spec: { width: 200, height: 200, encoding, layer },
  } as TopLevelSpec;
}
