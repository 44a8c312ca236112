import { shownPath, UserInputError } from "@tsa/errors";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { isPostgresUrl as isDatabaseUrl, LOCATION_KINDS, shownUrl, unknownScheme } from "@tsa/tracker/location";

/**
 * Paths the user typed are relative to where they typed them. `yarn <script>` runs from the repository
 * root and keeps the user's directory in INIT_CWD.
 */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** A store location (`--db`) for a message: a URL without its password, a file as @tsa/errors' shownPath shows it. */
export function shownLocation(location: string): string {
  return isDatabaseUrl(location) ? shownUrl(location) : shownPath(location);
}

export const DEFAULT_DB = "results/runs.sqlite";
export const DEFAULT_REPORTS_DIR = "reports";

/** A `postgres://` (or `postgresql://`) URL rather than a SQLite file path; the tracker's one definition. */
export { isPostgresUrl as isDatabaseUrl, shownUrl } from "@tsa/tracker/location";

/**
 * The store location: --db, else TSA_DB, else results/runs.sqlite; a PostgreSQL URL as it is, a path
 * relative to the user. A URL of another scheme (`mysql://…`) is refused rather than taken for a path.
 */
export function storeLocation(argv: { db?: string | undefined }): string {
  const location = argv.db ?? process.env.TSA_DB ?? DEFAULT_DB;
  const scheme = unknownScheme(location);
  if (scheme !== null)
    throw new UserInputError(
      `${argv.db === undefined ? "TSA_DB" : "--db"} ${location}: unknown database scheme '${scheme}' (${LOCATION_KINDS})`,
    );
  return isDatabaseUrl(location) ? location : userPath(location);
}

/**
 * The default database's folder (results/) is made on a first sweep; any other must exist, so that a
 * mistyped --db folder is said rather than created.
 */
export function makeDefaultStoreFolder(location: string): void {
  if (location === userPath(DEFAULT_DB)) mkdirSync(dirname(location), { recursive: true });
}

/**
 * Where a database's reports go, unless --reports-dir says: the default database's in `reports/`, any other
 * database's beside it (`/tmp/a.sqlite` → `/tmp/a.reports/`), so a scratch sweep never replaces them.
 */
export function reportsDirFor(db: string, explicit: string | undefined): string {
  if (explicit !== undefined) return userPath(explicit);
  if (db === userPath(DEFAULT_DB)) return userPath(DEFAULT_REPORTS_DIR);
  // A PostgreSQL database's reports: reports/<database>.postgres/, beside (never over) the default's.
  if (isDatabaseUrl(db)) return userPath(join(DEFAULT_REPORTS_DIR, `${new URL(db).pathname.replace(/^\//, "") || "postgres"}.postgres`));
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
