import { UserInputError } from "@tsa/errors";
import { ModelSpecSchema, describeSpec } from "@tsa/models/config";
import { SELECT_TEXT, choiceText, formatPoint, tuningRecord } from "@tsa/report/tables";
import { METRIC_CATALOGUE, SPLITS, openStore, type RunResult, type Store } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { OUT_OPTION, writeOutput } from "../format/output.js";
import { textTable } from "../format/text-table.js";
import { flag, metricsByName } from "../names.js";
import { storeLocation } from "../paths.js";
import type { GlobalOptions } from "../options.js";

interface ShowArgs extends GlobalOptions {
  id: string;
  json: boolean;
  out?: string;
}

/** Runs an ambiguous prefix lists. */
const SHOWN_MATCHES = 10;

const pointText = (run: RunResult) => formatPoint(run.point, { fullKeys: true }) || "(no sweep)";

/** The one run an id prefix names, like git: none or several is an error that lists what matched. */
export async function resolveRun(store: Store, prefix: string): Promise<RunResult> {
  if (prefix.trim() === "") throw new UserInputError("expected a run id or the first characters of one (see ./tsa runs)");
  const { runs: matches, total } = await store.findRunsByPrefix(prefix, SHOWN_MATCHES);
  if (total === 0) throw new UserInputError(`no run id starts with '${prefix}' (see ./tsa runs)`);
  // A whole id sorts before the longer ids it is a prefix of, so it is among the runs read.
  const exact = matches.find((r) => r.id === prefix);
  if (exact !== undefined) return exact;
  if (total > 1) {
    const list = matches.map((r) => `  ${r.id}  ${r.experiment} ${r.model} seed ${r.seed} ${pointText(r)}`).join("\n");
    const more = total > matches.length ? `\n  … and ${total - matches.length} more` : "";
    throw new UserInputError(`run id prefix '${prefix}' is ambiguous; it matches ${total} runs, type more of the id:\n${list}${more}`);
  }
  return matches[0]!;
}

const SPARKS = "▁▂▃▄▅▆▇█";
/** A one-line chart of a series (low = ▁, high = █). */
export function sparkline(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return values
    .map((v) => (Number.isFinite(v) ? SPARKS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (SPARKS.length - 1))] : " "))
    .join("");
}

/** Every score of the store's metric catalogue, in its order; the counts are shown as one confusion cell. */
const SHOWN_SCORES = METRIC_CATALOGUE.filter((m) => m.kind === "score");

const f4 = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(4));

/** ` (bilstm→last)`: the run's recorded parts; "" for runs recorded before models had parts. */
function partsText(run: RunResult): string {
  const parts = ModelSpecSchema.safeParse((run.config as { parts?: unknown } | null)?.parts);
  return parts.success ? ` (${describeSpec(parts.data)})` : "";
}

/** A terminal's width: every line of `show` stays within it. */
const WIDTH = 80;

/**
 * The metrics of each split, as tables of as many columns as fit in 80 characters: every score of the
 * catalogue, then the confusion counts.
 */
function metricTables(run: RunResult): string {
  const splits = SPLITS.flatMap((split) => (run[split] === null ? [] : [{ split, m: run[split]! }]));
  if (splits.length === 0) return "  (none yet)";
  const columns = [
    ...SHOWN_SCORES.map((s) => ({ label: s.label, cells: splits.map(({ m }) => f4(m[s.field])) })),
    // A problem of more than two classes has no single positive class: no confusion counts (stored as null).
    { label: "tn/fp/fn/tp", cells: splits.map(({ m }) => (Number.isFinite(m.tp) ? `${m.tn}/${m.fp}/${m.fn}/${m.tp}` : "–")) },
  ];
  const widthOf = (c: { label: string; cells: string[] }) => Math.max(c.label.length, ...c.cells.map((x) => x.length)) + 2;
  const first = Math.max(5, ...splits.map((s) => s.split.length)) + 2;
  const groups: (typeof columns)[] = [[]];
  let used = first;
  for (const column of columns) {
    if (used + widthOf(column) > WIDTH && groups.at(-1)!.length > 0) {
      groups.push([]);
      used = first;
    }
    groups.at(-1)!.push(column);
    used += widthOf(column);
  }
  return groups
    .map((group) =>
      textTable(
        ["split", ...group.map((c) => c.label)],
        splits.map(({ split }, i) => [split, ...group.map((c) => c.cells[i]!)]),
      ),
    )
    .join("\n\n");
}

/**
 * A tuned experiment's run: which trial it is, or for an evaluation run which trial was chosen, on what
 * validation score, out of how many trials; nothing for an untuned experiment's run.
 */
function tuningLines(run: RunResult): string[] {
  const record = tuningRecord(run);
  if (record === null) return [];
  const choice = choiceText(record.choice) || "(no tuned key)";
  if (record.role === "trial") return [`tuning trial ${record.trial} on a tuning seed: ${choice}`];
  const scored = record.scores.filter((s) => s !== null).length;
  const trials = `${record.scores.length} trials${scored < record.scores.length ? `, ${scored} scored` : ""}`;
  return [
    `tuning chosen trial ${record.trial} on an evaluation seed: ${choice}`,
    `chosen on ${SELECT_TEXT[record.select]} ${f4(record.score)} (the best of ${trials}; budget ${record.budget})`,
  ];
}

export function showRunText(run: RunResult): string {
  const point = pointText(run);
  const epochs = run.epochs.map((e) => [
    String(e.epoch),
    f4(e.trainLoss),
    f4(e.valLoss),
    f4(e.trainAccuracy),
    f4(e.valAccuracy),
    (e.durationMs / 1000).toFixed(2),
    e.epoch === run.bestEpoch ? "best" : "",
  ]);
  // One fact a line, each within 80 columns: a terminal (or a phone's) cuts or wraps longer ones.
  const lines = [
    `run ${run.id}`,
    `experiment ${run.experiment} · model ${run.model} · seed ${run.seed}`,
    ...(partsText(run) === ""
      ? []
      : [
          `parts ${partsText(run)
            .trim()
            .replace(/^\((.*)\)$/, "$1")}`,
        ]),
    `point ${point}`,
    ...tuningLines(run),
    `status ${run.status}${run.didNotLearn ? " (did not learn)" : ""}${run.error ? `: ${run.error}${run.failedEpoch !== null ? ` (epoch ${run.failedEpoch})` : ""}` : ""}`,
    `epochs ${run.epochsRun ?? "–"} (best ${run.bestEpoch ?? "–"}${run.stoppedEarly ? ", stopped early" : ""}) · duration ${run.durationMs === null ? "–" : `${(run.durationMs / 1000).toFixed(1)} s`}` +
      `${run.trainDurationMs === null ? "" : ` (training ${(run.trainDurationMs / 1000).toFixed(1)} s)`}`,
    `started ${run.startedAt ?? "–"} · finished ${run.finishedAt ?? "–"}`,
    `environment: backend ${run.backend || "–"}, kernels ${run.kernels || "–"}`,
    `commit ${run.gitCommit ?? "–"}`,
    `versions: ${Object.entries(run.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    "",
    "metrics",
    metricTables(run),
    "",
    `epochs  val loss ${sparkline(run.epochs.map((e) => e.valLoss))}`,
    run.epochs.length === 0 ? "  (none)" : textTable(["epoch", "train loss", "val loss", "train acc", "val acc", "seconds", ""], epochs),
    "",
    "config",
    JSON.stringify(run.config, null, 2),
  ];
  return lines.join("\n");
}

/** The run as JSON, every key spelled as run_summary and export spell it (snake_case), flags as 0/1. */
export function showRunJson(run: RunResult): Record<string, unknown> {
  return {
    id: run.id,
    experiment: run.experiment,
    model: run.model,
    seed: run.seed,
    point: run.point,
    status: run.status,
    did_not_learn: flag(run.didNotLearn),
    error: run.error,
    failed_epoch: run.failedEpoch,
    epochs_run: run.epochsRun,
    best_epoch: run.bestEpoch,
    stopped_early: flag(run.stoppedEarly),
    duration_ms: run.durationMs,
    train_duration_ms: run.trainDurationMs,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    backend: run.backend,
    kernels: run.kernels,
    git_commit: run.gitCommit,
    versions: run.versions,
    // A tuned experiment's run only: its role, trial and choice (and for an evaluation how it was chosen).
    ...(tuningRecord(run) === null ? {} : { tuning: tuningRecord(run) }),
    ...Object.fromEntries(SPLITS.map((split) => [split, run[split] === null ? null : metricsByName(run[split])])),
    epochs: run.epochs.map((e) => ({
      epoch: e.epoch,
      train_loss: e.trainLoss,
      val_loss: e.valLoss,
      train_accuracy: e.trainAccuracy,
      val_accuracy: e.valAccuracy,
      duration_ms: e.durationMs,
    })),
    attention: run.attention.map((a) => ({
      series_index: a.seriesIndex,
      label: a.label,
      window: a.window,
      signal: a.signal,
      weights: a.weights,
    })),
    config: run.config,
  };
}

export const showCommand: CommandModule<GlobalOptions, ShowArgs> = {
  command: "show <id>",
  describe: "Show one run: config, metrics, per-epoch curve, timings, environment (id prefix like git)",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("id", { type: "string", demandOption: true, describe: "run id or unambiguous prefix" })
      .option("json", { type: "boolean", default: false, describe: "the run as JSON" })
      .option("out", OUT_OPTION) as Argv<ShowArgs>,
  handler: async (argv: ArgumentsCamelCase<ShowArgs>) => {
    const store = await openStore(storeLocation(argv), { readonly: true });
    try {
      const run = await resolveRun(store, String(argv.id));
      writeOutput(`${argv.json ? JSON.stringify(showRunJson(run), null, 2) : showRunText(run)}\n`, argv.out);
    } finally {
      await store.close();
    }
  },
};
