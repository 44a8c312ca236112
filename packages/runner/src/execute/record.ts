import type { RunOutcome } from "@tsa/models";
import type { MetricsRow, RunRecord } from "@tsa/tracker";

/**
 * The models' metrics and the store's row have the same keys (the store's come from its metric catalogue).
 * A field added on one side only is a type error here, not a value the spread below silently drops.
 */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : { onlyInModels: Exclude<keyof A, keyof B>; onlyInStore: Exclude<keyof B, keyof A> };
const metricKeysMatch: SameKeys<RunOutcome["metrics"]["test"], MetricsRow> = true;
void metricKeysMatch;

/** A training outcome in the store's words (the store knows runs, epochs, metrics and attention samples, not models). */
export function runRecord(outcome: RunOutcome): RunRecord {
  return {
    metrics: { val: { ...outcome.metrics.val }, test: { ...outcome.metrics.test } },
    epochs: outcome.epochs.map((e) => ({ ...e })),
    attention: outcome.attention.map((a) => ({ ...a })),
    trainDurationMs: outcome.trainDurationMs,
    bestEpoch: outcome.bestEpoch,
    stoppedEarly: outcome.stoppedEarly,
    didNotLearn: outcome.didNotLearn,
    backend: outcome.backend.backend,
    kernels: outcome.backend.kernels,
  };
}
