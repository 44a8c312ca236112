import { indexEntry, renderExperimentReport, renderIndex } from "@tsa/report";
import type { Store } from "@tsa/tracker";
import { UserInputError } from "@tsa/errors";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes reports/<experiment>.html and refreshes reports/index.html; returns the report's path. */
export async function writeReports(store: Store, experiment: string, reportsDir: string): Promise<string> {
  const results = store.experimentResults(experiment);
  if (results === null) {
    const known = store.listExperiments().map((x) => x.name);
    throw new UserInputError(`no experiment '${experiment}' in the database${known.length > 0 ? `; known: ${known.join(", ")}` : " (it is empty)"}`);
  }
  mkdirSync(reportsDir, { recursive: true });
  const file = join(reportsDir, `${experiment}.html`);
  writeFileSync(file, await renderExperimentReport(results));
  const entries = store.listExperiments().flatMap((x) => {
    const r = store.experimentResults(x.name);
    return r === null ? [] : [indexEntry(r, `${x.name}.html`)];
  });
  writeFileSync(join(reportsDir, "index.html"), await renderIndex(entries));
  return file;
}
