import { EXIT_INTERRUPTED, UserInputError, exitCodeOf, shownPath } from "@tsa/errors";
import type { BackendName } from "@tsa/models";
import type { SweepSummary } from "@tsa/runner";
import { sequentialComparisonLines } from "@tsa/report/tables";
import { loadExperiment, plannedRunCount, sweepPoints, type Experiment } from "@tsa/runner/experiment";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { fileURLToPath } from "node:url";
import { checkBackend, checkQueueEnvironment } from "../environment.js";
import { DEFAULT_DB, isDatabaseUrl, makeDefaultStoreFolder, reportsDirFor, shownLocation, storeLocation, userPath } from "../paths.js";
import { integerAtLeast } from "../options.js";
import type { Progress } from "../progress.js";
import type { GlobalOptions } from "../options.js";

interface SweepArgs extends GlobalOptions {
  file: string;
  concurrency?: number;
  backend: BackendName | "auto";
  yes: boolean;
  reportsDir?: string;
  dryRun: boolean;
}

const counted = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** What a sweep would run, for --dry-run: the grid's size by its factors (a tuned file's trials, then evaluations). */
export function dryRunText(argv: { file: string }, experiment: Experiment): string {
  const { trials, evaluations } = plannedRunCount(experiment);
  const grid = [counted(experiment.models.length, "model"), counted(sweepPoints(experiment).length, "point")];
  const looks = experiment.sequential?.looks;
  const seeds =
    looks === undefined
      ? counted(experiment.seeds.length, "seed")
      : `${looks[0]} seeds, up to ${looks.at(-1)} where a comparison stays open`;
  const least = looks === undefined ? evaluations : (evaluations / looks.at(-1)!) * looks[0]!;
  const evaluated = looks === undefined ? counted(evaluations, "run") : `${least} to ${evaluations} runs`;
  const tune = experiment.tune;
  const factors =
    tune === undefined
      ? [...grid, seeds].join(" × ")
      : `${counted(trials, "trial")}: ${[...grid, counted(trials / (experiment.models.length * sweepPoints(experiment).length * tune.seeds.length), "configuration"), counted(tune.seeds.length, "tuning seed")].join(" × ")}; ` +
        `then ${looks === undefined ? counted(evaluations, "evaluation") : `${least} to ${evaluations} evaluations`} of each model's choice: ${[...grid, seeds].join(" × ")}`;
  const total =
    tune === undefined
      ? evaluated
      : looks === undefined
        ? counted(trials + evaluations, "run")
        : `${trials + least} to ${trials + evaluations} runs`;
  return `${argv.file}: experiment '${experiment.name}', ${total} (${factors}); dry run: nothing trained or written`;
}

const shellWord = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** How the user started the CLI: the launcher (as typed), a yarn script, else the launcher by its full path. */
function invokedAs(): string {
  if (process.env.TSA_LAUNCHER !== undefined) return process.env.TSA_LAUNCHER;
  // Our own `yarn sweep` script, not any yarn script whose environment a child inherited (such as `yarn test`).
  const { npm_lifecycle_event: script, npm_lifecycle_script: line, npm_execpath: runner } = process.env;
  if (script === "sweep" && line?.includes("packages/cli/src/main.ts") && runner?.includes("yarn")) return "yarn";
  return shellWord(fileURLToPath(new URL("../../../../tsa", import.meta.url)));
}

/** The exact command that resumes this sweep: same file, database, reports folder and flags, paths absolute. */
export function resumeCommand(argv: SweepArgs, db: string): string {
  const words = ["sweep", userPath(argv.file)];
  if (db !== userPath(DEFAULT_DB)) words.push("--db", db);
  if (argv.reportsDir !== undefined) words.push("--reports-dir", userPath(argv.reportsDir));
  if (argv.concurrency !== undefined) words.push("--concurrency", String(argv.concurrency));
  if (argv.backend !== "auto") words.push("--backend", argv.backend);
  if (argv.yes) words.push("--yes");
  return [invokedAs(), ...words.map(shellWord)].join(" ");
}

export const sweepCommand: CommandModule<GlobalOptions, SweepArgs> = {
  command: "sweep <file>",
  describe: "Run (or resume) the sweep an experiment file describes, then write its report",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("file", { type: "string", demandOption: true, describe: "experiment YAML, e.g. experiments/length.yaml" })
      .option("concurrency", {
        alias: "j",
        requiresArg: true,
        // 0 (enqueue only) is for a shared PostgreSQL store; the handler refuses it for a SQLite file.
        coerce: (value: unknown) => {
          const last = Array.isArray(value) ? value.at(-1) : value;
          return last === 0 || last === "0" ? 0 : integerAtLeast("concurrency", 1)(value);
        },
        describe:
          "runs at once, each in its own worker process: an integer >= 1 (default: CPU cores); on PostgreSQL 0 only enqueues and shows the progress of the workers",
      })
      .option("backend", {
        choices: ["auto", "wasm", "cpu", "tensorflow"] as const,
        default: "auto" as const,
        describe: "tfjs backend (auto: tfjs-node if installed, else wasm)",
      })
      .option("dry-run", {
        type: "boolean",
        default: false,
        describe: "check the file, flags and environment and say what would run; train and write nothing",
      })
      .option("yes", { alias: "y", type: "boolean", default: false, describe: "run grids larger than 1,000 runs" })
      .option("reports-dir", {
        type: "string",
        requiresArg: true,
        describe:
          "where the HTML reports go (default: reports/ for results/runs.sqlite, else beside the database: /tmp/a.sqlite → /tmp/a.reports/)",
      }) as unknown as Argv<SweepArgs>,
  handler: async (argv: ArgumentsCamelCase<SweepArgs>) => {
    // Ctrl-C is ours from the first moment: one while the file loads still ends with the summary and 130.
    const controller = new AbortController();
    let progress: Progress | null = null;
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        const line = "Interrupted: no new run will start; runs in flight are stopping (Ctrl-C again to quit at once).";
        if (progress === null) process.stderr.write(`${line}\n`);
        else progress.log(line);
        controller.abort();
      } else {
        progress?.stop();
        process.stderr.write("Stopped at once. The database is consistent; run the same command to resume.\n");
        process.exit(EXIT_INTERRUPTED);
      }
    };
    // Installed until the command ends: a second Ctrl-C while the report is written still exits 130 at once.
    process.on("SIGINT", onSigint);
    try {
      if (argv.concurrency === 0 && !isDatabaseUrl(storeLocation(argv)))
        throw new UserInputError("--concurrency: expected an integer >= 1, got 0");
      const file = userPath(argv.file);
      // Everything is validated before the database is even opened: bad input writes nothing.
      const experiment = loadExperiment(file, { allowHugeGrid: argv.yes, displayName: argv.file });
      checkQueueEnvironment();
      await checkBackend(argv.backend);
      const db = storeLocation(argv);
      if (argv.dryRun) {
        console.log(dryRunText(argv, experiment));
        return;
      }
      makeDefaultStoreFolder(db);
      // Training and reports (tfjs, vega) load only once the file is valid, so bad input fails fast.
      const { createProgress } = await import("../progress.js");
      progress = createProgress();
      await sweepAndReport(argv, experiment, db, progress, controller);
    } finally {
      process.off("SIGINT", onSigint);
    }
  },
};

/** Runs the sweep, writes the report, prints the summary and sets the exit code. */
async function sweepAndReport(
  argv: ArgumentsCamelCase<SweepArgs>,
  experiment: Experiment,
  db: string,
  progress: Progress,
  controller: AbortController,
): Promise<void> {
  const [{ runSweep, queueTimings }, { openStore }, { writeReports }, { summaryTable }, { IdleQueue, idleQueueText }] = await Promise.all([
    import("@tsa/runner"),
    import("@tsa/tracker"),
    import("../reports.js"),
    import("../summary.js"),
    import("../queue-progress.js"),
  ]);
  // Only enqueuing (-j 0): say so when no worker takes the runs for a grace period, rather than wait in silence.
  const idle = argv.concurrency === 0 ? new IdleQueue(queueTimings().graceMs) : null;
  const workerCommand = [invokedAs(), "worker", "--db", shellWord(db), "--wait"].join(" ");
  let summary: SweepSummary;
  try {
    summary = await runSweep(experiment, {
      location: db,
      file: argv.file,
      ...(argv.concurrency === undefined ? {} : { concurrency: argv.concurrency }),
      backend: argv.backend,
      signal: controller.signal,
      onEvent: (event) => {
        progress.onEvent(event);
        const spell = event.type === "watch" ? idle?.observe(event.progress, Date.now()) : null;
        if (spell != null) progress.log(idleQueueText(spell, workerCommand));
      },
    });
  } finally {
    progress.stop();
  }
  // The runs are safe in the database whatever the report does: a report that fails is said, after the
  // summary, the failures and how to resume, never instead of them.
  let report: string | null = null;
  let reportError: unknown = null;
  const store = await openStore(db);
  try {
    const results = await store.experimentResults(experiment.name);
    if (results !== null) console.log(`\n${summaryTable(results)}\n`);
    report = await writeReports(store, experiment.name, reportsDirFor(db, argv.reportsDir), db);
  } catch (e) {
    reportError = e;
  } finally {
    await store.close();
  }
  if (summary.comparisons !== null && experiment.sequential !== undefined)
    for (const line of sequentialComparisonLines(summary.comparisons, experiment.sequential)) console.log(line);
  console.log(
    `${summary.completed.length} run(s) done now, ${summary.alreadyCompleted} already done, of ${summary.total}, in ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  if (report !== null) console.log(`report: ${shownPath(report)}`);
  console.log(`database: ${shownLocation(db)}`);
  if (reportError !== null)
    console.error(
      `\nThe report could not be written (the runs are recorded): ${reportError instanceof Error ? (reportError.stack ?? reportError.message) : String(reportError)}`,
    );
  const [standing, retried] = [summary.failed.filter((f) => f.stands), summary.failed.filter((f) => !f.stands)];
  if (retried.length > 0) {
    console.error(`\n${retried.length} run(s) failed (recorded in the database; the next sweep retries them):`);
    for (const f of retried) console.error(`  ${f.plan.id} ${f.plan.model} seed ${f.plan.seed}: ${f.error}`);
  }
  if (standing.length > 0) {
    console.error(
      `\n${standing.length} run(s) of a look failed (recorded; each counts as a missing pair of its look, and the next sweep does not retry it, so the look decides the same):`,
    );
    for (const f of standing) console.error(`  ${f.plan.id} ${f.plan.model} seed ${f.plan.seed}: ${f.error}`);
  }
  for (const { model, point } of summary.unchosen)
    console.error(
      `${model}${Object.keys(point).length > 0 ? ` at ${JSON.stringify(point)}` : ""}: no trial finished with a validation score, so nothing was evaluated`,
    );
  if (controller.signal.aborted) {
    const left = summary.interrupted.length + summary.notStarted.length + summary.unplanned;
    console.error(`\nInterrupted: ${left} run(s) not finished. Resume with: ${resumeCommand(argv, db)}`);
    process.exitCode = EXIT_INTERRUPTED;
  } else if (summary.failed.length > 0 || summary.unchosen.length > 0) {
    process.exitCode = 1;
  } else if (reportError !== null) {
    process.exitCode = exitCodeOf(reportError);
  }
}
