import { startUi } from "@tsa/ui";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { integerAtLeast } from "../options.js";
import { shownLocation, storeLocation } from "../paths.js";
import { validKeys } from "../query-keys.js";
import type { GlobalOptions } from "../options.js";
import { parseCondition } from "./runs.js";

interface UiArgs extends GlobalOptions {
  port: number;
  host: string;
}

/** Resolves on Ctrl-C or a termination signal: the server runs until then. */
const untilStopped = () =>
  new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });

export const uiCommand: CommandModule<GlobalOptions, UiArgs> = {
  command: "ui",
  describe: "Serve a live, read-only web view of the run database (experiments, runs, curves, compare)",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option("port", {
        type: "number",
        default: 7007,
        coerce: integerAtLeast("port", 0),
        describe: "port to listen on (0: any free port)",
      })
      .option("host", {
        type: "string",
        default: "127.0.0.1",
        describe: "address to listen on; any other than 127.0.0.1/localhost requires the printed token",
      }) as Argv<UiArgs>,
  handler: async (argv: ArgumentsCamelCase<UiArgs>) => {
    const db = storeLocation(argv);
    const ui = await startUi({ db, host: argv.host, port: argv.port, keys: validKeys(), parseCondition });
    console.log(`tsa ui: ${shownLocation(db)} (${ui.engine}, read-only)`);
    if (ui.token !== null) {
      console.log(`listening on ${argv.host}: every request needs this token (shown once): ${ui.token}`);
    }
    console.log(`open ${ui.url}`);
    console.log("Ctrl-C stops it.");
    await untilStopped();
    await ui.close();
  },
};
