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

export function queueTimings(env: NodeJS.ProcessEnv = process.env): QueueTimings {
  const ms = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const heartbeatMs = ms("TSA_HEARTBEAT_MS", 5_000);
  return {
    heartbeatMs,
    graceMs: ms("TSA_GRACE_MS", Math.max(60_000, 6 * heartbeatMs)),
    maxAttempts: ms("TSA_MAX_ATTEMPTS", 3),
    pollMs: ms("TSA_POLL_MS", 2_000),
  };
}
