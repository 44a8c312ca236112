import { indexEntry, renderExperimentReport, renderIndex } from "@tsa/report";
import type { Store } from "@tsa/tracker";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noExperimentError } from "./messages.js";
import { otherReportsSource, REPORTS_SOURCE_FILE, shownPath } from "./paths.js";

/**
 * Writes <reportsDir>/<experiment>.html and refreshes <reportsDir>/index.html, each naming the database
 * they come from; returns the report's path. Replacing another database's reports (an explicit
 * --reports-dir shared by two databases) is said on stderr, never done silently.
 */
export async function writeReports(store: Store, experiment: string, reportsDir: string, database: string): Promise<string> {
  const results = store.experimentResults(experiment);
  if (results === null) throw noExperimentError(store, experiment);
  const previous = otherReportsSource(reportsDir, database);
  if (previous !== null)
    console.error(
      `note: ${shownPath(reportsDir)} held the reports of ${shownPath(previous)}; its index now lists those of ${shownPath(database)}`,
    );
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
