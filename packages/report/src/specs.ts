import type { TopLevelSpec } from "vega-lite";
import type { RunResult } from "@tsa/tracker";
import { CHART_METRICS } from "@tsa/tracker/catalogue";
import { advantageOf, summaryOf, type CriticalDifference } from "./analysis.js";
import {
  ATTENTION_MODEL,
  CONDITIONAL_LABEL,
  METRICS,
  VERDICT_TEXT,
  attends,
  axisLabel,
  axisTitle,
  clipDifference,
  formatValue,
  pointKey,
  pointTitle,
  type MetricName,
  type RunView,
  withinRange,
} from "./results.js";
import { viewOf, type ResultsView } from "./view.js";

/** Vega-Lite specs, one typed function per chart: results in, a spec with its data inlined out. */

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 560;
const HEIGHT = 260;
/** The report's metric switch: the store's metric catalogue says which metrics it offers. */
export const SELECTABLE_METRICS: MetricName[] = CHART_METRICS.map((m) => m.field);
const modelColor = (models: string[]) => ({
  field: "model",
  type: "nominal" as const,
  title: "model",
  scale: { domain: models },
  legend: { symbolOpacity: 1 },
});
/** Metrics live in [0, 1]: an interval from two or three seeds can reach past that, so the band stops there. */

/** `length 0.1–0.25, location 0–0.3`: a point in the words of its axes, empty without a sweep. */
export function pointText(point: Record<string, unknown>): string {
  return Object.entries(point)
    .map(([k, v]) => `${axisLabel(k)} ${formatValue(v)}`)
    .join(", ");
}

/** ` (conditional on learning)` after a title in the conditional view. */
const viewSuffix = (view: RunView) => (view.learnedOnly === true ? ` (${CONDITIONAL_LABEL})` : "");

/** Where in the file's order a point lies on `axis`, and the panel it falls in (the values of the other axes). */
function placement(view: ResultsView, axis: string, others: readonly string[], point: Record<string, unknown>) {
  return {
    x: formatValue(point[axis]),
    order: view.order(axis, point[axis]),
    panel: others.map((a) => `${axisLabel(a)} ${formatValue(point[a])}`).join(", "),
    panelOrder: others.reduce((s, a) => s * 100 + view.order(a, point[a]), 0),
  };
}

/** A line per model along one axis over a band; with more axes, one panel per value of the others. */
function alongAxis(others: readonly string[], encoding: object, layer: object[], common: object): TopLevelSpec {
  if (others.length === 0) return { ...common, width: WIDTH, height: HEIGHT, encoding, layer } as TopLevelSpec;
  return {
    ...common,
    facet: { column: { field: "panel", type: "nominal", title: null, sort: { field: "panelOrder", op: "min" } } },
    spec: { width: 200, height: 200, encoding, layer },
  } as TopLevelSpec;
}

/**
 * The metric (chosen in a menu; the view's headline metric first) against one axis: a line per model, the 95% t
 * band over seeds; every completed run counts unless `view.learnedOnly`. With a second axis, one panel
 * per value of the other axes.
 */
export function metricBySweepSpec(view: ResultsView, axis: string): TopLevelSpec {
  const models = [...view.models];
  const others = view.axes.filter((a) => a !== axis);
  const values = SELECTABLE_METRICS.flatMap((metric) =>
    summaryOf(view, metric)
      .filter((c) => c.n > 0)
      .map((c) => ({
        metric: METRICS[metric],
        model: c.model,
        ...placement(view, axis, others, c.point.point),
        mean: c.mean,
        lo: c.lo,
        hi: c.hi,
        bandLo: withinRange(metric, c.lo),
        bandHi: withinRange(metric, c.hi),
        n: c.n,
        learned: `${c.learned.k} of ${c.learned.n}`,
      })),
  );
  const x = { field: "x", type: "ordinal" as const, title: axisTitle(axis), sort: { field: "order" } };
  const marks = intervalMarks(axis);
  const layer = [
    {
      mark: marks.interval,
      encoding: {
        y: {
          field: "bandLo",
          type: "quantitative" as const,
          title: `test ${METRICS[view.metric]} (mean, 95% CI over seeds)${viewSuffix(view)}`,
          scale: { zero: false },
          // The title follows the metric chosen in the menu (the static SVG shows the first).
          axis: {
            encoding: { title: { text: { value: { expr: `'test ' + metric + ' (mean, 95% CI over seeds)${viewSuffix(view)}'` } } } },
          },
        },
        y2: { field: "bandHi" },
      },
    },
    {
      mark: marks.estimate,
      encoding: {
        y: { field: "mean", type: "quantitative" as const },
        tooltip: [
          { field: "model" },
          { field: "x", title: axisTitle(axis) },
          { field: "mean", format: ".4f" },
          // A metric lies in [0, 1]: the interval from few seeds is shown clipped there, as the band is drawn.
          { field: "bandLo", title: "95% CI low", format: ".4f" },
          { field: "bandHi", title: "95% CI high", format: ".4f" },
          { field: "n", title: "seeds counted" },
          { field: "learned", title: "runs that learned" },
        ],
      },
    },
  ];
  const common = {
    $schema: SCHEMA,
    data: { values },
    params: [
      {
        name: "metric",
        value: METRICS[view.metric],
        bind: { input: "select" as const, options: SELECTABLE_METRICS.map((m) => METRICS[m]), name: "metric " },
      },
    ],
    transform: [{ filter: "datum.metric === metric" }],
  };
  return alongAxis(others, { x, color: modelColor(models), ...marks.offset(models) }, layer, common);
}

/**
 * How a model's estimate and interval are drawn along an axis: a line through the points and a band where the
 * axis is a scale (lengths, locations, noise), a point and an error bar per model side by side where its values
 * are unrelated categories (archive problems: a line from GunPoint to ArrowHead would say nothing).
 */
function intervalMarks(axis: string) {
  if (axis !== "data.problem")
    return { interval: { type: "area" as const, opacity: 0.18 }, estimate: { type: "line" as const, point: true }, offset: () => ({}) };
  return {
    interval: { type: "rule" as const, strokeWidth: 2, opacity: 0.7 },
    estimate: { type: "point" as const, filled: true, size: 60, opacity: 1 },
    offset: (models: string[]) => ({ xOffset: { field: "model", type: "nominal" as const, sort: models } }),
  };
}

/**
 * The share of completed runs that learned against one axis, a line per model, the band its Wilson 95%
 * interval. With a second axis, one panel per value of the other axes.
 */
export function learnedRateSpec(view: ResultsView, axis: string): TopLevelSpec {
  const models = [...view.models];
  const others = view.axes.filter((a) => a !== axis);
  // How many runs learned is the same in either view: it counts every scored run.
  const values = summaryOf(view, "f1")
    .filter((c) => c.learned.n > 0)
    .map((c) => ({
      model: c.model,
      ...placement(view, axis, others, c.point.point),
      rate: c.learned.rate,
      lo: c.learned.lo,
      hi: c.learned.hi,
      learned: `${c.learned.k} of ${c.learned.n}`,
    }));
  const x = { field: "x", type: "ordinal" as const, title: axisTitle(axis), sort: { field: "order" } };
  const marks = intervalMarks(axis);
  const layer = [
    {
      mark: axis === "data.problem" ? marks.interval : { type: "area" as const, opacity: 0.15 },
      encoding: {
        y: { field: "lo", type: "quantitative" as const, title: "runs that learned (share, Wilson 95% CI)", scale: { domain: [0, 1] } },
        y2: { field: "hi" },
      },
    },
    {
      mark: marks.estimate,
      encoding: {
        y: { field: "rate", type: "quantitative" as const },
        tooltip: [
          { field: "model" },
          { field: "x", title: axisTitle(axis) },
          { field: "learned", title: "learned" },
          { field: "rate", format: ".2f" },
          { field: "lo", title: "Wilson low", format: ".3f" },
          { field: "hi", title: "Wilson high", format: ".3f" },
        ],
      },
    },
  ];
  return alongAxis(others, { x, color: modelColor(models), ...marks.offset(models) }, layer, { $schema: SCHEMA, data: { values } });
}

/** Attention minus the best baseline per point, its 95% interval, colour by the Holm-corrected verdict. */
export function advantageSpec(view: ResultsView, metric: MetricName = "f1"): TopLevelSpec {
  const { axes } = view;
  const values = advantageOf(view, metric)
    .filter((a) => a.verdict !== "n/a")
    // A difference of two metrics lies in [-1, 1]: the interval drawn and shown stops there.
    .map((a) => ({
      x: a.point.label,
      order: a.point.order,
      mean: a.mean,
      lo: clipDifference(a.lo),
      hi: clipDifference(a.hi),
      barLo: clipDifference(a.lo),
      barHi: clipDifference(a.hi),
      baseline: a.baseline,
      n: a.n,
      p: a.p,
      pHolm: a.pHolm,
      verdict: VERDICT_TEXT[a.verdict],
    }));
  const x = { field: "x", type: "ordinal" as const, title: pointTitle(axes), sort: { field: "order" } };
  // The legend says what the caption and the table say.
  const color = {
    field: "verdict",
    type: "nominal" as const,
    scale: { domain: [VERDICT_TEXT.ahead, VERDICT_TEXT.tie, VERDICT_TEXT.behind], range: ["#1a9850", "#888888", "#d73027"] },
    title: "Holm-corrected",
  };
  return {
    $schema: SCHEMA,
    width: WIDTH,
    height: 220,
    data: { values },
    encoding: { x },
    layer: [
      { mark: { type: "rule", strokeDash: [4, 4], color: "#888" }, encoding: { y: { datum: 0 } } },
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          y: {
            field: "barLo",
            type: "quantitative",
            title: `Δ test ${METRICS[metric]}: ${ATTENTION_MODEL} − best baseline${viewSuffix(view)}`,
          },
          y2: { field: "barHi" },
          color,
        },
      },
      {
        mark: { type: "point", filled: true, size: 80 },
        encoding: {
          y: { field: "mean", type: "quantitative" },
          color,
          tooltip: [
            { field: "x", title: pointTitle(axes) },
            { field: "baseline", title: "best baseline" },
            { field: "mean", format: "+.4f" },
            { field: "lo", format: "+.4f" },
            { field: "hi", format: "+.4f" },
            { field: "p", format: ".3g" },
            { field: "pHolm", title: "p (Holm)", format: ".3g" },
            { field: "n", title: "paired seeds" },
          ],
        },
      },
    ],
  };
}

/** Two-axis sweeps: the metric per model as heatmaps, one per model. */
export function heatmapSpec(view: ResultsView, metric: MetricName = "f1"): TopLevelSpec {
  const [ax, ay] = view.axes as [string, string];
  const values = summaryOf(view, metric).map((c) => ({
    model: c.model,
    x: formatValue(c.point.point[ax]),
    y: formatValue(c.point.point[ay]),
    xo: view.order(ax, c.point.point[ax]),
    yo: view.order(ay, c.point.point[ay]),
    mean: c.n > 0 ? c.mean : null,
    label: c.n > 0 ? c.mean.toFixed(3) : "–",
    n: c.n,
    learned: `${c.learned.k} of ${c.learned.n}`,
  }));
  const x = { field: "x", type: "ordinal" as const, title: axisTitle(ax), sort: { field: "xo" } };
  const y = { field: "y", type: "ordinal" as const, title: axisTitle(ay), sort: { field: "yo" } };
  return {
    $schema: SCHEMA,
    data: { values },
    // Dark cells get white text, light cells black: the midpoint of the colour range decides.
    transform: [
      {
        joinaggregate: [
          { op: "min", field: "mean", as: "low" },
          { op: "max", field: "mean", as: "high" },
        ],
      },
    ],
    facet: { column: { field: "model", type: "nominal", sort: [...view.models], title: null } },
    spec: {
      width: 150,
      height: 150,
      layer: [
        {
          mark: "rect",
          encoding: {
            x,
            y,
            color: {
              field: "mean",
              type: "quantitative",
              title: `mean test ${METRICS[metric]}${viewSuffix(view)}`,
              scale: { scheme: "viridis" },
            },
            tooltip: [
              { field: "model" },
              { field: "x", title: axisTitle(ax) },
              { field: "y", title: axisTitle(ay) },
              { field: "mean", format: ".4f" },
              { field: "n", title: "seeds counted" },
              { field: "learned", title: "runs that learned" },
            ],
          },
        },
        {
          mark: { type: "text", fontSize: 10 },
          encoding: {
            x,
            y,
            text: { field: "label" },
            color: {
              condition: { test: "isValid(datum.mean) && datum.mean <= (datum.low + datum.high) / 2", value: "white" },
              value: "black",
            },
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** Two-axis sweeps: attention's advantage as a diverging heatmap, clearly ahead / behind cells outlined. */
export function advantageHeatmapSpec(view: ResultsView, metric: MetricName = "f1"): TopLevelSpec {
  const [ax, ay] = view.axes as [string, string];
  const mark = { ahead: " ▲", behind: " ▼", tie: "", "n/a": "" };
  const values = advantageOf(view, metric).map((a) => ({
    x: formatValue(a.point.point[ax]),
    y: formatValue(a.point.point[ay]),
    xo: view.order(ax, a.point.point[ax]),
    yo: view.order(ay, a.point.point[ay]),
    mean: a.verdict === "n/a" ? null : a.mean,
    verdict: a.verdict,
    says: VERDICT_TEXT[a.verdict],
    baseline: a.baseline ?? "–",
    pHolm: a.pHolm,
    label: a.verdict === "n/a" ? "n/a" : `${a.mean >= 0 ? "+" : ""}${a.mean.toFixed(3)}${mark[a.verdict]}`,
  }));
  const x = { field: "x", type: "ordinal" as const, title: axisTitle(ax), sort: { field: "xo" } };
  const y = { field: "y", type: "ordinal" as const, title: axisTitle(ay), sort: { field: "yo" } };
  const clear = "datum.verdict === 'ahead' || datum.verdict === 'behind'";
  return {
    $schema: SCHEMA,
    width: 260,
    height: 220,
    data: { values },
    layer: [
      {
        mark: { type: "rect", strokeWidth: 3 },
        encoding: {
          x,
          y,
          color: {
            field: "mean",
            type: "quantitative",
            title: `Δ ${METRICS[metric]}${viewSuffix(view)}`,
            scale: { scheme: "redblue", domainMid: 0 },
          },
          stroke: { condition: { test: clear, value: "#111" }, value: null },
          tooltip: [
            { field: "x", title: axisTitle(ax) },
            { field: "y", title: axisTitle(ay) },
            { field: "baseline", title: "best baseline" },
            { field: "mean", format: "+.4f" },
            { field: "pHolm", title: "p (Holm)", format: ".3g" },
            { field: "says", title: "verdict" },
          ],
        },
      },
      { mark: { type: "text", fontSize: 10 }, encoding: { x, y, text: { field: "label" } } },
    ],
  } as TopLevelSpec;
}

/**
 * Train and validation loss per epoch, one panel per model, one line per seed, at the sweep point chosen
 * in the menu; runs that did not learn are dashed, with chance level (ln 2) for reference.
 */
export function trainingCurvesSpec(view: ResultsView): TopLevelSpec {
  const { points } = view;
  const labelOf = new Map(points.map((p) => [p.key, p.label]));
  const values = view.results.runs
    .filter((r) => r.status === "completed")
    .flatMap((r) =>
      r.epochs.flatMap((e) =>
        (["train", "validation"] as const).map((split) => ({
          model: r.model,
          point: labelOf.get(pointKey(r.point)) ?? "",
          seed: r.seed,
          epoch: e.epoch,
          split,
          loss: split === "train" ? e.trainLoss : e.valLoss,
          run: r.didNotLearn ? "did not learn" : "learned",
          best: r.bestEpoch,
        })),
      ),
    );
  return {
    $schema: SCHEMA,
    data: { values },
    params: [
      { name: "at", value: points[0]?.label ?? "", bind: { input: "select", options: points.map((p) => p.label), name: "sweep point " } },
    ],
    transform: [{ filter: "datum.point === at" }],
    facet: { column: { field: "model", type: "nominal", title: null, sort: [...view.models] } },
    spec: {
      width: 190,
      height: 190,
      layer: [
        // Chance is ln 2 on the anomaly task; on a K-class problem it is the class prior's entropy, not stored with a run.
        ...(view.archive
          ? []
          : [
              {
                transform: [{ aggregate: [{ op: "count", as: "rows" }], groupby: ["model"] }],
                mark: { type: "rule", color: "#999", strokeDash: [2, 2] },
                encoding: { y: { datum: Math.LN2 } },
              },
            ]),
        {
          mark: { type: "line", strokeWidth: 1.5 },
          encoding: {
            x: { field: "epoch", type: "quantitative", title: "epoch", axis: { tickMinStep: 1 } },
            y: { field: "loss", type: "quantitative", title: view.archive ? "cross-entropy loss" : "BCE loss (dotted: chance, ln 2)" },
            color: {
              field: "split",
              type: "nominal",
              title: "split",
              scale: { domain: ["train", "validation"], range: ["#4575b4", "#f46d43"] },
            },
            strokeDash: {
              field: "run",
              type: "nominal",
              title: "run",
              scale: {
                domain: ["learned", "did not learn"],
                range: [
                  [1, 0],
                  [5, 3],
                ],
              },
            },
            detail: { field: "seed" },
            tooltip: [
              { field: "model" },
              { field: "seed" },
              { field: "split" },
              { field: "epoch" },
              { field: "loss", format: ".4f" },
              { field: "best", title: "best epoch" },
              { field: "run" },
            ],
          },
        },
      ],
    },
  } as TopLevelSpec;
}

/** The attention runs a reader can choose from, by model then sweep order: completed (learned or not), with stored samples. */
/** The attention overlay of one run alone, as a live view of a single run draws it. */
export function runAttentionSpec(run: RunResult): TopLevelSpec | null {
  return attentionOverlaySpec(
    viewOf({ experiment: { name: run.experiment, description: "", file: "", spec: {}, createdAt: "" }, runs: [run] }),
  );
}

function overlayRuns(view: ResultsView): RunResult[] {
  const position = new Map(view.points.map((p) => [p.key, p.order]));
  const models = view.attentionModels;
  return view.results.runs
    .filter((r) => attends(r) && r.attention.length > 0)
    .sort(
      (a, b) =>
        models.indexOf(a.model) - models.indexOf(b.model) ||
        (position.get(pointKey(a.point)) ?? 0) - (position.get(pointKey(b.point)) ?? 0) ||
        a.seed - b.seed,
    );
}

/**
 * The reference's figures: an anomalous and a normal test series, the attention weights α over them and
 * the true flat window shaded, for the run chosen in the menu (any completed run of a model with attention
 * pooling; the menu names the model when there are several). On an archive problem there is no true window:
 * one test series of each class with α over it.
 */
export function attentionOverlaySpec(view: ResultsView): TopLevelSpec | null {
  const runs = overlayRuns(view);
  if (runs.length === 0) return null;
  const named = new Set(runs.map((r) => r.model)).size > 1;
  const option = (r: RunResult) => `${named ? `${r.model} · ` : ""}${pointText(r.point) || "run"} · seed ${r.seed} · ${r.id.slice(0, 8)}`;
  // The anomaly task: an anomalous (1) and a normal (0) series. An archive problem: one series of each class.
  const labels = view.archive ? [...new Set(runs.flatMap((r) => r.attention.map((s) => s.label)))].sort((a, b) => a - b) : [1, 0];
  const kindOf = (label: number) => (view.archive ? `class ${label}` : label === 1 ? "anomalous" : "normal");
  const values = runs.flatMap((r) =>
    labels.flatMap((label) => {
      const sample = r.attention.find((s) => s.label === label);
      if (sample === undefined) return [];
      return sample.signal.map((v, t) => ({
        run: option(r),
        kind: kindOf(label),
        series: sample.seriesIndex,
        t,
        signal: v,
        attention: sample.weights[t] ?? null,
        // The window is [start, end) in steps: shaded from the first flat step to the last.
        windowStart: sample.window?.[0] ?? null,
        windowEnd: sample.window === null ? null : sample.window[1] - 1,
      }));
    }),
  );
  const lines = [
    {
      mark: { type: "line", color: "#4575b4" },
      encoding: {
        x: { field: "t", type: "quantitative", title: "time step", scale: { nice: false } },
        y: { field: "signal", type: "quantitative", title: "signal" },
        tooltip: [
          { field: "series", title: "test series" },
          { field: "t" },
          { field: "signal", format: ".3f" },
          { field: "attention", format: ".4f" },
        ],
      },
    },
    {
      mark: { type: "line", color: "#d73027" },
      encoding: {
        x: { field: "t", type: "quantitative" },
        y: { field: "attention", type: "quantitative", title: "attention weight α", axis: { titleColor: "#d73027" } },
      },
    },
  ];
  const common = {
    $schema: SCHEMA,
    data: { values },
    params: [{ name: "run", value: option(runs[0]!), bind: { input: "select", options: runs.map(option), name: "run " } }],
  };
  // Problems differ in their number of classes: one row per class the chosen run has, so no panel is ever empty.
  if (view.archive)
    return {
      ...common,
      transform: [{ filter: "datum.run === run" }],
      facet: {
        row: {
          field: "kind",
          type: "nominal",
          title: null,
          sort: labels.map(kindOf),
          header: {
            labelAngle: 0,
            labelOrient: "top",
            labelAnchor: "start",
            labelFontSize: 12,
            labelExpr: "upper(slice(datum.value, 0, 1)) + slice(datum.value, 1) + ' test series'",
          },
        },
      },
      spec: { width: WIDTH, height: 130, layer: lines, resolve: { scale: { y: "independent" } } },
      resolve: { scale: { y: "independent" } },
    } as TopLevelSpec;
  const panel = (kind: string) => ({
    title: { text: `${kind.charAt(0).toUpperCase()}${kind.slice(1)} test series`, fontSize: 12 },
    width: WIDTH,
    height: 170,
    transform: [{ filter: `datum.run === run && datum.kind === '${kind}'` }],
    layer: [
      // A normal series has no window: a window layer there has no row, and vega warns of its infinite extent.
      ...(kind === "anomalous"
        ? [
            {
              transform: [{ filter: "datum.t === 0 && isValid(datum.windowStart)" }],
              mark: { type: "rect", color: "#fdae61", opacity: 0.35 },
              encoding: { x: { field: "windowStart", type: "quantitative" }, x2: { field: "windowEnd" } },
            },
          ]
        : []),
      ...lines,
    ],
    resolve: { scale: { y: "independent" } },
  });
  return { ...common, vconcat: labels.map((label) => panel(kindOf(label))) } as TopLevelSpec;
}

/**
 * Attention localisation per point: share of α in the true window, share of peaks inside it; one panel per
 * model with attention pooling when there are several.
 */
export function localisationSpec(view: ResultsView): TopLevelSpec | null {
  const { points } = view;
  const models = view.attentionModels;
  const localised = (r: RunResult) => attends(r) && r.test?.attentionMassInWindow != null;
  if (!view.results.runs.some(localised)) return null;
  const values = models.flatMap((model) =>
    points.flatMap((p) => {
      const here = view.runsAt(p, model).filter(localised);
      return [
        { measure: "attention mass inside the window", values: here.map((r) => r.test!.attentionMassInWindow!) },
        { measure: "anomalous series whose attention peaks inside it", values: here.map((r) => r.test!.attentionPeakInWindow!) },
      ]
        .filter((m) => m.values.length > 0)
        .map((m) => {
          const mean = m.values.reduce((a, b) => a + b, 0) / m.values.length;
          return {
            ...(models.length > 1 ? { model } : {}),
            x: p.label,
            order: p.order,
            measure: m.measure,
            mean,
            min: Math.min(...m.values),
            max: Math.max(...m.values),
            n: m.values.length,
          };
        });
    }),
  );
  const x = { field: "x", type: "ordinal" as const, title: pointTitle(view.axes), sort: { field: "order" } };
  const chart = {
    encoding: {
      x,
      color: { field: "measure", type: "nominal", title: null, legend: { orient: "bottom", direction: "vertical", labelLimit: 0 } },
    },
    layer: [
      {
        mark: { type: "rule" },
        encoding: {
          y: { field: "min", type: "quantitative", title: "share (test set; bar: range over seeds)", scale: { domain: [0, 1] } },
          y2: { field: "max" },
        },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          y: { field: "mean", type: "quantitative" },
          tooltip: [
            ...(models.length > 1 ? [{ field: "model" }] : []),
            { field: "x", title: pointTitle(view.axes) },
            { field: "measure" },
            { field: "mean", format: ".3f" },
            { field: "min", format: ".3f" },
            { field: "max", format: ".3f" },
            { field: "n", title: "seeds" },
          ],
        },
      },
    ],
  };
  if (models.length === 1) return { $schema: SCHEMA, width: WIDTH, height: 200, data: { values }, ...chart } as TopLevelSpec;
  return {
    $schema: SCHEMA,
    data: { values },
    facet: { column: { field: "model", type: "nominal", title: null, sort: models } },
    spec: { width: 260, height: 200, ...chart },
  } as TopLevelSpec;
}

/** Text broken into lines of at most `width` characters at spaces: a chart title does not wrap itself. */
function wrapped(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Critical-difference diagram as Demšar (2006) draws it: an average-rank axis on top (1 = best, on the
 * right), each model hung from its rank to a label at the side, and thick bars under the axis joining
 * models that are not significantly different. `note`, under the diagram, says what the bars (or their
 * absence) mean when the test could not tell models apart.
 */
export function criticalDifferenceSpec(cd: CriticalDifference, note?: string): TopLevelSpec {
  const k = cd.models.length;
  const pad = Math.max(0.6, 0.45 * (k - 1));
  const order = cd.models.map((_, i) => i).sort((a, b) => cd.averageRanks[a]! - cd.averageRanks[b]!);
  const right = Math.ceil(k / 2);
  const barRow = (c: number) => 0.5 + 0.5 * c;
  const labelBase = barRow(cd.cliques.length) + 0.6;
  const models = order.map((i, pos) => {
    const onRight = pos < right;
    const row = labelBase + 0.8 * (onRight ? pos : k - 1 - pos);
    return {
      model: cd.models[i]!,
      text: `${cd.models[i]!} (${cd.averageRanks[i]!.toFixed(2)})`,
      rank: cd.averageRanks[i]!,
      top: 0,
      y: -row,
      edge: onRight ? 1 - pad : k + pad,
      align: onRight ? "left" : "right",
    };
  });
  const bars = cd.cliques.map((group, c) => ({
    from: Math.min(...group.map((i) => cd.averageRanks[i]!)) - 0.04,
    to: Math.max(...group.map((i) => cd.averageRanks[i]!)) + 0.04,
    y: -barRow(c),
    models: group.map((i) => cd.models[i]!).join(", "),
  }));
  const bottom = labelBase + 0.8 * Math.max(right, k - right);
  const x = {
    field: "rank",
    type: "quantitative" as const,
    scale: { domain: [1 - pad, k + pad], reverse: true },
    axis: {
      orient: "top" as const,
      values: Array.from({ length: k }, (_, i) => i + 1),
      title: "average rank (1 = best)",
      domain: false,
      grid: false,
    },
  };
  const y = { type: "quantitative" as const, axis: null, scale: { domain: [-bottom - 0.2, 0.1] } };
  const textLayer = (align: "left" | "right") => ({
    data: { values: models.filter((m) => m.align === align) },
    mark: { type: "text" as const, align, dx: align === "left" ? 4 : -4, fontSize: 11 },
    encoding: { x: { field: "edge", type: "quantitative" as const }, y: { ...y, field: "y" }, text: { field: "text" } },
  });
  return {
    $schema: SCHEMA,
    width: WIDTH,
    height: 22 * (bottom + 0.6),
    ...(note === undefined
      ? {}
      : {
          title: {
            text: wrapped(note, 95),
            orient: "bottom" as const,
            anchor: "start" as const,
            fontSize: 11,
            fontWeight: "normal" as const,
          },
        }),
    layer: [
      {
        data: { values: [{ rank: 1, to: k }] },
        mark: { type: "rule", color: "#333" },
        encoding: { x, x2: { field: "to" }, y: { ...y, datum: 0 } },
      },
      { data: { values: models }, mark: { type: "rule", color: "#555" }, encoding: { x, y: { ...y, field: "top" }, y2: { field: "y" } } },
      { data: { values: models }, mark: { type: "rule", color: "#555" }, encoding: { x, x2: { field: "edge" }, y: { ...y, field: "y" } } },
      textLayer("left"),
      textLayer("right"),
      {
        data: { values: bars },
        mark: { type: "rule", strokeWidth: 4, color: "#222" },
        encoding: {
          x: { field: "from", type: "quantitative" },
          x2: { field: "to" },
          y: { ...y, field: "y" },
          tooltip: [{ field: "models", title: "not significantly different" }],
        },
      },
    ],
  } as TopLevelSpec;
}
