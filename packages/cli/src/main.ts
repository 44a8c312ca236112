#!/usr/bin/env node
// The tsa command line. One module per command; this file wires them and maps errors to exit codes
// (0 ok, 1 a run failed or a bug, 2 bad input, 130 interrupted) with one top-level catch.
import { TsaError, exitCodeOf } from "@tsa/errors";
import yargs, { type CommandModule } from "yargs";
import { hideBin } from "yargs/helpers";

export interface GlobalOptions {
  db?: string;
}

type Command = CommandModule<GlobalOptions, GlobalOptions>;

// Commands load on demand: the sweep pulls in tfjs and the report vega, which a `yarn runs` does not need.
const COMMANDS: Record<string, () => Promise<Command>> = {
  sweep: async () => (await import("./commands/sweep.js")).sweepCommand as unknown as Command,
  report: async () => (await import("./commands/report.js")).reportCommand as unknown as Command,
  runs: async () => (await import("./commands/runs.js")).runsCommand as unknown as Command,
  show: async () => (await import("./commands/show.js")).showCommand as unknown as Command,
  sql: async () => (await import("./commands/sql.js")).sqlCommand as unknown as Command,
  table: async () => (await import("./commands/table.js")).tableCommand as unknown as Command,
  export: async () => (await import("./commands/export.js")).exportCommand as unknown as Command,
};

/** The command the user named, or every command (for --help and for a name yargs should reject). */
async function loadCommands(args: string[]): Promise<Command[]> {
  const named = args.find((a) => !a.startsWith("-"));
  const loader = named === undefined ? undefined : COMMANDS[named];
  return Promise.all(loader === undefined ? Object.values(COMMANDS).map((load) => load()) : [loader()]);
}

async function main(): Promise<void> {
  const args = hideBin(process.argv);
  const commands = await loadCommands(args);
  await yargs(args)
    .scriptName("yarn")
    .usage("$0 <command> [options]")
    .option("db", { type: "string", describe: "run database (default: results/runs.sqlite, or $TSA_DB)", global: true })
    .command(commands)
    .demandCommand(1, "Name a command: sweep, report, runs, show, sql, table or export.")
    .strict()
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    })
    .help()
    .parseAsync();
}

class UsageError extends TsaError {
  override readonly exitCode = 2;
}

main().catch((error: unknown) => {
  if (error instanceof TsaError) {
    console.error(`error: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = exitCodeOf(error);
});
