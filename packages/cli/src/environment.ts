// The environment variables that tune the shared queue, checked as flags are, before anything is opened:
// the runner's own reading of them (`queueTimings`, tfjs-free) is the check.
import { queueTimings } from "@tsa/runner/timings";
import { UserInputError } from "@tsa/errors";

/** Throws the UserInputError (exit 2) that a bad `TSA_*` timing would give the engine, before anything is opened. */
export function checkQueueEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  queueTimings(env);
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
