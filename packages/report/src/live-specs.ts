import type { RunResult } from "@tsa/tracker";
import type { TopLevelSpec } from "vega-lite";

// Specs for the live view (`./tsa ui`): a run still training, and groups of runs overlaid. Same colours
// and chance line as the report's training curves, so the two read alike.
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const SPLIT_COLOURS = { domain: ["train", "validation"], range: ["#4575b4", "#f46d43"] };
const chance = { mark: { type: "rule", color: "#999", strokeDash: [2, 2] }, encoding: { y: { datum: Math.LN2 } } };

/** One run's train and validation loss per epoch, as far as it has trained; its best epoch marked once known. */
export function runCurvesSpec(run: Pick<RunResult, "epochs" | "bestEpoch">): TopLevelSpec {
  const values = run.epochs.flatMap((e) => [
    { epoch: e.epoch, split: "train", loss: e.trainLoss },
    { epoch: e.epoch, split: "validation", loss: e.valLoss },
  ]);
  const best = run.bestEpoch === null ? [] : [{ mark: { type: "rule", color: "#1a9850" }, encoding: { x: { datum: run.bestEpoch } } }];
  return {
    $schema: SCHEMA,
    width: 520,
    height: 240,
    data: { values },
    layer: [
      chance,
      ...best,
      {
        mark: { type: "line", point: true, strokeWidth: 1.5 },
        encoding: {
          x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
          y: { field: "loss", type: "quantitative", title: "BCE loss (dotted: chance, ln 2)" },
          color: { field: "split", type: "nominal", title: "split", scale: SPLIT_COLOURS },
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Validation loss per epoch of groups of runs (a model × point, say): the mean over the group's runs (its
 * seeds) and a band of ± one standard deviation — the spread over seeds other trackers are asked for.
 */
export function groupCurvesSpec(runs: RunResult[], groupOf: (run: RunResult) => string): TopLevelSpec {
  const values = runs.flatMap((r) => r.epochs.map((e) => ({ group: groupOf(r), run: r.id.slice(0, 8), epoch: e.epoch, loss: e.valLoss })));
  const x = { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } };
  const color = { field: "group", type: "nominal", title: null };
  return {
    $schema: SCHEMA,
    width: 620,
    height: 280,
    data: { values },
    layer: [
      chance,
      { mark: { type: "errorband", extent: "stdev", opacity: 0.25 }, encoding: { x, y: { field: "loss", type: "quantitative" }, color } },
      {
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x,
          y: { aggregate: "mean", field: "loss", type: "quantitative", title: "validation loss (mean ± sd over runs)" },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}
