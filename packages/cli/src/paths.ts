import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

/**
 * Paths the user typed are relative to where they typed them. `yarn <script>` runs from the repository
 * root and keeps the user's directory in INIT_CWD.
 */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** A path for a message: relative to where the user is when that is shorter, else absolute. */
export function shownPath(path: string): string {
  const rel = relative(process.env.INIT_CWD ?? process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

export const DEFAULT_DB = "results/runs.sqlite";
export const DEFAULT_REPORTS_DIR = "reports";

/** --db, else TSA_DB, else results/runs.sqlite. */
export function dbPath(argv: { db?: string | undefined }): string {
  return userPath(argv.db ?? process.env.TSA_DB ?? DEFAULT_DB);
}

/**
 * Where a database's reports go, unless --reports-dir says: the default database's in `reports/`, any other
 * database's beside it (`/tmp/a.sqlite` → `/tmp/a.reports/`), so a scratch sweep never replaces them.
 */
export function reportsDirFor(db: string, explicit: string | undefined): string {
  if (explicit !== undefined) return userPath(explicit);
  if (db === userPath(DEFAULT_DB)) return userPath(DEFAULT_REPORTS_DIR);
  return join(dirname(db), `${basename(db).replace(/\.(sqlite3?|db)$/i, "")}.reports`);
}

/** The file in a reports folder that names the database its reports come from. */
export const REPORTS_SOURCE_FILE = ".tsa-database";

/**
 * The database whose reports a folder holds when it is another than `db` (the caller says it replaces
 * them), else null. A folder without the marker (new, or older than it) holds none.
 */
export function otherReportsSource(reportsDir: string, db: string): string | null {
  const marker = join(reportsDir, REPORTS_SOURCE_FILE);
  if (!existsSync(marker)) return null;
  const owner = readFileSync(marker, "utf8").trim();
  return owner !== "" && owner !== db ? owner : null;
}
