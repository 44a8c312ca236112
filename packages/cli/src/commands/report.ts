import { shownPath } from "@tsa/errors";
import { openStore } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { storeLocation, reportsDirFor } from "../paths.js";
import { writeReports } from "../reports.js";
import type { GlobalOptions } from "../options.js";

interface ReportArgs extends GlobalOptions {
  experiment: string;
  reportsDir?: string;
}

export const reportCommand: CommandModule<GlobalOptions, ReportArgs> = {
  command: "report <experiment>",
  describe: "(Re)write <experiment>.html and index.html in the database's reports folder (reports/ for the default database)",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("experiment", { type: "string", demandOption: true, describe: "experiment name (as in its YAML)" })
      .option("reports-dir", {
        type: "string",
        requiresArg: true,
        describe:
          "where the HTML reports go (default: reports/ for results/runs.sqlite, else beside the database: /tmp/a.sqlite → /tmp/a.reports/)",
      }) as unknown as Argv<ReportArgs>,
  handler: async (argv: ArgumentsCamelCase<ReportArgs>) => {
    const db = storeLocation(argv);
    const store = await openStore(db, { readonly: true });
    try {
      const file = await writeReports(store, argv.experiment, reportsDirFor(db, argv.reportsDir), db);
      console.log(`report: ${shownPath(file)}`);
    } finally {
      await store.close();
    }
  },
};
