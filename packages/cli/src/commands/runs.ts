import { UserInputError } from "@tsa/errors";
import { formatPoint, roleText, tuningRecord } from "@tsa/report/tables";
import {
  openStore,
  parseWhere,
  RUN_STATUSES,
  type RunFilter,
  type RunResult,
  type RunStatus,
  type Store,
  type WhereCondition,
} from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import {
  fitColumns,
  formatRows,
  OUT_OPTION,
  pickColumns,
  outputFormat,
  ROWS_FORMAT_OPTIONS,
  type Column,
  type OutputFormat,
  writeOutput,
} from "../format/output.js";
import { noExperimentError } from "../messages.js";
import { canonicalMetric, flag } from "../names.js";
import { integerAtLeast, nearest } from "../options.js";
import { storeLocation } from "../paths.js";
import { validKeys } from "../query-keys.js";
import type { GlobalOptions } from "../options.js";

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
  out?: string;
  columns?: string;
}

/** Left out first when a terminal is too narrow for every column (`--columns` or a pipe shows them). */
const DROPPED_FIRST = ["test_accuracy", "duration_s", "epochs", "experiment", "seed", "point"];

/**
 * The columns to print: --columns (checked before the database opens), else on a terminal those that fit
 * its width, else (piped, --out, or not a table) all.
 */
function columnsFor(runs: RunResult[], picked: Array<Column<RunResult>> | undefined, toTerminal: boolean, format: OutputFormat) {
  if (picked !== undefined) return picked;
  const columns = runColumns(runs);
  if (format !== "table" || !toTerminal) return columns;
  return fitColumns(runs, columns, process.stdout.columns, DROPPED_FIRST);
}

/** A key as the store knows it: metric aliases (`test_f1`, `rocAuc`) become `f1`, `roc_auc`; unknown → error with the nearest. */
function storeKey(flag: string, key: string): string {
  const keys = validKeys();
  if (keys.includes(key)) return key;
  const metric = canonicalMetric(key);
  if (keys.includes(metric)) return metric;
  const near = nearest(key, keys);
  throw new UserInputError(
    `--${flag}: unknown key '${key}'; valid keys: ${keys.join(", ")}${near === undefined ? "" : `; did you mean '${near}'?`}`,
  );
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:e[-+]?\d+)?`;
/** A range as `runs` prints it (`0.15–0.3`, or with a hyphen), read as the JSON the store holds. */
const RANGE = new RegExp(`^(${NUMBER})\\s*[–-]\\s*(${NUMBER})$`, "i");

/** `--where key<op>value`, its key checked and its value not starting with another operator (`f1>>0.9`). */
export function parseCondition(text: string): WhereCondition {
  const condition = parseWhere(text);
  if (/^[<>=!]/.test(condition.value) || condition.value === "") {
    throw new UserInputError(`--where: expected key<op>value with one of = != < <= > >= and a value, got '${text}'`);
  }
  const range = RANGE.exec(condition.value);
  const value = range === null ? condition.value : `[${Number(range[1])},${Number(range[2])}]`;
  return { ...condition, key: storeKey("where", condition.key), value };
}

/** Why `--where key=number` matched nothing when the key holds ranges ([min, max]) in the runs selected. */
async function rangeHint(store: Store, filter: RunFilter): Promise<string | null> {
  for (const c of filter.where ?? []) {
    if (c.op !== "=" || !/^-?[\d.]+$/.test(c.value)) continue;
    const sample = await store.listRuns({ ...filter, where: [], limit: 50 });
    const range = sample.map((r) => r.point[c.key]).find(Array.isArray);
    if (range !== undefined) return `no runs match; ${c.key} is a range, write ${c.key}=[min,max] (e.g. ${c.key}=${JSON.stringify(range)})`;
  }
  return null;
}

/**
 * A tuned experiment's run: `trial 3` (trial 3 on a tuning seed) or `chosen 3` (the chosen trial 3 on an
 * evaluation seed); as data, the role (`trial`, `evaluation`, the values `--where role=` takes) and the trial.
 */
export const TUNING_COLUMNS: Array<Column<RunResult>> = [
  {
    header: "role",
    raw: (r) => tuningRecord(r)?.role ?? null,
    text: roleText,
  },
  { header: "trial", raw: (r) => tuningRecord(r)?.trial ?? null, rawOnly: true },
];

/** The columns of a listing: the role columns after the seed when a listed run is a tuned experiment's, else as ever. */
export function runColumns(runs: readonly RunResult[]): Array<Column<RunResult>> {
  if (!runs.some((r) => tuningRecord(r) !== null)) return RUN_COLUMNS;
  const seed = RUN_COLUMNS.findIndex((c) => c.header === "seed");
  return [...RUN_COLUMNS.slice(0, seed + 1), ...TUNING_COLUMNS, ...RUN_COLUMNS.slice(seed + 1)];
}

export const RUN_COLUMNS: Array<Column<RunResult>> = [
  { header: "id", raw: (r) => r.id, text: (r) => r.id.slice(0, 10) },
  { header: "experiment", raw: (r) => r.experiment },
  { header: "model", raw: (r) => r.model },
  { header: "point", raw: (r) => r.point, text: (r) => formatPoint(r.point) || "–" },
  { header: "seed", raw: (r) => r.seed },
  { header: "status", raw: (r) => r.status, text: (r) => (r.didNotLearn ? "did not learn" : r.status) },
  { header: "did_not_learn", raw: (r) => flag(r.didNotLearn), rawOnly: true },
  { header: "test_f1", raw: (r) => r.test?.f1 ?? null },
  { header: "test_accuracy", raw: (r) => r.test?.accuracy ?? null },
  { header: "epochs", raw: (r) => r.epochsRun },
  {
    header: "duration_s",
    raw: (r) => (r.durationMs === null ? null : r.durationMs / 1000),
    text: (r) => (r.durationMs === null ? "–" : (r.durationMs / 1000).toFixed(1)),
  },
];

export const runsCommand: CommandModule<GlobalOptions, RunsArgs> = {
  command: "runs",
  describe: "List runs, filtered by experiment, model, status, seed or any config key",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option("experiment", { alias: "e", type: "string", requiresArg: true, describe: "only this experiment's runs" })
      .option("model", {
        alias: "m",
        type: "string",
        requiresArg: true,
        describe: "only this model's runs (ffn, cnn, bilstm, bilstm-attention)",
      })
      .option("status", { choices: RUN_STATUSES, describe: "only runs in this state" })
      .option("seed", { requiresArg: true, coerce: integerAtLeast("seed", 0), describe: "only runs with this seed (an integer)" })
      .option("where", {
        alias: "w",
        type: "string",
        array: true,
        requiresArg: true,
        describe:
          "key=value (or !=, <, <=, >, >=) on a config key, sweep key or metric, e.g. data.length=[0.1,0.2], roc_auc>=0.9 or role=trial (a tuned experiment's trial runs; role=evaluation its verdict's); repeatable, all must hold",
      })
      .option("sort", { type: "string", requiresArg: true, describe: "key to sort by, e.g. f1 or data.noise" })
      .option("desc", { type: "boolean", default: false, describe: "sort in descending order" })
      .option("limit", { requiresArg: true, coerce: integerAtLeast("limit", 0), describe: "at most this many runs" })
      .options(ROWS_FORMAT_OPTIONS)
      .option("out", OUT_OPTION)
      .option("columns", {
        type: "string",
        requiresArg: true,
        describe: `columns to print, comma-separated (default: those that fit the terminal; all when piped): ${[...RUN_COLUMNS, ...TUNING_COLUMNS].map((c) => c.header).join(", ")} (role, trial: a tuned experiment's runs)`,
      }) as Argv<RunsArgs>,
  handler: async (argv: ArgumentsCamelCase<RunsArgs>) => {
    // Every flag is checked before the database is opened.
    const where = (argv.where ?? []).map(parseCondition);
    const sort = argv.sort === undefined ? undefined : storeKey("sort", argv.sort);
    const picked = argv.columns === undefined ? undefined : pickColumns([...RUN_COLUMNS, ...TUNING_COLUMNS], argv.columns);
    const store = await openStore(storeLocation(argv), { readonly: true });
    try {
      if (argv.experiment !== undefined && !(await store.listExperiments()).some((x) => x.name === argv.experiment))
        throw await noExperimentError(store, argv.experiment);
      const filter: RunFilter = {
        ...(argv.experiment === undefined ? {} : { experiment: argv.experiment }),
        ...(argv.model === undefined ? {} : { model: argv.model }),
        ...(argv.status === undefined ? {} : { status: argv.status }),
        ...(argv.seed === undefined ? {} : { seed: argv.seed }),
        where,
        ...(sort === undefined ? {} : { sort }),
        descending: argv.desc,
        ...(argv.limit === undefined ? {} : { limit: argv.limit }),
      };
      const runs = await store.listRuns(filter);
      const hint = runs.length === 0 ? await rangeHint(store, filter) : null;
      if (hint !== null) process.stderr.write(`note: ${hint}\n`);
      const format = outputFormat(argv);
      const columns = columnsFor(runs, picked, argv.out === undefined && process.stdout.isTTY, format);
      writeOutput(`${formatRows(runs, columns, format)}\n`, argv.out);
    } finally {
      await store.close();
    }
  },
};
