import type { TopLevelSpec } from "vega-lite";
import type { Ablation } from "./ablation.js";
import { CONDITIONAL_LABEL, METRICS, axisLabel } from "./results.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * The metric per level of the ablated part, one panel per context: each seed's run as a dot (so a level
 * that learns on one seed of three shows as one dot up and two at chance), the mean, and the 95% t interval.
 */
export function ablationLevelsSpec(ablation: Ablation): TopLevelSpec {
  const levelTitle = ablation.axis === null ? "model" : axisLabel(ablation.axis);
  const order = (label: string) =>
    ablation.levels.findIndex((l) => ablation.contexts[0]?.levels.find((x) => x.level === l)?.label === label);
  const summaries = ablation.contexts.flatMap((c, ci) =>
    c.levels
      .filter((l) => l.n > 0)
      .map((l) => ({
        context: c.label,
        contextOrder: ci,
        level: l.label,
        order: order(l.label),
        mean: l.mean,
        lo: clamp01(l.lo),
        hi: clamp01(l.hi),
        learned: `${l.learned.k} of ${l.learned.n}`,
      })),
  );
  const seeds = ablation.contexts.flatMap((c, ci) =>
    c.levels.flatMap((l) =>
      [...l.bySeed.entries()].map(([seed, value]) => ({
        context: c.label,
        contextOrder: ci,
        level: l.label,
        order: order(l.label),
        seed,
        value,
      })),
    ),
  );
  const metric = METRICS[ablation.metric];
  const x = { field: "level", type: "nominal" as const, title: levelTitle, sort: { field: "order" } };
  const y = `test ${metric}${ablation.view.learnedOnly === true ? ` (${CONDITIONAL_LABEL})` : ""}`;
  return {
    $schema: SCHEMA,
    data: { values: [...summaries.map((s) => ({ ...s, kind: "mean" })), ...seeds.map((s) => ({ ...s, kind: "seed" }))] },
    facet: { column: { field: "context", type: "nominal", title: null, sort: { field: "contextOrder", op: "min" } } },
    spec: {
      width: Math.max(120, 60 * ablation.levels.length),
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: "rule", strokeWidth: 2 },
          encoding: { x, y: { field: "lo", type: "quantitative", title: y, scale: { domain: [0, 1] } }, y2: { field: "hi" } },
        },
        {
          transform: [{ filter: "datum.kind === 'mean'" }],
          mark: { type: "tick", thickness: 3, size: 22 },
          encoding: {
            x,
            y: { field: "mean", type: "quantitative" },
            tooltip: [
              { field: "level", title: levelTitle },
              { field: "mean", format: ".4f" },
              { field: "lo", title: "95% CI low", format: ".4f" },
              { field: "hi", title: "95% CI high", format: ".4f" },
              { field: "learned", title: "runs that learned" },
            ],
          },
        },
        {
          transform: [{ filter: "datum.kind === 'seed'" }],
          mark: { type: "circle", size: 40, opacity: 0.55, color: "#e45756" },
          encoding: {
            x,
            y: { field: "value", type: "quantitative" },
            tooltip: [{ field: "seed" }, { field: "value", title: metric, format: ".4f" }],
          },
        },
      ],
    },
  } as TopLevelSpec;
}
