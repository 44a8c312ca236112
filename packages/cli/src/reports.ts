import { indexEntry, renderExperimentReport, renderIndex } from "@tsa/report";
import type { Store } from "@tsa/tracker";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noExperimentError } from "./messages.js";
import { checkReportsDir, REPORTS_SOURCE_FILE } from "./paths.js";

/**
 * Writes <reportsDir>/<experiment>.html and refreshes <reportsDir>/index.html, each naming the database
 * they come from; returns the report's path. A folder holding another database's reports is refused.
 */
export async function writeReports(store: Store, experiment: string, reportsDir: string, database: string): Promise<string> {
  const results = store.experimentResults(experiment);
  if (results === null) throw noExperimentError(store, experiment);
  checkReportsDir(reportsDir, database);
  mkdirSync(reportsDir, { recursive: true });
  writeFileSync(join(reportsDir, REPORTS_SOURCE_FILE), `${database}\n`);
  const file = join(reportsDir, `${experiment}.html`);
  writeFileSync(file, await renderExperimentReport(results, { database }));
  const entries = store.listExperiments().flatMap((x) => {
    const r = store.experimentResults(x.name);
    return r === null ? [] : [indexEntry(r, `${x.name}.html`)];
  });
  writeFileSync(join(reportsDir, "index.html"), await renderIndex(entries, { database }));
  return file;
}
