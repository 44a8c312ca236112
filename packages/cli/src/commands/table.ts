import { UserInputError } from "@tsa/errors";
import { ablationOf, buildAblationTable, buildMetricTable, buildPaperTable, METRICS, toCsv, toLatex, toMarkdown, type MetricName, type TableModel } from "@tsa/report/tables";
import { openStore, type Store } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { writeOutput } from "../format/output.js";
import { dbPath } from "../paths.js";
import type { GlobalOptions } from "../main.js";

const TABLE_FORMATS = ["md", "latex", "csv"] as const;
type TableFormat = (typeof TABLE_FORMATS)[number];

interface TableArgs extends GlobalOptions {
  experiment: string;
  metric: MetricName[];
  format: TableFormat;
  out?: string;
  markSignificant: boolean;
  paper?: boolean;
  learnedOnly: boolean;
}

export interface TableRequest {
  experiment: string;
  metrics: MetricName[];
  format: TableFormat;
  markSignificant: boolean;
  /** The reference's table (default for the experiment named `paper`). */
  paper: boolean;
  /** Conditional on learning: count only the runs that learned (by default every completed run counts). */
  learnedOnly?: boolean;
}

/** The paper-style table(s) of an experiment, rendered. */
export function tableText(store: Store, request: TableRequest): string {
  const results = store.experimentResults(request.experiment);
  if (results === null) throw new UserInputError(`no experiment '${request.experiment}' in the database; known: ${store.listExperiments().map((e) => e.name).join(", ") || "none"}`);
  const learnedOnly = request.learnedOnly ?? false;
  const tables: TableModel[] = request.paper
    ? [buildPaperTable(results, 4, { learnedOnly })]
    : [
        ...buildMetricTable(results, { metrics: request.metrics, markSignificant: request.markSignificant, learnedOnly }),
        // An ablation (a model.* axis or named variants): each level against the reference, per metric.
        ...request.metrics.flatMap((metric) => {
          const ablation = ablationOf(results, metric, { learnedOnly });
          return ablation === null ? [] : [buildAblationTable(ablation)];
        }),
      ];
  const render = { md: toMarkdown, latex: toLatex, csv: toCsv }[request.format];
  if (request.format === "csv") {
    // One header for all tables: later tables drop theirs.
    return tables.map((t, i) => (i === 0 ? render(t) : render(t).split("\n").slice(1).join("\n"))).join("");
  }
  return tables.map(render).join("\n");
}

export const tableCommand: CommandModule<GlobalOptions, TableArgs> = {
  command: "table <experiment>",
  describe: "Paper-style table: mean ± std over seeds per sweep point and model (Markdown, LaTeX, CSV)",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("experiment", { type: "string", demandOption: true })
      .option("metric", { type: "string", array: true, choices: Object.keys(METRICS) as MetricName[], default: ["f1"] as MetricName[], describe: "one or more metrics" })
      .option("format", { choices: TABLE_FORMATS, default: "md" as const })
      .option("out", { alias: "o", type: "string", describe: "write to this file instead of the terminal" })
      .option("mark-significant", { type: "boolean", default: true, describe: "mark a best clearly ahead of the runner-up (paired t over seeds)" })
      .option("paper", { type: "boolean", describe: "the reference's table with its published row (default for 'paper')" })
      .option("learned-only", { type: "boolean", default: false, describe: "conditional on learning: leave out runs that did not learn (by default every completed run counts)" }) as unknown as Argv<TableArgs>,
  handler: (argv: ArgumentsCamelCase<TableArgs>) => {
    const store = openStore(dbPath(argv), { readonly: true });
    try {
      const text = tableText(store, {
        experiment: argv.experiment,
        metrics: argv.metric,
        format: argv.format,
        markSignificant: argv.markSignificant,
        paper: argv.paper ?? argv.experiment === "paper",
        learnedOnly: argv.learnedOnly,
      });
      writeOutput(text, argv.out);
    } finally {
      store.close();
    }
  },
};
