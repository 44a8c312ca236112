import { openStore, type Store } from "@tsa/tracker";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { formatRows, OUT_OPTION, outputFormat, ROWS_FORMAT_OPTIONS, type OutputFormat, writeOutput } from "../format/output.js";
import { storeLocation } from "../paths.js";
import type { GlobalOptions } from "../options.js";

interface SqlArgs extends GlobalOptions {
  query: string;
  format?: OutputFormat;
  json: boolean;
  out?: string;
}

export async function sqlText(store: Store, query: string, format: OutputFormat): Promise<string> {
  const { columns, rows } = await store.readOnlyQuery(query);
  return formatRows(
    rows,
    columns.map((header, j) => ({ header, raw: (row: unknown[]) => row[j] })),
    format,
  );
}

export const sqlCommand: CommandModule<GlobalOptions, SqlArgs> = {
  command: "sql <query>",
  describe: "Run a read-only SQL query on the run database (see the run_summary view)",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("query", {
        type: "string",
        demandOption: true,
        describe: 'e.g. "select model, avg(test_f1) from run_summary group by model"',
      })
      .options(ROWS_FORMAT_OPTIONS)
      .option("out", OUT_OPTION) as Argv<SqlArgs>,
  handler: async (argv: ArgumentsCamelCase<SqlArgs>) => {
    // Opened read-only: SQLite itself refuses writes, and the tracker refuses non-read statements first.
    const store = await openStore(storeLocation(argv), { readonly: true });
    try {
      writeOutput(`${await sqlText(store, argv.query, outputFormat(argv))}\n`, argv.out);
    } finally {
      await store.close();
    }
  },
};
