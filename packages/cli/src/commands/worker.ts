import { EXIT_INTERRUPTED, UserInputError } from "@tsa/errors";
import type { BackendName } from "@tsa/models";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import type { GlobalOptions } from "../options.js";
import { integerAtLeast } from "../options.js";
import { noExperimentError } from "../messages.js";
import { checkBackend, checkQueueEnvironment } from "../environment.js";
import { isDatabaseUrl, shownLocation, storeLocation } from "../paths.js";

interface WorkerArgs extends GlobalOptions {
  experiment?: string;
  concurrency?: number;
  wait: boolean;
  backend: BackendName | "auto";
  dryRun: boolean;
}

export const workerCommand: CommandModule<GlobalOptions, WorkerArgs> = {
  command: "worker",
  describe: "Take queued runs from a shared PostgreSQL store (--db postgres://…) and train them, on this machine",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option("experiment", { type: "string", requiresArg: true, describe: "only this experiment's runs (default: any)" })
      .option("concurrency", {
        alias: "j",
        requiresArg: true,
        coerce: integerAtLeast("concurrency", 1),
        describe: "runs at once, each in its own worker process (default: CPU cores)",
      })
      .option("dry-run", {
        type: "boolean",
        default: false,
        describe: "check the flags and environment and say what the worker would do; connect to nothing",
      })
      .option("wait", { type: "boolean", default: false, describe: "keep polling for new runs instead of exiting when none is left" })
      .option("backend", {
        choices: ["auto", "wasm", "cpu", "tensorflow"] as const,
        default: "auto" as const,
        describe: "tfjs backend (auto: tfjs-node if installed, else wasm)",
      }) as unknown as Argv<WorkerArgs>,
  handler: async (argv: ArgumentsCamelCase<WorkerArgs>) => {
    const db = storeLocation(argv);
    if (!isDatabaseUrl(db))
      throw new UserInputError(
        `--db ${shownLocation(db)}: a worker takes runs from a shared PostgreSQL store; pass --db postgres://user@host/db`,
      );
    checkQueueEnvironment();
    await checkBackend(argv.backend);
    if (argv.dryRun) {
      const what = argv.experiment === undefined ? "any experiment" : `experiment '${argv.experiment}'`;
      const atOnce = argv.concurrency === undefined ? "" : `, ${argv.concurrency} at a time`;
      console.log(`worker: would take runs of ${what} from ${shownLocation(db)}${atOnce}; dry run: nothing claimed`);
      return;
    }
    // A misspelt --experiment would find no work and exit 0 as if all were done; --wait may await one not yet enqueued.
    if (argv.experiment !== undefined && !argv.wait) await requireExperiment(db, argv.experiment);
    const { runQueue } = await import("@tsa/runner");
    const { engineEventLine } = await import("../queue-progress.js");
    const controller = new AbortController();
    // The experiments this worker trained for: those whose sweeps may enqueue more for it.
    const trainedFor = new Set<string>();
    const onSigint = () => {
      process.stderr.write("Interrupted: no new run will start; runs in flight go back to the queue.\n");
      controller.abort();
    };
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);
    try {
      const summary = await runQueue({
        location: db,
        ...(argv.experiment === undefined ? {} : { experiment: argv.experiment }),
        ...(argv.concurrency === undefined ? {} : { concurrency: argv.concurrency }),
        wait: argv.wait,
        backend: argv.backend,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "run-start") trainedFor.add(event.plan.experiment);
          const line = engineEventLine(event);
          if (line !== "") process.stderr.write(`${line}\n`);
        },
      });
      console.log(`worker: ${summary.completed} run(s) completed, ${summary.failed} failed, ${summary.lost} lost to another attempt`);
      if (!argv.wait && !controller.signal.aborted) await warnOfLaterPhases(db, argv.experiment, trainedFor);
      if (controller.signal.aborted) process.exitCode = EXIT_INTERRUPTED;
      else if (summary.failed > 0) process.exitCode = 1;
    } finally {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    }
  },
};

/**
 * A worker without --wait has just found the queue empty: if a tuned or sequential experiment is in the store,
 * its sweep may enqueue the next phase (evaluations, a look's seeds) only now, and nobody would take it.
 */
async function warnOfLaterPhases(db: string, experiment: string | undefined, trainedFor: ReadonlySet<string>): Promise<void> {
  const { openStore } = await import("@tsa/tracker");
  const store = await openStore(db, { readonly: true });
  try {
    const phased = phasedExperimentsToWarnOf(await store.listExperiments(), experiment, trainedFor);
    if (phased.length > 0)
      process.stderr.write(
        `worker: the queue is empty, so this worker stops; ${phased.map((name) => `'${name}'`).join(", ")} ${phased.length === 1 ? "is a tuned or sequential experiment, whose" : "are tuned or sequential experiments, whose"} sweep, while it runs, enqueues its next runs (evaluations, a look's seeds) once these have settled: run workers with --wait for them\n`,
      );
  } finally {
    await store.close();
  }
}

/**
 * The tuned or sequential experiments a stopping worker names: the one of --experiment; else those it trained
 * for, which are in progress; when it trained for none of them, every one (the store cannot tell a finished
 * experiment from one between phases).
 */
export function phasedExperimentsToWarnOf(
  experiments: ReadonlyArray<{ name: string; spec: unknown }>,
  experiment: string | undefined,
  trainedFor: ReadonlySet<string>,
): string[] {
  const phased = experiments
    .filter(({ spec }) => {
      const { tune, sequential } = (spec ?? {}) as { tune?: unknown; sequential?: unknown };
      return tune != null || sequential != null;
    })
    .map((e) => e.name);
  if (experiment !== undefined) return phased.filter((name) => name === experiment);
  const inProgress = phased.filter((name) => trainedFor.has(name));
  return inProgress.length > 0 ? inProgress : phased;
}

async function requireExperiment(db: string, experiment: string): Promise<void> {
  const { openStore } = await import("@tsa/tracker");
  const store = await openStore(db, { readonly: true });
  try {
    if (!(await store.listExperiments()).some((e) => e.name === experiment)) throw await noExperimentError(store, experiment);
  } finally {
    await store.close();
  }
}
