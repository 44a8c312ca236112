import { EXIT_INTERRUPTED } from "@tsa/errors";
import type { BackendName } from "@tsa/models";
import { loadExperiment, runSweep, type SweepSummary } from "@tsa/runner";
import { openStore } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { relative } from "node:path";
import { dbPath, DEFAULT_REPORTS_DIR, userPath } from "../paths.js";
import { createProgress } from "../progress.js";
import { writeReports } from "../reports.js";
import { summaryTable } from "../summary.js";
import type { GlobalOptions } from "../main.js";

interface SweepArgs extends GlobalOptions {
  file: string;
  concurrency?: number;
  backend: BackendName | "auto";
  yes: boolean;
  reportsDir: string;
}

export const sweepCommand: CommandModule<GlobalOptions, SweepArgs> = {
  command: "sweep <file>",
  describe: "Run (or resume) the sweep an experiment file describes, then write its report",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("file", { type: "string", demandOption: true, describe: "experiment YAML, e.g. experiments/length.yaml" })
      .option("concurrency", { alias: "j", type: "number", describe: "runs at once, each in its own worker process (default: CPU cores)" })
      .option("backend", { choices: ["auto", "wasm", "cpu", "tensorflow"] as const, default: "auto" as const, describe: "tfjs backend (auto: tfjs-node if installed, else wasm)" })
      .option("yes", { alias: "y", type: "boolean", default: false, describe: "run grids larger than 1,000 runs" })
      .option("reports-dir", { type: "string", default: DEFAULT_REPORTS_DIR, describe: "where the HTML report goes" }) as unknown as Argv<SweepArgs>,
  handler: async (argv: ArgumentsCamelCase<SweepArgs>) => {
    const file = userPath(argv.file);
    // Everything is validated before the database is even opened: bad input writes nothing.
    const experiment = loadExperiment(file, { allowHugeGrid: argv.yes, displayName: argv.file });
    const db = dbPath(argv);
    const progress = createProgress();
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        progress.log("Interrupted: no new run will start; runs in flight are stopping (Ctrl-C again to quit at once).");
        controller.abort();
      } else {
        progress.stop();
        process.stderr.write("Stopped at once. The database is consistent; run the same command to resume.\n");
        process.exit(EXIT_INTERRUPTED);
      }
    };
    process.on("SIGINT", onSigint);
    let summary: SweepSummary;
    try {
      summary = await runSweep(experiment, {
        dbPath: db,
        file: argv.file,
        ...(argv.concurrency === undefined ? {} : { concurrency: argv.concurrency }),
        backend: argv.backend,
        signal: controller.signal,
        onEvent: (event) => progress.onEvent(event),
      });
    } finally {
      progress.stop();
      process.off("SIGINT", onSigint);
    }
    const store = openStore(db);
    try {
      const results = store.experimentResults(experiment.name);
      if (results !== null) console.log(`\n${summaryTable(results)}\n`);
      const report = await writeReports(store, experiment.name, userPath(argv.reportsDir));
      console.log(`${summary.completed.length} run(s) done now, ${summary.alreadyCompleted} already done, of ${summary.total}, in ${(summary.durationMs / 1000).toFixed(1)} s`);
      console.log(`report: ${relative(process.cwd(), report) || report}`);
      console.log(`database: ${relative(process.cwd(), db) || db}`);
    } finally {
      store.close();
    }
    if (summary.failed.length > 0) {
      console.error(`\n${summary.failed.length} run(s) failed (recorded in the database; the next sweep retries them):`);
      for (const f of summary.failed) console.error(`  ${f.plan.id} ${f.plan.model} seed ${f.plan.seed}: ${f.error}`);
    }
    if (controller.signal.aborted) {
      const left = summary.interrupted.length + summary.notStarted.length;
      console.error(`\nInterrupted: ${left} run(s) not finished. Resume with: yarn sweep ${argv.file}`);
      process.exitCode = EXIT_INTERRUPTED;
    } else if (summary.failed.length > 0) {
      process.exitCode = 1;
    }
  },
};
