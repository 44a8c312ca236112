// What a store location string is, without loading either database driver: the command line asks this
// before it opens anything, so bad input still fails fast.

/** A store location is a PostgreSQL URL (`postgres://`, `postgresql://`) or else a SQLite file path. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/**
 * The scheme of a location written as a URL of a store this code does not know (`mysql://…`), else null:
 * such a string is no file path either, and must not become a folder named `mysql:`.
 */
export function unknownScheme(location: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1];
  return scheme === undefined || isPostgresUrl(location) ? null : scheme;
}

/** What a store location may be, for messages. */
export const LOCATION_KINDS = "a SQLite file path or a postgres:// URL";

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
