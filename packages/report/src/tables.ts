import type { ExperimentResults } from "@tsa/tracker";
import { cellOf, summaryOf, type CellSummary } from "./analysis.js";
import {
  CONDITIONAL_LABEL,
  METRICS,
  betterSign,
  counted,
  learned,
  metricOf,
  pointTitle,
  scored,
  type MetricName,
  type RunView,
} from "./results.js";
import { viewOf, type ResultsView } from "./view.js";
import { mean, pairedDifference, ranks, std } from "./stats.js";

/** A neutral table: renderers (Markdown, LaTeX, CSV, HTML) decide how bold and underline look. */
export interface TableCell {
  text: string;
  mean: number | null;
  std: number | null;
  n: number;
  bold: boolean;
  underline: boolean;
  /** The best of its row and clearly ahead of the runner-up (paired t over seeds, p < 0.05). */
  marked: boolean;
  /** Of the completed runs behind the cell, how many learned; null for cells that are not run results. */
  learned: { k: number; n: number } | null;
}

export interface TableModel {
  title: string;
  /** The first column's heading, in the reader's words (`anomaly length (fraction of the series)`). */
  corner: string;
  /** The first column's name in CSV, for scripts (`point`); the corner when absent. */
  rowKey?: string;
  columns: string[];
  rows: Array<{ label: string; cells: TableCell[] }>;
  /** Closing rows (average rank, wins): text cells, and the raw numbers for CSV. */
  footer: Array<{ label: string; cells: string[]; values: number[] }>;
  notes: string[];
}

export interface MetricTableOptions {
  metrics?: MetricName[];
  /** Mark the best of a row when a paired test over seeds puts it clearly ahead of the runner-up. */
  markSignificant?: boolean;
  digits?: number;
  /** Count only the runs that learned (the conditional view); by default every completed run counts. */
  learnedOnly?: boolean;
}

const fmt = (v: number, digits: number) => (Number.isNaN(v) ? "–" : v.toFixed(digits));

/** A cell that is not a model's summary (a difference, a verdict, a name): its text, and its number for CSV. */
export const textCell = (text: string, value: number | null = null, n = 0, extra: Partial<TableCell> = {}): TableCell => ({
  text,
  mean: value,
  std: null,
  n,
  bold: false,
  underline: false,
  marked: false,
  learned: null,
  ...extra,
});

/** ` (1/3 learned)` after a cell where not every completed run learned; "" otherwise. */
function learnedNote(learned: TableCell["learned"]): string {
  return learned !== null && learned.k < learned.n ? ` (${learned.k}/${learned.n} learned)` : "";
}

/** A run-result cell as every table writes it: `mean ± std` (a single run: the mean alone; none: `–`), then the learned count. */
export function cellText(
  c: (Pick<CellSummary, "n" | "mean" | "std"> & { learned: TableCell["learned"] }) | undefined,
  digits: number,
): string {
  if (c === undefined) return "–";
  const value = c.n === 0 ? "–" : c.n > 1 ? `${fmt(c.mean, digits)} ± ${fmt(c.std, digits)}` : fmt(c.mean, digits);
  return value + learnedNote(c.learned);
}

/** What the notes say about the runs behind the numbers, in either view. */
export function runNotes(view: ResultsView): string[] {
  const { runs } = view.results;
  const unscored = runs.filter((r) => !scored(r)).length;
  const didNotLearn = runs.filter((r) => scored(r) && !learned(r)).length;
  return [
    ...(view.learnedOnly === true
      ? [
          `${CONDITIONAL_LABEL}: ${didNotLearn} completed run(s) that did not learn left out; a cell says how many of its runs learned when not all did`,
        ]
      : ["every completed run counts at the score it reached, learned or not; a cell says how many of its runs learned when not all did"]),
    ...(unscored > 0 ? [`${unscored} run(s) without a score left out: not completed (queued, running, failed, interrupted)`] : []),
  ];
}

/**
 * Bold the best, underline the second (ties share), optionally mark a significant best. `better` is +1
 * when higher is better, -1 when lower is (a loss): the order is read on the means times it.
 */
export function decorate(row: Array<CellSummary | undefined>, digits: number, markSignificant: boolean, better: 1 | -1): TableCell[] {
  const means = row.map((c) => (c === undefined || c.n === 0 ? Number.NEGATIVE_INFINITY : better * c.mean));
  const distinct = [...new Set(means.filter((m) => Number.isFinite(m)))].sort((a, b) => b - a);
  const [first, second] = distinct;
  const bestIndex = means.indexOf(first ?? Number.NaN);
  // A best shared by two columns is ahead of nobody: only a single best can be marked.
  const soleBest = bestIndex >= 0 && means.lastIndexOf(first!) === bestIndex;
  const runnerUp = row.findIndex((c, i) => i !== bestIndex && c !== undefined && means[i] === second);
  let marked = false;
  if (markSignificant && soleBest && runnerUp >= 0) {
    const a = row[bestIndex]!;
    const b = row[runnerUp]!;
    const seeds = [...a.bySeed.keys()].filter((s) => b.bySeed.has(s));
    const test =
      seeds.length > 1
        ? pairedDifference(
            seeds.map((s) => a.bySeed.get(s)!),
            seeds.map((s) => b.bySeed.get(s)!),
          )
        : null;
    marked = test !== null && better * test.mean > 0 && test.p < 0.05;
  }
  return row.map((c, i) => ({
    text: cellText(c, digits),
    mean: c === undefined || c.n === 0 ? null : c.mean,
    std: c === undefined || c.n === 0 ? null : c.std,
    n: c?.n ?? 0,
    learned: c === undefined ? null : { k: c.learned.k, n: c.learned.n },
    bold: first !== undefined && means[i] === first,
    underline: second !== undefined && means[i] === second,
    marked: marked && i === bestIndex,
  }));
}

/** Average rank (1 = best, ties share the mean rank) and wins (rows where a column is best, ties count for each), over complete rows. */
function rankFooter(rows: TableCell[][], columns: number, better: 1 | -1): TableModel["footer"] {
  const complete = rows.filter((r) => r.every((c) => c.mean !== null));
  const rankSums = new Array<number>(columns).fill(0);
  const wins = new Array<number>(columns).fill(0);
  for (const row of complete) {
    ranks(row.map((c) => better * c.mean!)).forEach((r, j) => (rankSums[j]! += r));
    row.forEach((c, j) => (wins[j]! += c.bold ? 1 : 0));
  }
  if (complete.length === 0) return [];
  const averageRanks = rankSums.map((s) => s / complete.length);
  return [
    { label: "average rank", cells: averageRanks.map((r) => r.toFixed(2)), values: averageRanks },
    { label: "wins", cells: wins.map(String), values: wins },
  ];
}

/**
 * Paper-style tables of mean ± std over seeds: rows are sweep points and columns models (one table per
 * metric), or, for an experiment without a sweep, rows are models and columns metrics. Every completed
 * run counts, learned or not (`learnedOnly`: only those that learned, the title says so); a cell says how
 * many of its runs learned when not all did; runs without a score are left out and counted in the notes.
 */
export function buildMetricTable(results: ExperimentResults, options: MetricTableOptions = {}): TableModel[] {
  return metricTables(viewOf(results, { learnedOnly: options.learnedOnly ?? false }), options);
}

/** buildMetricTable over the runs the view counts (`options.learnedOnly` is the view's). */
export function metricTables(view: ResultsView, options: Omit<MetricTableOptions, "learnedOnly"> = {}): TableModel[] {
  const metrics = options.metrics ?? [view.metric];
  const digits = options.digits ?? 4;
  const { models, points, results } = view;
  const conditional = view.learnedOnly === true ? ` (${CONDITIONAL_LABEL})` : "";
  const notes = [
    "mean ± sample std over seeds; best per row in bold, second underlined",
    ...(options.markSignificant ? ["* best clearly ahead of the runner-up (paired t over seeds, p < 0.05)"] : []),
    ...runNotes(view),
  ];
  if (points.length <= 1) {
    const byModel = models.map((model) => metrics.map((m) => summaryOf(view, m).find((c) => c.model === model)));
    // Best per column here: decorate each metric's column, then transpose back.
    const columns = metrics.map((metric, j) =>
      decorate(
        byModel.map((row) => row[j]),
        digits,
        options.markSignificant ?? false,
        betterSign(metric),
      ),
    );
    return [
      {
        title: `${results.experiment.name}: test metrics per model${conditional}`,
        corner: "model",
        columns: metrics.map((m) => METRICS[m]),
        rows: models.map((model, i) => ({ label: model, cells: columns.map((col) => col[i]!) })),
        footer: [],
        notes: notes.map((n) => n.replace("per row", "per column")),
      },
    ];
  }
  return metrics.map((metric) => {
    const rows = points.map((p) => ({
      label: p.label,
      cells: decorate(
        models.map((m) => cellOf(view, p, m, metric)),
        digits,
        options.markSignificant ?? false,
        betterSign(metric),
      ),
    }));
    const incomplete = rows.filter((r) => r.cells.some((c) => c.mean === null)).length;
    return {
      title: `${results.experiment.name}: test ${METRICS[metric]}${conditional}`,
      // The rows' heading names the sweep's axes with their units, as the report's charts do; CSV keeps `point`.
      corner: pointTitle(view.axes),
      rowKey: "point",
      columns: [...models],
      rows,
      footer: rankFooter(
        rows.map((r) => r.cells),
        models.length,
        betterSign(metric),
      ),
      notes: [
        ...notes,
        ...(incomplete > 0 ? [`average rank and wins over the ${rows.length - incomplete} row(s) where every model has a result`] : []),
      ],
    };
  });
}

/** The reference article's published bilstm-attention test result (2,000 test series). */
export const REFERENCE_RESULT = {
  label: "bilstm-attention (reference article)",
  accuracy: 0.9775,
  precision: 0.9855,
  recall: 0.9685,
  f1: 0.9769,
  rocAuc: 0.9774,
  confusion: [
    [1002, 14],
    [31, 953],
  ],
};

/**
 * The reference's table for the paper experiment: accuracy, precision, recall, F1, ROC AUC and the
 * confusion matrix [[tn, fp], [fn, tp]] per model over all its completed runs, learned or not (`learnedOnly`:
 * those that learned), confusion summed, beside the reference's own row. Our ROC AUC is rank-based; the
 * reference computed it from thresholded predictions (shown in brackets).
 */
export function buildPaperTable(results: ExperimentResults, digits = 4, view: RunView = {}): TableModel {
  return paperTable(viewOf(results, view), digits);
}

/** buildPaperTable over the runs the view counts. */
export function paperTable(view: ResultsView, digits = 4): TableModel {
  const metrics: MetricName[] = ["accuracy", "precision", "recall", "f1", "rocAuc"];
  const { models, results } = view;
  const plain = (text: string, value: number | null = null): TableCell => ({
    text,
    mean: value,
    std: null,
    n: 1,
    bold: false,
    underline: false,
    marked: false,
    learned: null,
  });
  const rows = models.map((model) => {
    const all = results.runs.filter((r) => r.model === model);
    const runs = all.filter((r) => counted(r, view));
    const learnedRuns = { k: all.filter(learned).length, n: all.filter(scored).length };
    const sum = (k: "tn" | "fp" | "fn" | "tp") => runs.reduce((s, r) => s + (r.test?.[k] ?? 0), 0);
    const thresholded = runs.map((r) => r.test!.balancedAccuracy).filter((v) => !Number.isNaN(v));
    const cells = metrics.map((metric): TableCell => {
      const values = runs.map((r) => metricOf(r, metric)).filter((v) => !Number.isNaN(v));
      const stats = { n: values.length, mean: mean(values), std: std(values), learned: learnedRuns };
      const auc = metric === "rocAuc" && thresholded.length > 0 ? ` [${fmt(mean(thresholded), digits)}]` : "";
      // The bracketed reference AUC goes with the value, before the learned count.
      const text = cellText({ ...stats, learned: null }, digits) + auc + learnedNote(learnedRuns);
      const none = values.length === 0;
      return {
        text,
        mean: none ? null : stats.mean,
        std: none ? null : stats.std,
        n: stats.n,
        bold: false,
        underline: false,
        marked: false,
        learned: learnedRuns,
      };
    });
    const confusion = runs.length === 0 ? "–" : `[[${sum("tn")}, ${sum("fp")}], [${sum("fn")}, ${sum("tp")}]]`;
    return { label: model, cells: [...cells, { ...plain(confusion), n: runs.length }] };
  });
  // Bold the best of each metric column among our models.
  metrics.forEach((_, j) => {
    const best = Math.max(...rows.map((r) => r.cells[j]!.mean ?? Number.NEGATIVE_INFINITY));
    rows.forEach((r) => (r.cells[j]!.bold = r.cells[j]!.mean === best && Number.isFinite(best)));
  });
  const ref = REFERENCE_RESULT;
  rows.push({
    label: ref.label,
    cells: [
      ...[ref.accuracy, ref.precision, ref.recall, ref.f1].map((v) => plain(v.toFixed(4), v)),
      plain(`[${ref.rocAuc.toFixed(4)}]`, ref.rocAuc),
      plain(`[[${ref.confusion[0]!.join(", ")}], [${ref.confusion[1]!.join(", ")}]]`),
    ],
  });
  const points = view.points.length;
  return {
    title: `${results.experiment.name}: test metrics against the reference${view.learnedOnly === true ? ` (${CONDITIONAL_LABEL})` : ""}`,
    corner: "model",
    columns: [...metrics.map((m) => METRICS[m]), "confusion [[tn, fp], [fn, tp]]"],
    rows,
    footer: [],
    notes: [
      "mean ± sample std over seeds; confusion summed over seeds; best of our models in bold",
      "ROC AUC: rank-based from scores; in brackets, the reference's AUC from thresholded predictions",
      ...(points > 1 ? [`pooled over the ${points} sweep points of the experiment`] : []),
      ...runNotes(view),
    ],
  };
}

/** Markdown (GitHub): bold as **…**, second as <ins>…</ins> (GitHub strips <u>), a * after a clearly-best value. */
export function toMarkdown(table: TableModel): string {
  const cell = (c: TableCell) => {
    let t = c.text + (c.marked ? " \\*" : "");
    if (c.bold) t = `**${t}**`;
    if (c.underline) t = `<ins>${t}</ins>`;
    return t;
  };
  const escape = (t: string) => t.replace(/\|/g, "\\|");
  const lines = [
    `| ${[table.corner, ...table.columns].map(escape).join(" | ")} |`,
    `| ${["---", ...table.columns.map(() => "---:")].join(" | ")} |`,
    ...table.rows.map((r) => `| ${[escape(r.label), ...r.cells.map(cell)].join(" | ")} |`),
    ...table.footer.map((f) => `| ${[`*${f.label}*`, ...f.cells].join(" | ")} |`),
  ];
  return `**${escape(table.title)}**\n\n${lines.join("\n")}\n\n${table.notes.map((n) => `_${n}_`).join("  \n")}\n`;
}

const LATEX_SPECIALS: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
  "<": "\\textless{}",
  ">": "\\textgreater{}",
  "–": "--",
  "±": "$\\pm$",
};

/** LaTeX-safe text: specials escaped in one pass (so no replacement is escaped again), model names like bilstm_x and 95% compile. */
export function latexEscape(text: string): string {
  return text.replace(/[\\~^<>–±&%$#_{}]/g, (ch) => LATEX_SPECIALS[ch] ?? `\\${ch}`);
}

export interface LatexOptions {
  /** Scale the tabular to the text width (\resizebox, needs \usepackage{graphicx}): wide tables fit a column. */
  resize?: boolean;
}

/**
 * LaTeX with booktabs rules (\usepackage{booktabs}) in a table float with the title as its caption (several
 * metrics give several captioned tables); values as `$0.9123 \pm 0.0040$`, best bold (\mathbf inside math:
 * \textbf does not reach into $…$), second \underline.
 */
export function toLatex(table: TableModel, options: LatexOptions = {}): string {
  const cell = (c: TableCell) => {
    // The learned count stays outside the math: `$0.4120 \pm 0.4800$ (1/3 learned)`.
    const note = learnedNote(c.learned);
    const value = c.text.slice(0, c.text.length - note.length);
    const math = c.mean !== null && c.std !== null && c.n > 1 && value.includes("±");
    const body = value.replace(" ± ", " \\pm ");
    let t = (math ? `$${c.bold ? `\\mathbf{${body}}` : body}$` : latexEscape(value)) + latexEscape(note);
    if (c.marked) t += "$^{*}$";
    if (c.bold && !math) t = `\\textbf{${t}}`;
    if (c.underline) t = `\\underline{${t}}`;
    return t;
  };
  const lines = [
    "\\begin{table}[ht]",
    "\\centering",
    `\\caption{${latexEscape(table.title)}}`,
    ...(options.resize ? ["\\resizebox{\\linewidth}{!}{%"] : []),
    `\\begin{tabular}{l${"r".repeat(table.columns.length)}}`,
    "\\toprule",
    `${[table.corner, ...table.columns].map(latexEscape).join(" & ")} \\\\`,
    "\\midrule",
    ...table.rows.map((r) => `${[latexEscape(r.label), ...r.cells.map(cell)].join(" & ")} \\\\`),
    ...(table.footer.length > 0 ? ["\\midrule", ...table.footer.map((f) => `${[latexEscape(f.label), ...f.cells].join(" & ")} \\\\`)] : []),
    "\\bottomrule",
    "\\end{tabular}",
    ...(options.resize ? ["}"] : []),
    ...table.notes.map((n) => `% ${latexEscape(n)}`),
    "\\end{table}",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * CSV with raw numbers: one line per cell (row, column, mean, std, n, then `learned` of `completed` runs)
 * so R and pandas read it directly; the closing rows (average rank, wins) follow with their value under `mean`.
 */
export function toCsv(table: TableModel): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [["table", quote(table.rowKey ?? table.corner), "column", "mean", "std", "n", "learned", "completed", "text"].join(",")];
  for (const r of table.rows) {
    r.cells.forEach((c, j) =>
      lines.push(
        [table.title, r.label, table.columns[j]!, c.mean ?? "", c.std ?? "", c.n, c.learned?.k ?? "", c.learned?.n ?? "", c.text]
          .map((v) => quote(String(v)))
          .join(","),
      ),
    );
  }
  for (const f of table.footer) {
    f.cells.forEach((text, j) =>
      lines.push(
        [table.title, f.label, table.columns[j]!, Number.isNaN(f.values[j]) ? "" : (f.values[j] ?? ""), "", "", "", "", text]
          .map((v) => quote(String(v)))
          .join(","),
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** HTML for the report page. */
export function toHtml(table: TableModel, escape: (t: string) => string): string {
  const cell = (c: TableCell) => {
    let t = escape(c.text) + (c.marked ? "*" : "");
    if (c.bold) t = `<b>${t}</b>`;
    if (c.underline) t = `<u>${t}</u>`;
    return `<td>${t}</td>`;
  };
  return [
    `<table><caption class="muted">${escape(table.title)}</caption>`,
    `<tr>${[table.corner, ...table.columns].map((c) => `<th>${escape(c)}</th>`).join("")}</tr>`,
    ...table.rows.map((r) => `<tr><td>${escape(r.label)}</td>${r.cells.map(cell).join("")}</tr>`),
    ...table.footer.map((f) => `<tr><td><i>${escape(f.label)}</i></td>${f.cells.map((c) => `<td><i>${escape(c)}</i></td>`).join("")}</tr>`),
    "</table>",
    `<p class="muted">${table.notes.map(escape).join("<br>")}</p>`,
  ].join("\n");
}
