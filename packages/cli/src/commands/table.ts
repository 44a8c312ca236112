import { resolveDataConfig } from "@tsa/data";
import { UserInputError } from "@tsa/errors";
import {
  ablationOf,
  buildAblationTable,
  buildArchiveTables,
  buildMetricTable,
  buildPaperTable,
  buildSequentialTables,
  buildTuningTables,
  formatValue,
  headlineMetricOf,
  onArchive,
  toCsv,
  toLatex,
  toMarkdown,
  type MetricName,
  type PublishedAccuracy,
  type TableModel,
} from "@tsa/report/tables";
import { openStore, type ExperimentResults, type Store } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { writeOutput } from "../format/output.js";
import { noExperimentError } from "../messages.js";
import { readPublishedAccuracy } from "../published.js";
import { canonicalMetric, METRIC_NAMES } from "../names.js";
import { storeLocation } from "../paths.js";
import type { GlobalOptions } from "../options.js";

const TABLE_FORMATS = ["md", "latex", "csv"] as const;
type TableFormat = (typeof TABLE_FORMATS)[number];

interface TableArgs extends GlobalOptions {
  experiment: string;
  metric?: MetricName[];
  format: TableFormat;
  out?: string;
  markSignificant: boolean;
  paper?: boolean;
  learnedOnly: boolean;
  latexResize: boolean;
}

/** `--metric` values in the user's spelling (`roc_auc`; `rocAuc`, `test_roc_auc` accepted) → the report's names. */
function metricNames(values: unknown): MetricName[] {
  return (Array.isArray(values) ? values : [values]).map((value) => {
    const field = METRIC_NAMES[canonicalMetric(String(value))];
    if (field === undefined)
      throw new UserInputError(`--metric: expected one of ${Object.keys(METRIC_NAMES).join(", ")}, got '${String(value)}'`);
    return field;
  });
}

/**
 * How an experiment's data differs from the reference article's (defaults), e.g. `size 600 (article 10000)`;
 * a swept key counts when any point differs. Empty when the setups match.
 */
export function setupDifferences(results: ExperimentResults): string[] {
  const reference = resolveDataConfig({}) as unknown as Record<string, unknown>;
  const differing = new Map<string, Set<string>>();
  for (const run of results.runs) {
    const data = ((run.config ?? {}) as { data?: Record<string, unknown> }).data ?? {};
    // An archive problem is no variation of the article's generated data: nothing to compare its settings with.
    if ("problem" in data) continue;
    for (const [key, value] of Object.entries(data)) {
      if (JSON.stringify(value) === JSON.stringify(reference[key])) continue;
      differing.set(key, (differing.get(key) ?? new Set()).add(formatValue(value)));
    }
  }
  return [...differing].map(([key, values]) => `${key} ${[...values].join(", ")} (article ${formatValue(reference[key])})`);
}

export interface TableRequest {
  experiment: string;
  /** The metrics of the metric tables; by default the experiment's headline metric (accuracy on archive problems, else F1). */
  metrics?: MetricName[];
  format: TableFormat;
  markSignificant: boolean;
  /** The reference's table (default for the experiment named `paper`). */
  paper: boolean;
  /** Conditional on learning: count only the runs that learned (by default every completed run counts). */
  learnedOnly?: boolean;
  /** LaTeX scaled to the text width. */
  latexResize?: boolean;
  /** The published archive accuracies, read only when the experiment is on archive problems (null: none). */
  published?: () => PublishedAccuracy | null;
}

/** The paper-style table(s) of an experiment, rendered. */
export async function tableText(store: Store, request: TableRequest): Promise<string> {
  const results = await store.experimentResults(request.experiment);
  if (results === null) throw await noExperimentError(store, request.experiment);
  return renderTables(results, request);
}

/**
 * The tables of stored results: the metric tables (or the reference's), the ablation's, a sequential
 * experiment's comparisons (verdict, look, mean difference), and for a tuned
 * experiment the configuration chosen for each model and the grid of trials (its evaluation runs alone make
 * the other tables; the trial runs only these).
 */
export function renderTables(results: ExperimentResults, request: Omit<TableRequest, "experiment">): string {
  const learnedOnly = request.learnedOnly ?? false;
  const metrics = request.metrics ?? [headlineMetricOf(results)];
  // On archive problems the accuracy table is the per-problem one, with the published figures and the mean rank.
  const archive = onArchive(results) ? buildArchiveTables(results, request.published?.() ?? null, { learnedOnly }) : [];
  const metricTables = archive.length > 0 ? metrics.filter((m) => m !== "accuracy") : metrics;
  const tables: TableModel[] = [
    ...(request.paper
      ? [paperTable(results, learnedOnly)]
      : [
          ...archive,
          ...(metricTables.length === 0
            ? []
            : buildMetricTable(results, { metrics: metricTables, markSignificant: request.markSignificant, learnedOnly })),
          // An ablation (a model.* axis or named variants): each level against the reference, per metric.
          ...metrics.flatMap((metric) => {
            const ablation = ablationOf(results, metric, { learnedOnly });
            return ablation === null ? [] : [buildAblationTable(ablation)];
          }),
        ]),
    // A sequential experiment's verdicts: each comparison as its looks decided it.
    ...buildSequentialTables(results),
    ...buildTuningTables(results),
  ];
  const render = { md: toMarkdown, latex: (t: TableModel) => toLatex(t, { resize: request.latexResize ?? false }), csv: toCsv }[
    request.format
  ];
  if (request.format === "csv") {
    // One header for all tables: later tables drop theirs.
    return tables.map((t, i) => (i === 0 ? render(t) : render(t).split("\n").slice(1).join("\n"))).join("");
  }
  return tables.map(render).join("\n");
}

/** The reference's table; its title says so when the experiment's data is not the article's. */
function paperTable(results: ExperimentResults, learnedOnly: boolean): TableModel {
  const table = buildPaperTable(results, 4, { learnedOnly });
  const differences = setupDifferences(results);
  return differences.length === 0 ? table : { ...table, title: `${table.title} (not the article's setup: ${differences.join("; ")})` };
}

export const tableCommand: CommandModule<GlobalOptions, TableArgs> = {
  command: "table <experiment>",
  describe: "Paper-style table: mean ± std over seeds per sweep point and model (Markdown, LaTeX, CSV)",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("experiment", { type: "string", demandOption: true, describe: "experiment name (as in its YAML)" })
      .option("metric", {
        type: "string",
        array: true,
        requiresArg: true,
        coerce: metricNames,
        describe: `one or more of ${Object.keys(METRIC_NAMES).join(", ")} (default: accuracy on archive problems, else f1)`,
      })
      .option("format", { choices: TABLE_FORMATS, default: "md" as const, describe: "md, latex (needs booktabs) or csv" })
      .option("latex-resize", {
        type: "boolean",
        default: false,
        describe: "LaTeX: scale each table to the text width (\\resizebox, needs graphicx)",
      })
      .option("out", { alias: "o", type: "string", describe: "write to this file instead of the terminal" })
      .option("mark-significant", {
        type: "boolean",
        default: true,
        describe: "mark a best clearly ahead of the runner-up (paired t over seeds)",
      })
      .option("paper", { type: "boolean", describe: "the reference's table with its published row (default for 'paper')" })
      .option("learned-only", {
        type: "boolean",
        default: false,
        describe: "conditional on learning: leave out runs that did not learn (by default every completed run counts)",
      }) as unknown as Argv<TableArgs>,
  handler: async (argv: ArgumentsCamelCase<TableArgs>) => {
    const store = await openStore(storeLocation(argv), { readonly: true });
    try {
      const text = await tableText(store, {
        experiment: argv.experiment,
        metrics: argv.metric,
        format: argv.format,
        markSignificant: argv.markSignificant,
        paper: argv.paper ?? argv.experiment === "paper",
        learnedOnly: argv.learnedOnly,
        latexResize: argv.latexResize,
        published: () => readPublishedAccuracy(),
      });
      writeOutput(text, argv.out);
    } finally {
      await store.close();
    }
  },
};
