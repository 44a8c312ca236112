// The environment variables that tune the shared queue, checked as flags are: a value that is not one
// (`TSA_GRACE_MS=abc`) stops the command with one line (exit 2) instead of silently becoming the default.
import { UserInputError } from "@tsa/errors";

const POSITIVE_MS = ["TSA_HEARTBEAT_MS", "TSA_GRACE_MS", "TSA_POLL_MS"] as const;

/** A set variable's value as a number > 0, else a UserInputError naming it; undefined when unset. */
function positive(env: NodeJS.ProcessEnv, name: string, what: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === "") return undefined;
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0)) throw new UserInputError(`${name}: expected ${what}, got '${text}'`);
  return value;
}

/** Checks the queue's timings before anything is opened; a grace period must outlast a heartbeat. */
export function checkQueueEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const [heartbeatMs, graceMs] = POSITIVE_MS.map((name) => positive(env, name, "a number of milliseconds > 0"));
  const attempts = positive(env, "TSA_MAX_ATTEMPTS", "an integer >= 1");
  if (attempts !== undefined && !Number.isInteger(attempts))
    throw new UserInputError(`TSA_MAX_ATTEMPTS: expected an integer >= 1, got '${env.TSA_MAX_ATTEMPTS}'`);
  // A run whose heartbeat is older than the grace period is taken from its worker: a grace no longer than
  // one heartbeat would take runs from workers that are alive.
  const heartbeat = heartbeatMs ?? 5_000;
  if (graceMs !== undefined && graceMs <= heartbeat)
    throw new UserInputError(
      `TSA_GRACE_MS: expected more than TSA_HEARTBEAT_MS (${heartbeat} ms: a run would be taken from its living worker), got ${graceMs}`,
    );
}

/**
 * A backend the user asked for by name must work here before a run is recorded: otherwise every run fails
 * in its worker. `auto` always finds one. tfjs loads only for this check.
 */
export async function checkBackend(requested: string): Promise<void> {
  if (requested === "auto") return;
  const { installedBackends, TENSORFLOW_MISSING } = await import("@tsa/models");
  const installed: readonly string[] = await installedBackends();
  if (!installed.includes(requested))
    throw new UserInputError(`--backend ${requested}: not installed here (${TENSORFLOW_MISSING}); installed: ${installed.join(", ")}`);
}
