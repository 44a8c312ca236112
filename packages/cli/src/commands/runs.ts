import { UserInputError } from "@tsa/errors";
import { formatPoint } from "@tsa/report/tables";
import { openStore, parseWhere, RUN_STATUSES, type RunFilter, type RunResult, type RunStatus, type Store } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { FORMATS, formatRows, outputFormat, type Column, type OutputFormat } from "../format/output.js";
import { dbPath } from "../paths.js";
import type { GlobalOptions } from "../main.js";

interface RunsArgs extends GlobalOptions {
  experiment?: string;
  model?: string;
  status?: RunStatus;
  seed?: number;
  where?: string[];
  sort?: string;
  desc: boolean;
  limit?: number;
  format?: OutputFormat;
  json: boolean;
}

export const RUN_COLUMNS: Array<Column<RunResult>> = [
  { header: "id", raw: (r) => r.id, text: (r) => r.id.slice(0, 10) },
  { header: "experiment", raw: (r) => r.experiment },
  { header: "model", raw: (r) => r.model },
  { header: "point", raw: (r) => r.point, text: (r) => formatPoint(r.point) || "–" },
  { header: "seed", raw: (r) => r.seed },
  { header: "status", raw: (r) => r.status, text: (r) => (r.didNotLearn ? "did not learn" : r.status) },
  { header: "did_not_learn", raw: (r) => r.didNotLearn, rawOnly: true },
  { header: "test_f1", raw: (r) => r.test?.f1 ?? null },
  { header: "test_accuracy", raw: (r) => r.test?.accuracy ?? null },
  { header: "epochs", raw: (r) => r.epochsRun },
  { header: "duration_s", raw: (r) => (r.durationMs === null ? null : r.durationMs / 1000), text: (r) => (r.durationMs === null ? "–" : (r.durationMs / 1000).toFixed(1)) },
];

/** The runs a filter selects, formatted. */
export function listRunsText(store: Store, filter: RunFilter, format: OutputFormat): string {
  return formatRows(store.listRuns(filter), RUN_COLUMNS, format);
}

export const runsCommand: CommandModule<GlobalOptions, RunsArgs> = {
  command: "runs",
  describe: "List runs, filtered by experiment, model, status, seed or any config key",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option("experiment", { alias: "e", type: "string" })
      .option("model", { alias: "m", type: "string" })
      .option("status", { choices: RUN_STATUSES })
      .option("seed", { type: "number" })
      .option("where", { alias: "w", type: "string", array: true, describe: "key=value (or !=, <, <=, >, >=) on a config key, sweep key or metric, e.g. data.length=[0.1,0.2]" })
      .option("sort", { type: "string", describe: "key to sort by, e.g. f1 or data.noise" })
      .option("desc", { type: "boolean", default: false })
      .option("limit", { type: "number" })
      .option("format", { choices: FORMATS })
      .option("json", { type: "boolean", default: false }) as Argv<RunsArgs>,
  handler: (argv: ArgumentsCamelCase<RunsArgs>) => {
    if (argv.limit !== undefined && !(argv.limit >= 0)) throw new UserInputError(`--limit: expected a number >= 0, got ${argv.limit}`);
    if (argv.seed !== undefined && !Number.isInteger(argv.seed)) throw new UserInputError(`--seed: expected an integer, got ${argv.seed}`);
    const store = openStore(dbPath(argv), { readonly: true });
    try {
      const filter: RunFilter = {
        ...(argv.experiment === undefined ? {} : { experiment: argv.experiment }),
        ...(argv.model === undefined ? {} : { model: argv.model }),
        ...(argv.status === undefined ? {} : { status: argv.status }),
        ...(argv.seed === undefined ? {} : { seed: argv.seed }),
        where: (argv.where ?? []).map(parseWhere),
        ...(argv.sort === undefined ? {} : { sort: argv.sort }),
        descending: argv.desc,
        ...(argv.limit === undefined ? {} : { limit: argv.limit }),
      };
      console.log(listRunsText(store, filter, outputFormat(argv)));
    } finally {
      store.close();
    }
  },
};
