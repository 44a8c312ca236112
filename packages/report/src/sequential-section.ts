import { escapeHtml as e, type Section } from "./html.js";
import { methodText, sequentialOf, spentText } from "./sequential.js";
import { sequentialLooksSpec } from "./sequential-specs.js";
import { comparisonsTable } from "./sequential-tables.js";
import { toHtml } from "./tables.js";
import type { ResultsView } from "./view.js";

/** Seeds until decided: the verdicts, the test per look against its boundary, and the seeds spent against a fixed design. */
export function sequentialSection(view: ResultsView): Section | null {
  const summary = sequentialOf(view);
  if (summary === null) return null;
  const tested = summary.rows.some((r) => r.looks.length > 0);
  const spent = summary.spent.map((s) => `<tr><td>${e(s.model)}</td><td>${s.runs}</td><td>${s.fixed}</td></tr>`).join("");
  return {
    id: "sequential",
    title: "Seeds until decided",
    intro:
      `${e(methodText(summary))}. Each comparison's share of α is spent over the looks, so the chance of any false <i>ahead</i> or <i>behind</i> stays at most α over every comparison and look together. ` +
      "These verdicts replace the fixed-design Holm verdicts of this page's other sections: once seeds are added after looking at the results, a fixed-design test no longer holds its level. " +
      "Every settled run counts, learned or not, as in the sweep's decisions.",
    blocks: [
      { html: toHtml(comparisonsTable(view, summary, false), e) },
      ...(tested
        ? [
            {
              chart: sequentialLooksSpec(summary),
              caption:
                "Each comparison's p-value at each look it was tested (solid: two-sided, for ahead / behind" +
                (summary.plan.margin > 0
                  ? `; dashed: the larger of the two one-sided tests for level within ±${summary.plan.margin}`
                  : "") +
                "), against the level spent at that look (black dotted, log scale): on or below it, the comparison was decided there.",
            },
          ]
        : []),
      {
        html:
          `<p>${e(spentText(summary))}. Runs per model (completed or failed, every point) against the fixed design:</p>` +
          `<table><tr><th>model</th><th>runs spent</th><th>fixed design</th></tr>${spent}</table>`,
      },
    ],
  };
}
