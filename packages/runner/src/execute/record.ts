import type { RunOutcome } from "@tsa/models";
import type { RunRecord } from "@tsa/tracker";

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
