// What a store location string is, without loading either database driver: the command line asks this
// before it opens anything, so bad input still fails fast.

/** A store location is a PostgreSQL URL (`postgres://`, `postgresql://`) or else a SQLite file path. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** The URL without its password, for messages and reports. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
