import { UserInputError } from "@tsa/errors";
import { ModelSpecSchema, describeSpec } from "@tsa/models/config";
import { formatPoint } from "@tsa/report/tables";
import { openStore, type RunResult, type Store } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { OUT_OPTION, writeOutput } from "../format/output.js";
import { textTable } from "../format/text-table.js";
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

const f4 = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? "–" : v.toFixed(4));

/** ` (bilstm→last)`: the run's recorded parts; "" for runs recorded before models had parts. */
function partsText(run: RunResult): string {
  const parts = ModelSpecSchema.safeParse((run.config as { parts?: unknown } | null)?.parts);
  return parts.success ? ` (${describeSpec(parts.data)})` : "";
}

export function showRunText(run: RunResult): string {
  const point = pointText(run);
  const metrics = (["val", "test"] as const).flatMap((split) => {
    const m = run[split];
    return m === null
      ? []
      : [
          [
            split,
            f4(m.accuracy),
            f4(m.precision),
            f4(m.recall),
            f4(m.f1),
            f4(m.rocAuc),
            f4(m.rocAucThresholded),
            `${m.tn}/${m.fp}/${m.fn}/${m.tp}`,
            f4(m.attentionMassInWindow),
            f4(m.attentionPeakInWindow),
          ],
        ];
  });
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
    metrics.length === 0
      ? "  (none yet)"
      : [
          textTable(
            ["split", "accuracy", "precision", "recall", "F1", "ROC AUC", "AUC (thr.)"],
            metrics.map((m) => m.slice(0, 7)),
          ),
          "",
          textTable(
            ["split", "tn/fp/fn/tp", "att. mass", "att. peak"],
            metrics.map((m) => [m[0]!, ...m.slice(7)]),
          ),
        ].join("\n"),
    "",
    `epochs  val loss ${sparkline(run.epochs.map((e) => e.valLoss))}`,
    run.epochs.length === 0 ? "  (none)" : textTable(["epoch", "train loss", "val loss", "train acc", "val acc", "seconds", ""], epochs),
    "",
    "config",
    JSON.stringify(run.config, null, 2),
  ];
  return lines.join("\n");
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
      writeOutput(`${argv.json ? JSON.stringify(run, null, 2) : showRunText(run)}\n`, argv.out);
    } finally {
      await store.close();
    }
  },
};
