import pg from "pg";
import { METRIC_CATALOGUE, type MetricsRow } from "./catalogue.js";
import type { RunRecord } from "./entities.js";
import type { Store } from "./store.js";
import type { Claim, RunStatus } from "./types.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewRun } from "./types.js";

/** Every metric of the store's catalogue at `score` (counts and attention metrics are set below): a metric added there needs nothing here. */
const everyScore = (score: number) =>
  Object.fromEntries(METRIC_CATALOGUE.map((m) => [m.field, m.nullable ? null : score])) as unknown as MetricsRow;

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), "tsa-tracker-")), "runs.sqlite");
}

export function newRun(id: string, overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    experiment: "exp",
    model: "ffn",
    seed: 1,
    point: { "data.length": [0.1, 0.2] },
    config: {
      experiment: "exp",
      model: "ffn",
      seed: 1,
      data: { length: [0.1, 0.2], noise: 0, size: 100, numPoints: 32 },
      train: { lr: 0.001 },
    },
    backend: "wasm",
    kernels: "native",
    gitCommit: "abc123",
    versions: { node: "20" },
    ...overrides,
  };
}

/** A hand-made outcome: real values a run could have produced, chosen so tests can check them. */
export function outcome(f1: number, overrides: Partial<RunRecord> = {}): RunRecord {
  const metrics = {
    ...everyScore(f1),
    n: 20,
    tp: 9,
    fp: 1,
    tn: 9,
    fn: 1,
    attentionMassInWindow: null,
    attentionPeakInWindow: null,
  };
  return {
    epochs: [
      { epoch: 1, trainLoss: 0.7, valLoss: 0.69, trainAccuracy: 0.5, valAccuracy: 0.5, durationMs: 10 },
      { epoch: 2, trainLoss: 0.5, valLoss: 0.4, trainAccuracy: 0.8, valAccuracy: 0.85, durationMs: 11 },
    ],
    bestEpoch: 2,
    stoppedEarly: false,
    didNotLearn: false,
    metrics: { val: metrics, test: metrics },
    attention: [],
    backend: "wasm",
    kernels: "native",
    trainDurationMs: 21,
    ...overrides,
  };
}

/**
 * The store as the tests name runs: by id and owner. It keeps each owner's claim (its attempt) and passes
 * it to the writes, so a test reads as "me writes run a1" while the store checks the fencing token.
 */
export function byOwner(store: Store) {
  const claims = new Map<string, Claim>();
  const claimOf = (id: string, owner: string): Claim => claims.get(`${id}|${owner}`) ?? { runId: id, attempt: -1, owner };
  return {
    store,
    /** Enqueues `run` (if new) and takes the next queued run for `owner`: true when that is `run`. */
    async claim(run: NewRun, owner: string) {
      await store.enqueueRuns([{ ...run, priority: 0 }]);
      const claimed = await store.claimNext(owner);
      if (claimed !== null) claims.set(`${claimed.run.id}|${owner}`, claimed.claim);
      return claimed?.run.id === run.id;
    },
    heartbeat: (id: string, owner: string) => store.heartbeat(claimOf(id, owner)),
    recordEpoch: (id: string, owner: string, e: RunRecord["epochs"][number]) => store.recordEpoch(claimOf(id, owner), e),
    completeRun: (id: string, owner: string, r: RunRecord) => store.completeRun(claimOf(id, owner), r),
    failRun: (id: string, owner: string, error: string, epoch: number | null) => store.failRun(claimOf(id, owner), error, epoch),
    runStatus: (id: string): Promise<RunStatus | null> => store.runStatus(id),
  };
}

/** The PostgreSQL server scripts/setup.sh installs and starts, as its `tsa` role (it may create databases). */
export const PG_ADMIN_URL = process.env.TSA_TEST_PG_URL ?? "postgres://tsa:tsa@localhost:5432/postgres";

/** A fresh PostgreSQL database for one test; the test fails (never skips) when the server is missing. */
export async function tempPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL });
    try {
      await client.connect();
    } catch (e) {
      throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(e as Error).message}): run \`bash scripts/setup.sh\``);
    }
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const name = `tsa_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
