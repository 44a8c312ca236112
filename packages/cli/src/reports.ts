import { shownPath } from "@tsa/errors";
import { indexEntry, onArchive, renderExperimentReport, renderIndex } from "@tsa/report";
import type { Store } from "@tsa/tracker";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { noExperimentError } from "./messages.js";
import { readPublishedAccuracy } from "./published.js";
import { isDatabaseUrl, otherReportsSource, REPORTS_SOURCE_FILE, shownLocation, shownUrl } from "./paths.js";

/**
 * Writes <reportsDir>/<experiment>.html and refreshes <reportsDir>/index.html, each naming the database
 * they come from; returns the report's path. Replacing another database's reports (an explicit
 * --reports-dir shared by two databases) is said on stderr, never done silently.
 */
export async function writeReports(store: Store, experiment: string, reportsDir: string, db: string): Promise<string> {
  // A URL is shown without its password: reports are shared.
  const database = isDatabaseUrl(db) ? shownUrl(db) : db;
  const results = await store.experimentResults(experiment);
  if (results === null) throw await noExperimentError(store, experiment);
  // Published figures go beside ours on archive problems only: another experiment never reads the facts file.
  const published = onArchive(results) ? readPublishedAccuracy() : null;
  const previous = otherReportsSource(reportsDir, database);
  if (previous !== null)
    console.error(
      `note: ${shownPath(reportsDir)} held the reports of ${shownLocation(previous)}; its index now lists those of ${shownLocation(database)}`,
    );
  mkdirSync(reportsDir, { recursive: true });
  writeFileSync(join(reportsDir, REPORTS_SOURCE_FILE), `${database}\n`);
  const file = join(reportsDir, `${experiment}.html`);
  writeFileSync(file, await renderExperimentReport(results, { database, published }));
  const entries = (
    await Promise.all((await store.listExperiments()).map(async (x) => ({ x, r: await store.experimentResults(x.name) })))
  ).flatMap(({ x, r }) => {
    return r === null ? [] : [indexEntry(r, `${x.name}.html`)];
  });
  writeFileSync(join(reportsDir, "index.html"), await renderIndex(entries, { database }));
  return file;
}
