import { archiveComparisonsOf, attentionStanding, ALPHA, type ArchiveComparison } from "./archive.js";
import { publishedGapTable, problemTable, winsTiesLossesTable } from "./archive-tables.js";
import { escapeHtml as e, type Block, type Section } from "./html.js";
import type { PublishedAccuracy } from "./published.js";
import { CONDITIONAL_LABEL, METRICS } from "./results.js";
import { criticalDifferenceSpec } from "./specs.js";
import { toHtml } from "./tables.js";
import type { ResultsView } from "./view.js";

const pValue = (p: number) => (Number.isNaN(p) ? "–" : p.toPrecision(3));
const table = (head: string[], rows: string[][]) =>
  `<table><tr>${head.map((h) => `<th>${e(h)}</th>`).join("")}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</table>`;

/** What the diagram's bars mean here, in one sentence under it: none when no pair could differ, one over all when none did. */
export function diagramNote(comparison: ArchiveComparison): string {
  const { cd, complete, smallestP, problemsNeeded } = comparison;
  if (cd === null) return "";
  const n = complete.length;
  const pairs = cd.pairs.length;
  if (!comparison.decidable)
    return (
      `No bars: with ${n} problems no pair of models can be significantly different — the exact signed-rank test's smallest two-sided p is ` +
      `2/2^${n} = ${pValue(smallestP)}, and Holm over ${pairs} pairs asks ${pValue(ALPHA / pairs)} of the first. At least ${problemsNeeded} problems are needed; the ranks alone are shown.`
    );
  const differing = cd.pairs.filter((p) => p.pHolm < ALPHA).length;
  if (differing === 0)
    return `No pair differs after Holm's correction (smallest adjusted p ${pValue(Math.min(...cd.pairs.map((p) => p.pHolm)))}): one bar joins every model.`;
  return `${differing} of ${pairs} pairs differ after Holm's correction (α = ${ALPHA}); models joined by a bar do not.`;
}

function diagramBlocks(comparison: ArchiveComparison): Block[] {
  const { cd } = comparison;
  if (cd === null)
    return [
      { html: `<p class="muted">No critical-difference diagram: it needs at least 2 problems on which every model has a result.</p>` },
    ];
  const rows = cd.pairs.map((p) => [
    e(p.a),
    e(p.b),
    pValue(p.p),
    pValue(p.pHolm),
    p.pHolm < ALPHA ? "<b>differ</b>" : "no clear difference",
  ]);
  const friedman =
    cd.friedmanP < ALPHA ? "rejects equal ranks" : "does not reject equal ranks, so the pairwise tests are shown for completeness only";
  return [
    {
      chart: criticalDifferenceSpec(cd, diagramNote(comparison)),
      caption:
        `Critical-difference diagram over ${cd.blocks} problems (Demšar 2006, as Fawaz et al. 2019 draw it): each model at its mean rank of test ${METRICS[comparison.metric]} (1 = best). ` +
        `Wilcoxon signed-rank between every pair over the problems' mean ${METRICS[comparison.metric]} (exact, zero differences dropped, tied differences at their mid-rank), ` +
        `Holm's correction over the ${cd.pairs.length} pairs at α = ${ALPHA}; a bar joins models adjacent in rank of which no two differ. The Friedman test (p = ${pValue(cd.friedmanP)}) ${friedman}.`,
    },
    { html: table(["model", "against", "Wilcoxon p", "p (Holm)", "verdict"], rows) },
  ];
}

/** One analysis's tables and diagram: the problems with the published figures, the gaps, the diagram, attention's wins. */
function comparisonBlocks(view: ResultsView, comparison: ArchiveComparison, published: PublishedAccuracy | null): Block[] {
  const wtl = winsTiesLossesTable(view, comparison);
  const gaps = publishedGapTable(view, comparison, published);
  return [
    { html: toHtml(problemTable(view, comparison, published), e) },
    ...(gaps === null ? [] : [{ html: toHtml(gaps, e) }]),
    ...diagramBlocks(comparison),
    ...(wtl === null ? [] : [{ html: toHtml(wtl, e) }]),
  ];
}

/**
 * Archive problems: per problem our models' test accuracy beside the published figures, the mean rank,
 * the critical-difference diagram across problems and attention's wins/ties/losses against each baseline;
 * once per setting of the axes a file sweeps beside the problems, so no problem counts twice.
 */
export function archiveSection(view: ResultsView, published: PublishedAccuracy | null): Section | null {
  if (!view.archive || view.points.length === 0) return null;
  const comparisons = archiveComparisonsOf(view, published);
  const counted = view.learnedOnly
    ? `<b>${CONDITIONAL_LABEL}</b>: only the runs that learned count`
    : "every completed run counts at the score it reached, learned or not (a cell says how many learned when not all did)";
  const standings = comparisons
    .map((c) => {
      const standing = attentionStanding(c);
      return standing === "" ? "" : `${c.setting === "" ? "" : `At ${c.setting}, `}${standing} over ${c.complete.length} problem(s). `;
    })
    .join("");
  const others = view.axes.filter((a) => a !== "data.problem");
  const sweepNote =
    others.length === 0
      ? ""
      : view.axes.includes("data.problem")
        ? ` This file sweeps more than problems (${others.map(e).join(", ")}): each setting of ${others.length === 1 ? "it" : "them"} is analysed on its own below, each problem once.`
        : ` This file sweeps one problem over ${others.map(e).join(", ")}: <b>each row is a point</b>, and the ranks, the diagram and the wins count each point as if it were another problem.`;
  return {
    id: "archive",
    title: "Archive problems",
    intro:
      `Test ${METRICS[comparisons[0]!.metric]} per problem, mean ± sample std over seeds, beside the published figures where the facts file gives one; ${counted}. ` +
      e(standings) +
      "Published figures come from a different protocol and other seeds: they are a reference, not a paired comparison." +
      sweepNote,
    blocks: comparisons.flatMap((c) => [
      ...(c.setting === "" ? [] : [{ html: `<h3>At ${e(c.setting)}</h3>` }]),
      ...comparisonBlocks(view, c, published),
    ]),
  };
}
