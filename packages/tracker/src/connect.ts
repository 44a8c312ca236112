import { StoreError } from "@tsa/errors";
import type { Connection } from "./connection.js";
import { isPostgresUrl, LOCATION_KINDS, unknownScheme } from "./location.js";
import type { OpenOptions } from "./open.js";
import { PostgresConnection } from "./postgres-connection.js";
import { SqliteConnection } from "./sqlite-connection.js";

/**
 * The connection a location names: a `postgres://` URL or a SQLite file path; any other scheme is refused
 * before anything is created. The store and the read-only run browser both open through here.
 */
export async function connect(location: string, options: OpenOptions & { poolSize?: number } = {}): Promise<Connection> {
  const scheme = unknownScheme(location);
  if (scheme !== null) throw new StoreError(`${location}: unknown database scheme '${scheme}' (${LOCATION_KINDS})`);
  return isPostgresUrl(location)
    ? await PostgresConnection.open(location, {
        readonly: options.readonly ?? false,
        ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
      })
    : new SqliteConnection(location, options);
}
