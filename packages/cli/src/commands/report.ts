import { openStore } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { relative } from "node:path";
import { dbPath, DEFAULT_REPORTS_DIR, userPath } from "../paths.js";
import { writeReports } from "../reports.js";
import type { GlobalOptions } from "../main.js";

interface ReportArgs extends GlobalOptions {
  experiment: string;
  reportsDir: string;
}

export const reportCommand: CommandModule<GlobalOptions, ReportArgs> = {
  command: "report <experiment>",
  describe: "(Re)write reports/<experiment>.html and reports/index.html from the database",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("experiment", { type: "string", demandOption: true, describe: "experiment name (as in its YAML)" })
      .option("reports-dir", { type: "string", default: DEFAULT_REPORTS_DIR }) as unknown as Argv<ReportArgs>,
  handler: async (argv: ArgumentsCamelCase<ReportArgs>) => {
    const store = openStore(dbPath(argv), { readonly: true });
    try {
      const file = await writeReports(store, argv.experiment, userPath(argv.reportsDir));
      console.log(`report: ${relative(process.cwd(), file) || file}`);
    } finally {
      store.close();
    }
  },
};
