import { isAbsolute, resolve } from "node:path";

/**
 * Paths the user typed are relative to where they typed them. `yarn <script>` runs from the repository
 * root and keeps the user's directory in INIT_CWD.
 */
export function userPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

export const DEFAULT_DB = "results/runs.sqlite";
export const DEFAULT_REPORTS_DIR = "reports";

/** --db, else TSA_DB, else results/runs.sqlite. */
export function dbPath(argv: { db?: string | undefined }): string {
  return userPath(argv.db ?? process.env.TSA_DB ?? DEFAULT_DB);
}
