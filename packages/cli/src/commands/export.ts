import { tuningRecord } from "@tsa/report/tables";
import { openStore, type MetricField, type RunResult, type Store } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { formatRows, OUT_OPTION, ROWS_FORMAT_OPTIONS, type OutputFormat, writeOutput } from "../format/output.js";
import { noExperimentError } from "../messages.js";
import { flag, splitColumn } from "../names.js";
import { storeLocation } from "../paths.js";
import type { GlobalOptions } from "../options.js";

interface ExportArgs extends GlobalOptions {
  experiment: string;
  format: OutputFormat;
  out?: string;
}

/** Nested objects become dotted columns (`data.length`); arrays stay values (JSON in CSV). */
function flatten(value: unknown, prefix: string, out: Record<string, unknown>): Record<string, unknown> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === "" ? k : `${prefix}.${k}`, out);
  } else out[prefix] = value;
  return out;
}

/**
 * A tuned experiment's run: `role` (trial or evaluation, as `runs --where role=` takes it) and `trial`; an
 * evaluation run adds how its trial was chosen (`selected_on`, `selection_score`, `budget`). The trial's values
 * are the config columns. None for an untuned experiment's run, so its export is as it always was.
 */
function tuningColumns(run: RunResult): Record<string, unknown> {
  const record = tuningRecord(run);
  if (record === null) return {};
  const chosen = record.role === "evaluation" ? { selected_on: record.select, selection_score: record.score, budget: record.budget } : {};
  return { role: record.role, trial: record.trial, ...chosen };
}

/** One flat record per run: identity, status, every resolved config key, val and test metrics, timings. */
export function exportRecord(run: RunResult): Record<string, unknown> {
  const { data, train, parts } = (run.config ?? {}) as { data?: unknown; train?: unknown; parts?: unknown };
  const record: Record<string, unknown> = {
    id: run.id,
    experiment: run.experiment,
    model: run.model,
    seed: run.seed,
    status: run.status,
    did_not_learn: flag(run.didNotLearn),
    error: run.error,
    ...tuningColumns(run),
  };
  // Parts as `model.pooling` etc., the keys `runs --where` takes (absent for runs recorded before parts).
  flatten({ data, train, ...(parts === undefined ? {} : { model: parts }) }, "", record);
  for (const split of ["test", "val"] as const) {
    const m = run[split];
    // Named as in the run_summary view (`test_roc_auc`), so one name works in SQL, pandas and R.
    if (m !== null) for (const [k, v] of Object.entries(m)) record[splitColumn(split, k as MetricField)] = v;
  }
  Object.assign(record, {
    epochs_run: run.epochsRun,
    best_epoch: run.bestEpoch,
    stopped_early: flag(run.stoppedEarly),
    duration_ms: run.durationMs,
    train_duration_ms: run.trainDurationMs,
    backend: run.backend,
    kernels: run.kernels,
    git_commit: run.gitCommit,
    started_at: run.startedAt,
  });
  return record;
}

export async function exportText(store: Store, experiment: string, format: OutputFormat): Promise<string> {
  const results = await store.experimentResults(experiment);
  if (results === null) throw await noExperimentError(store, experiment);
  const records = results.runs.map(exportRecord);
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))].map((header) => ({
    header,
    raw: (r: Record<string, unknown>) => r[header],
  }));
  const text = formatRows(records, columns, format);
  return text === "" ? "" : `${text}\n`;
}

export const exportCommand: CommandModule<GlobalOptions, ExportArgs> = {
  command: "export <experiment>",
  describe: "Every run of an experiment with its config flattened to columns (CSV or JSON lines) for pandas or R",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("experiment", { type: "string", demandOption: true, describe: "experiment name (as in its YAML)" })
      .option("format", { ...ROWS_FORMAT_OPTIONS.format, default: "csv" as const, describe: "csv (the default), jsonl, json, md or table" })
      .option("out", OUT_OPTION) as Argv<ExportArgs>,
  handler: async (argv: ArgumentsCamelCase<ExportArgs>) => {
    const store = await openStore(storeLocation(argv), { readonly: true });
    try {
      const text = await exportText(store, argv.experiment, argv.format);
      writeOutput(text, argv.out);
    } finally {
      await store.close();
    }
  },
};
