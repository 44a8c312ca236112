import { UserInputError } from "@tsa/errors";

/** Timings of the shared queue; environment variables let tests (and slow networks) choose others. */
export interface QueueTimings {
  /** How often a run's worker writes its heartbeat. */
  heartbeatMs: number;
  /** A running run whose heartbeat is older than this (on the database's clock) is requeued by any worker. */
  graceMs: number;
  /** Attempts a run gets before it is failed (a run that kills its worker every time). */
  maxAttempts: number;
  /** How often an idle worker looks for work. */
  pollMs: number;
}

/** A set variable's value as a number > 0, else a UserInputError naming it; undefined when unset. */
function positive(env: NodeJS.ProcessEnv, name: string, what: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === "") return undefined;
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0)) throw new UserInputError(`${name}: expected ${what}, got '${text}'`);
  return value;
}

/**
 * The queue's timings from the `TSA_*` variables, checked as flags are: a value that is not one
 * (`TSA_GRACE_MS=abc`) is a UserInputError naming it instead of silently becoming the default, and a grace
 * period must outlast a heartbeat.
 */
export function queueTimings(env: NodeJS.ProcessEnv = process.env): QueueTimings {
  const MS = "a number of milliseconds > 0";
  const heartbeatMs = positive(env, "TSA_HEARTBEAT_MS", MS) ?? 5_000;
  const grace = positive(env, "TSA_GRACE_MS", MS);
  const pollMs = positive(env, "TSA_POLL_MS", MS) ?? 2_000;
  const attempts = positive(env, "TSA_MAX_ATTEMPTS", "an integer >= 1");
  if (attempts !== undefined && !Number.isInteger(attempts))
    throw new UserInputError(`TSA_MAX_ATTEMPTS: expected an integer >= 1, got '${env.TSA_MAX_ATTEMPTS}'`);
  // A run whose heartbeat is older than the grace period is taken from its worker: a grace no longer than
  // one heartbeat would take runs from workers that are alive.
  if (grace !== undefined && grace <= heartbeatMs)
    throw new UserInputError(
      `TSA_GRACE_MS: expected more than TSA_HEARTBEAT_MS (${heartbeatMs} ms: a run would be taken from its living worker), got ${grace}`,
    );
  return { heartbeatMs, graceMs: grace ?? Math.max(60_000, 6 * heartbeatMs), maxAttempts: attempts ?? 3, pollMs };
}
