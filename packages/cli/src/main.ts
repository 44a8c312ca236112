#!/usr/bin/env node
// The tsa command line. One module per command; this file wires them and maps errors to exit codes
// (0 ok, 1 a run failed or a bug, 2 bad input, 130 interrupted) with one top-level catch.
import { TsaError, exitCodeOf } from "@tsa/errors";
import yargs, { type CommandModule } from "yargs";
import { hideBin } from "yargs/helpers";
import { exportCommand } from "./commands/export.js";
import { reportCommand } from "./commands/report.js";
import { runsCommand } from "./commands/runs.js";
import { showCommand } from "./commands/show.js";
import { sqlCommand } from "./commands/sql.js";
import { sweepCommand } from "./commands/sweep.js";
import { tableCommand } from "./commands/table.js";

export interface GlobalOptions {
  db?: string;
}

const commands = [sweepCommand, reportCommand, runsCommand, showCommand, sqlCommand, tableCommand, exportCommand] as unknown as CommandModule<GlobalOptions, GlobalOptions>[];

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
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
