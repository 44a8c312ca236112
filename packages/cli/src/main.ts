#!/usr/bin/env node
// The tsa command line. One module per command; this file wires them and maps errors to exit codes
// (0 ok, 1 a run failed or a bug, 2 bad input, 130 interrupted) with one top-level catch.
import { ExperimentSpecProblems, StoreError, TsaError, exitCodeOf, type StoreRemedy } from "@tsa/errors";
import yargs, { type CommandModule } from "yargs";
import { hideBin } from "yargs/helpers";
import { readFileSync } from "node:fs";
import { nearest, usageMessage, type GlobalOptions } from "./options.js";

type Command = CommandModule<GlobalOptions, GlobalOptions>;

// Commands load on demand: the sweep pulls in tfjs and the report vega, which a `./tsa runs` does not need.
const COMMANDS: Record<string, () => Promise<Command>> = {
  sweep: async () => (await import("./commands/sweep.js")).sweepCommand as unknown as Command,
  report: async () => (await import("./commands/report.js")).reportCommand as unknown as Command,
  runs: async () => (await import("./commands/runs.js")).runsCommand as unknown as Command,
  show: async () => (await import("./commands/show.js")).showCommand as unknown as Command,
  sql: async () => (await import("./commands/sql.js")).sqlCommand as unknown as Command,
  table: async () => (await import("./commands/table.js")).tableCommand as unknown as Command,
  export: async () => (await import("./commands/export.js")).exportCommand as unknown as Command,
  dataset: async () => (await import("./commands/dataset.js")).datasetCommand as unknown as Command,
  worker: async () => (await import("./commands/worker.js")).workerCommand as unknown as Command,
  ui: async () => (await import("./commands/ui.js")).uiCommand as unknown as Command,
};

/** The command the user named, or every command (for --help and for a name yargs should reject). */
async function loadCommands(args: string[]): Promise<Command[]> {
  const named = args.find((a) => !a.startsWith("-"));
  const loader = named === undefined ? undefined : COMMANDS[named];
  return Promise.all(loader === undefined ? Object.values(COMMANDS).map((load) => load()) : [loader()]);
}

/** The version every run records (the packages share one). */
const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/**
 * When the reader of our output goes away (`./tsa sql … | head`), a query has nothing left to do and ends
 * quietly, as Unix tools do; a sweep or a worker goes on training and recording, only unheard.
 */
function onClosedOutput(then: "stop" | "carry on"): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      if (then === "stop") process.exit(0);
    });
  }
}

async function main(): Promise<void> {
  const args = hideBin(process.argv);
  const named = args.find((a) => !a.startsWith("-"));
  if (named !== undefined && !(named in COMMANDS) && args.indexOf(named) === 0) {
    const near = nearest(named, Object.keys(COMMANDS));
    throw new UsageError(
      `unknown command '${named}'${near === undefined ? "" : `; did you mean '${near}'?`} (commands: ${Object.keys(COMMANDS).join(", ")})`,
    );
  }
  onClosedOutput(named === "sweep" || named === "worker" ? "carry on" : "stop");
  const commands = await loadCommands(args);
  const parser = yargs(args);
  await parser
    .scriptName("./tsa")
    .usage("$0 <command> [options]")
    .option("db", {
      type: "string",
      describe: "run database: a SQLite file or a postgres:// URL (default: results/runs.sqlite, or $TSA_DB)",
      global: true,
    })
    .command(commands)
    .demandCommand(1, "Name a command: sweep, worker, report, runs, show, sql, table, export, dataset or ui.")
    .strict()
    .fail((message, error) => {
      if (error instanceof TsaError) throw error;
      // getOptions() exists at run time but not in @types/yargs.
      const options = Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key).filter(
        (k) => k.length > 1 && !/[A-Z]/.test(k),
      );
      const usage = commands.map((c) => String(c.command)).find((c) => c.split(" ")[0] === named);
      throw new UsageError(usageMessage(message ?? error?.message ?? "bad input", options, usage, args));
    })
    .version(VERSION)
    .help()
    .parseAsync();
}

class UsageError extends TsaError {
  override readonly exitCode = 2;
}

/** A store's remedy in this command line's words. */
const STORE_REMEDIES: Record<StoreRemedy, string> = {
  "file-path": "--db needs a database file path",
  "another-location": "choose another --db",
  "another-location-or-permissions": "choose another --db or fix its permissions",
  "create-first": "run a sweep first or pass --db",
  "create-folder": "create it or choose another --db",
};

main().catch((error: unknown) => {
  if (error instanceof ExperimentSpecProblems) {
    // Every problem of the file at once, each on its own `error:` line.
    for (const problem of error.problems) console.error(`error: ${problem.message}`);
  } else if (error instanceof StoreError && error.remedy !== null) {
    console.error(`error: ${error.message}; ${STORE_REMEDIES[error.remedy]}`);
  } else if (error instanceof TsaError) {
    console.error(`error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = exitCodeOf(error);
});
