import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Renders a Vega-Lite spec to SVG in Node (no canvas needed), so each chart reads without JavaScript;
 * in the browser vega-embed replaces it with the live chart.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
