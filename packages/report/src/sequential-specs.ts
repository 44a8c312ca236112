import type { TopLevelSpec } from "vega-lite";
import { comparisonName, type SequentialSummary } from "./sequential.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const TWO_SIDED = "ahead/behind (two-sided)";
const LEVEL = "level (TOST)";

/**
 * Each comparison's test per look against its boundary: the p-value of every look tested (two-sided, and the
 * two one-sided tests' for "level" when there is a margin) and the level spent at each look, on a log scale. A
 * point on or below the boundary decided its comparison there. One colour per comparison.
 */
export function sequentialLooksSpec(summary: SequentialSummary): TopLevelSpec {
  const { plan, levels } = summary;
  const tests = summary.rows.flatMap((row) =>
    row.looks.flatMap((look) => [
      { comparison: comparisonName(row), look: look.look + 1, n: look.n, test: TWO_SIDED, p: look.pTwoSided, level: look.level },
      ...(plan.margin > 0
        ? [{ comparison: comparisonName(row), look: look.look + 1, n: look.n, test: LEVEL, p: look.pLevel, level: look.level }]
        : []),
    ]),
  );
  const boundary = plan.looks.map((n, k) => ({ n, look: k + 1, level: levels[k]! }));
  const ps = [...tests.map((t) => t.p), ...boundary.map((b) => b.level)].filter((p) => p > 0);
  const floor = 10 ** Math.floor(Math.log10(Math.min(...ps, 0.001)));
  const x = {
    field: "n",
    type: "quantitative" as const,
    title: "seeds (n) at the look",
    scale: { zero: false, nice: false, padding: 24 },
    axis: { values: plan.looks, format: "d" },
  };
  const y = { type: "quantitative" as const, scale: { type: "log" as const, domain: [floor, 1] } };
  return {
    $schema: SCHEMA,
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: boundary },
        mark: { type: "line", color: "#333", strokeDash: [2, 2], point: { color: "#333", shape: "stroke" } },
        encoding: {
          x,
          y: { ...y, field: "level", title: "p-value (log scale)" },
          tooltip: [
            { field: "look", title: "look" },
            { field: "n", title: "seeds" },
            { field: "level", title: "level spent at this look", format: ".2e" },
          ],
        },
      },
      {
        data: { values: tests },
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { ...y, field: "p" },
          color: { field: "comparison", type: "nominal", title: "comparison", legend: { labelLimit: 360 } },
          strokeDash: {
            field: "test",
            type: "nominal",
            title: "test",
            sort: [TWO_SIDED, LEVEL],
            legend: null,
          },
          detail: { field: "test" },
          tooltip: [
            { field: "comparison" },
            { field: "test" },
            { field: "look" },
            { field: "n", title: "seeds" },
            { field: "p", title: "p", format: ".3g" },
            { field: "level", title: "level spent", format: ".2e" },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}
