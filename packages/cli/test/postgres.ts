// A fresh PostgreSQL database per test, on the server scripts/setup.sh installs and starts. Nothing is
// skipped when the server is missing: the test fails and says how to get one.
import pg from "pg";
import { execFileSync } from "node:child_process";
import { startCli, type CliResult } from "./support.js";

/** The server's maintenance database, as the role setup.sh creates (it may create and drop databases). */
export const ADMIN_URL = process.env.TSA_TEST_PG_URL ?? "postgres://tsa:tsa@localhost:5432/postgres";

export interface TestDatabase {
  url: string;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

async function admin<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(e as Error).message}): run \`bash scripts/setup.sh\`, which installs and starts it`,
    );
  }
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function createDatabase(): Promise<TestDatabase> {
  const name = `tsa_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async query<T>(sql: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    },
    drop: async () => void (await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/** Restarts the local cluster that serves ADMIN_URL (Debian's pg_ctlcluster; the tests run as root in CI). */
export function restartServer(): void {
  const port = new URL(ADMIN_URL).port || "5432";
  const cluster = execFileSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[2] === port);
  if (cluster === undefined) throw new Error(`no local PostgreSQL cluster on port ${port} to restart (pg_lsclusters)`);
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", cluster[0]!, cluster[1]!, "restart"], { stdio: "ignore" });
}

/**
 * A sweep that only enqueues and decides (`-j 0`) on a fresh database, worked to its end by two
 * `tsa worker --wait` processes, which are then stopped; the database is the caller's to query and drop.
 */
export async function sweepWithTwoWorkers(file: string, env: Record<string, string>): Promise<{ db: TestDatabase; result: CliResult }> {
  const db = await createDatabase();
  const sweep = startCli(["sweep", file, "--db", db.url, "-j", "0"], { env });
  const workers = ["a", "b"].map(() => startCli(["worker", "--db", db.url, "-j", "1", "--wait"], { env }));
  try {
    const result = await sweep.result;
    return { db, result };
  } finally {
    for (const w of workers) w.child.kill("SIGINT");
    await Promise.all(workers.map((w) => w.result));
  }
}
