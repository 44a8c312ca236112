import type { TopLevelSpec } from "vega-lite";
import type { ExperimentResults } from "@tsa/tracker";
import { attentionAdvantage, summarize, type CriticalDifference } from "./analysis.js";
import { ATTENTION_MODEL, METRICS, axesOf, axisLabel, formatValue, modelsOf, pointKey, sweepPoints, usable, type MetricName } from "./results.js";

/** Vega-Lite specs, one typed function per chart: results in, a spec with its data inlined out. */

const WIDTH = 560;
const HEIGHT = 260;
const SELECTABLE: MetricName[] = ["f1", "accuracy", "rocAuc"];
const modelColor = (models: string[]) => ({ field: "model", type: "nominal" as const, title: "model", scale: { domain: models } });

/** The metric (F1, accuracy or ROC AUC, chosen in a menu) against one axis: a line per model, a 95% band. */
export function metricBySweepSpec(results: ExperimentResults, axis: string): TopLevelSpec {
  const models = modelsOf(results);
  const values = SELECTABLE.flatMap((metric) =>
    summarize(results, metric)
      .filter((c) => c.n > 0)
      .map((c) => ({ metric: METRICS[metric], model: c.model, x: formatValue(c.point.point[axis]), order: c.point.order, mean: c.mean, lo: c.lo, hi: c.hi, n: c.n })),
  );
  const x = { field: "x", type: "ordinal" as const, title: axisLabel(axis), sort: { field: "order" } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    params: [{ name: "metric", value: "F1", bind: { input: "select", options: SELECTABLE.map((m) => METRICS[m]), name: "metric " } }],
    transform: [{ filter: "datum.metric === metric" }],
    encoding: { x, color: modelColor(models) },
    layer: [
      // Metrics live in [0, 1]; intervals from two or three seeds can reach past it, so they are clipped.
      { mark: { type: "area", opacity: 0.18, clip: true }, encoding: { y: { field: "lo", type: "quantitative", title: "test metric (mean, 95% CI over seeds)", scale: { domain: [0, 1] } }, y2: { field: "hi" } } },
      {
        mark: { type: "line", point: true, clip: true },
        encoding: {
          y: { field: "mean", type: "quantitative" },
          tooltip: [{ field: "model" }, { field: "x", title: axisLabel(axis) }, { field: "mean", format: ".4f" }, { field: "lo", format: ".4f" }, { field: "hi", format: ".4f" }, { field: "n", title: "seeds" }],
        },
      },
    ],
  };
}

/** Attention minus the best baseline per point, its 95% interval, colour by the Holm-corrected verdict. */
export function advantageSpec(results: ExperimentResults, metric: MetricName = "f1"): TopLevelSpec {
  const axes = axesOf(results);
  const values = attentionAdvantage(results, metric).map((a) => ({
    x: a.point.label, order: a.point.order, mean: a.mean, lo: a.lo, hi: a.hi, baseline: a.baseline, n: a.n, p: a.p, pHolm: a.pHolm, verdict: a.verdict,
  }));
  const x = { field: "x", type: "ordinal" as const, title: axes.map(axisLabel).join(", ") || "point", sort: { field: "order" } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: 220,
    data: { values },
    encoding: { x },
    layer: [
      { mark: { type: "rule", strokeDash: [4, 4], color: "#888" }, encoding: { y: { datum: 0 } } },
      { mark: { type: "rule", strokeWidth: 2 }, encoding: { y: { field: "lo", type: "quantitative", title: `Δ ${METRICS[metric]}: ${ATTENTION_MODEL} − best baseline` }, y2: { field: "hi" }, color: { field: "verdict", type: "nominal", scale: { domain: ["ahead", "tie", "behind", "n/a"], range: ["#1a9850", "#888888", "#d73027", "#cccccc"] }, title: "Holm-corrected" } } },
      {
        mark: { type: "point", filled: true, size: 80 },
        encoding: {
          y: { field: "mean", type: "quantitative" },
          color: { field: "verdict", type: "nominal" },
          tooltip: [{ field: "x", title: "point" }, { field: "baseline", title: "best baseline" }, { field: "mean", format: "+.4f" }, { field: "lo", format: "+.4f" }, { field: "hi", format: "+.4f" }, { field: "p", format: ".3g" }, { field: "pHolm", title: "p (Holm)", format: ".3g" }, { field: "n", title: "paired seeds" }],
        },
      },
    ],
  };
}

/** Two-axis sweeps: the metric per model as heatmaps, one per model. */
export function heatmapSpec(results: ExperimentResults, metric: MetricName = "f1"): TopLevelSpec {
  const [ax, ay] = axesOf(results) as [string, string];
  const values = summarize(results, metric)
    .filter((c) => c.n > 0)
    .map((c) => ({ model: c.model, x: formatValue(c.point.point[ax]), y: formatValue(c.point.point[ay]), xo: order(results, ax, c.point.point[ax]), yo: order(results, ay, c.point.point[ay]), mean: c.mean }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values },
    facet: { column: { field: "model", type: "nominal", sort: modelsOf(results), title: null } },
    spec: {
      width: 150,
      height: 150,
      layer: [
        { mark: "rect", encoding: { x: { field: "x", type: "ordinal", title: axisLabel(ax), sort: { field: "xo" } }, y: { field: "y", type: "ordinal", title: axisLabel(ay), sort: { field: "yo" } }, color: { field: "mean", type: "quantitative", title: `mean ${METRICS[metric]}`, scale: { scheme: "viridis" } }, tooltip: [{ field: "mean", format: ".4f" }] } },
        { mark: { type: "text", fontSize: 10 }, encoding: { x: { field: "x", type: "ordinal", sort: { field: "xo" } }, y: { field: "y", type: "ordinal", sort: { field: "yo" } }, text: { field: "mean", format: ".3f" }, color: { value: "white" } } },
      ],
    },
  };
}

/** Two-axis sweeps: attention's advantage as a diverging heatmap, clearly-ahead cells outlined. */
export function advantageHeatmapSpec(results: ExperimentResults, metric: MetricName = "f1"): TopLevelSpec {
  const [ax, ay] = axesOf(results) as [string, string];
  const values = attentionAdvantage(results, metric).map((a) => ({
    x: formatValue(a.point.point[ax]), y: formatValue(a.point.point[ay]), xo: order(results, ax, a.point.point[ax]), yo: order(results, ay, a.point.point[ay]), mean: a.mean, verdict: a.verdict,
  }));
  const x = { field: "x", type: "ordinal" as const, title: axisLabel(ax), sort: { field: "xo" } };
  const y = { field: "y", type: "ordinal" as const, title: axisLabel(ay), sort: { field: "yo" } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 220,
    height: 220,
    data: { values },
    layer: [
      { mark: "rect", encoding: { x, y, color: { field: "mean", type: "quantitative", title: `Δ ${METRICS[metric]}`, scale: { scheme: "redblue", domainMid: 0 } }, tooltip: [{ field: "mean", format: "+.4f" }, { field: "verdict" }] } },
      { mark: { type: "text", fontSize: 10 }, encoding: { x, y, text: { field: "verdict" } } },
    ],
  };
}

function order(results: ExperimentResults, axis: string, value: unknown): number {
  const spec = results.experiment.spec as { sweep?: Record<string, unknown[]> };
  return (spec.sweep?.[axis] ?? []).findIndex((v) => JSON.stringify(v) === JSON.stringify(value));
}

/** Train and validation loss per epoch, mean over seeds, one colour per model, at a chosen point. */
export function trainingCurvesSpec(results: ExperimentResults): TopLevelSpec {
  const points = sweepPoints(results);
  const values = results.runs.filter((r) => r.status === "completed").flatMap((r) =>
    r.epochs.flatMap((e) => [
      { model: r.model, point: points.find((p) => p.key === pointKey(r.point))?.label ?? "", seed: r.seed, epoch: e.epoch, split: "train", loss: e.trainLoss },
      { model: r.model, point: points.find((p) => p.key === pointKey(r.point))?.label ?? "", seed: r.seed, epoch: e.epoch, split: "validation", loss: e.valLoss },
    ]),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    params: [{ name: "at", value: points[0]?.label ?? "", bind: { input: "select", options: points.map((p) => p.label), name: "sweep point " } }],
    transform: [{ filter: "datum.point === at" }],
    mark: { type: "line", point: { size: 12 } },
    encoding: {
      x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
      y: { aggregate: "mean", field: "loss", type: "quantitative", title: "BCE loss (mean over seeds)" },
      color: modelColor(modelsOf(results)),
      strokeDash: { field: "split", type: "nominal", title: "split" },
      detail: { field: "split" },
    },
  };
}

/** The reference's figure: a test series, its attention weights, the true flat window shaded. */
export function attentionOverlaySpec(results: ExperimentResults, label: 0 | 1): TopLevelSpec | null {
  const run = results.runs.find((r) => r.model === ATTENTION_MODEL && usable(r) && r.attention.some((s) => s.label === label));
  const sample = run?.attention.find((s) => s.label === label);
  if (run === undefined || sample === undefined) return null;
  const series = sample.signal.map((v, t) => ({ t, signal: v, attention: sample.weights[t] }));
  const title = `${label === 1 ? "Anomalous" : "Normal"} test series #${sample.seriesIndex} (run ${run.id.slice(0, 8)}, seed ${run.seed}, ${Object.entries(run.point).map(([k, v]) => `${axisLabel(k)} ${formatValue(v)}`).join(", ") || "no sweep"})`;
  const layer = [
    ...(sample.window === null ? [] : [{ data: { values: [{ start: sample.window[0], end: sample.window[1] - 1 }] }, mark: { type: "rect" as const, color: "#fdae61", opacity: 0.35 }, encoding: { x: { field: "start", type: "quantitative" as const }, x2: { field: "end" } } }]),
    { mark: { type: "line" as const, color: "#4575b4" }, encoding: { x: { field: "t", type: "quantitative" as const, title: "time step" }, y: { field: "signal", type: "quantitative" as const, title: "signal" } } },
    { mark: { type: "line" as const, color: "#d73027" }, encoding: { x: { field: "t", type: "quantitative" as const }, y: { field: "attention", type: "quantitative" as const, title: "attention weight α", axis: { titleColor: "#d73027" } } } },
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, fontSize: 12 },
    width: WIDTH,
    height: 180,
    data: { values: series },
    layer,
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
}

/** Attention localisation per point: share of α in the true window, share of peaks inside it. */
export function localisationSpec(results: ExperimentResults): TopLevelSpec | null {
  const points = sweepPoints(results);
  const runs = results.runs.filter((r) => r.model === ATTENTION_MODEL && usable(r) && r.test?.attentionMassInWindow !== null);
  if (runs.length === 0) return null;
  const values = points.flatMap((p) => {
    const here = runs.filter((r) => pointKey(r.point) === p.key);
    return [
      { measure: "attention mass inside the window", values: here.map((r) => r.test!.attentionMassInWindow!) },
      { measure: "anomalous series with the peak inside", values: here.map((r) => r.test!.attentionPeakInWindow!) },
    ].filter((m) => m.values.length > 0).map((m) => {
      const mean = m.values.reduce((a, b) => a + b, 0) / m.values.length;
      return { x: p.label, order: p.order, measure: m.measure, mean, min: Math.min(...m.values), max: Math.max(...m.values) };
    });
  });
  const x = { field: "x", type: "ordinal" as const, title: axesOf(results).map(axisLabel).join(", ") || "point", sort: { field: "order" } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: 200,
    data: { values },
    encoding: { x, color: { field: "measure", type: "nominal", title: null } },
    layer: [
      { mark: { type: "rule" }, encoding: { y: { field: "min", type: "quantitative", title: "share (test set, mean; bar = range over seeds)", scale: { domain: [0, 1] } }, y2: { field: "max" } } },
      { mark: { type: "line", point: true }, encoding: { y: { field: "mean", type: "quantitative" } } },
    ],
  };
}

/** Critical-difference diagram: models on an average-rank axis, bars joining those not significantly different. */
export function criticalDifferenceSpec(cd: CriticalDifference): TopLevelSpec {
  const models = cd.models.map((m, i) => ({ model: m, rank: cd.averageRanks[i]! }));
  const bars = cd.cliques.map((group, k) => ({ from: Math.min(...group.map((i) => cd.averageRanks[i]!)) - 0.03, to: Math.max(...group.map((i) => cd.averageRanks[i]!)) + 0.03, y: -0.6 * (k + 1) }));
  const domain = [1, cd.models.length];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: WIDTH,
    height: 60 + 18 * Math.max(1, bars.length),
    layer: [
      { data: { values: models }, mark: { type: "point", filled: true, size: 90, color: "#333" }, encoding: { x: { field: "rank", type: "quantitative", title: "average rank (1 = best)", scale: { domain, reverse: true } }, y: { datum: 0, type: "quantitative", axis: null, scale: { domain: [-0.6 * (bars.length + 1), 1] } } } },
      { data: { values: models }, mark: { type: "text", dy: -14, fontSize: 11 }, encoding: { x: { field: "rank", type: "quantitative" }, y: { datum: 0, type: "quantitative" }, text: { field: "model" } } },
      { data: { values: models }, mark: { type: "text", dy: 14, fontSize: 10, color: "#666" }, encoding: { x: { field: "rank", type: "quantitative" }, y: { datum: 0, type: "quantitative" }, text: { field: "rank", format: ".2f" } } },
      { data: { values: bars }, mark: { type: "rule", strokeWidth: 4, color: "#444" }, encoding: { x: { field: "from", type: "quantitative" }, x2: { field: "to" }, y: { field: "y", type: "quantitative" } } },
    ],
    resolve: { scale: { y: "shared" } },
  } as TopLevelSpec;
}
