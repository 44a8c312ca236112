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

/** A sweep value as a number for an axis: a [min, max] range by its middle. */
function numeric(v: unknown): number | null {
  if (typeof v === "number") return v;
  const [lo, hi] = Array.isArray(v) ? (v as unknown[]) : [];
  return typeof lo === "number" && typeof hi === "number" ? (lo + hi) / 2 : null;
}

/**
 * Configuration → metric, one line per completed run across parallel axes (each sweep axis, the seed, test
 * F1), each axis scaled to its own range; coloured by model. Range axes ([min, max]) sit at their middle.
 */
export function parallelCoordinatesSpec(runs: RunResult[]): TopLevelSpec {
  const done = runs.filter((r) => r.status === "completed" && r.test !== null);
  const axes = [...new Set(done.flatMap((r) => Object.keys(r.point)))];
  // A dot in a field name is a nested path to vega: `data.length` is shown as `length`.
  const label = (axis: string) => axis.replace(/^data\./, "").replace(/\./g, " ");
  const keys = [...axes.map(label), "seed", "test F1"];
  const values = done.map((r) => ({
    model: r.model,
    ...Object.fromEntries(axes.map((a) => [label(a), numeric(r.point[a])])),
    seed: r.seed,
    "test F1": r.test!.f1,
  }));
  return {
    $schema: SCHEMA,
    width: 620,
    height: 260,
    data: { values },
    transform: [
      { window: [{ op: "count", as: "index" }] },
      { fold: keys },
      {
        joinaggregate: [
          { op: "min", field: "value", as: "min" },
          { op: "max", field: "value", as: "max" },
        ],
        groupby: ["key"],
      },
      { calculate: "datum.max === datum.min ? 0.5 : (datum.value - datum.min) / (datum.max - datum.min)", as: "position" },
    ],
    layer: [
      {
        mark: { type: "rule", color: "#ccc" },
        encoding: { detail: { aggregate: "count" }, x: { field: "key", type: "nominal", sort: keys } },
      },
      {
        mark: { type: "line", opacity: 0.45, strokeWidth: 1 },
        encoding: {
          x: { field: "key", type: "nominal", sort: keys, title: null, axis: { labelAngle: 0, domain: false } },
          y: { field: "position", type: "quantitative", axis: null },
          color: { field: "model", type: "nominal", title: "model" },
          detail: { field: "index", type: "nominal" },
        },
      },
    ],
    config: { axisX: { domain: false, labelAngle: 0, tickColor: "#ccc" }, view: { stroke: null } },
  } as TopLevelSpec;
}
