// One variant's outcome on one seed, whichever framework produced it: the numbers the parity table shows.
import type { RunOutcome } from "@tsa/models";
import type { PytorchSummary } from "../pytorch/program.js";
import type { Variant } from "./variants.js";

export interface SeedResult {
  variant: Variant;
  seed: number;
  testF1: number;
  testRocAuc: number;
  testAccuracy: number;
  epochsRun: number;
  bestEpoch: number;
  /** Training time: every epoch's training and validation pass, not the data or the test evaluation. */
  seconds: number;
  /** Validation loss after each epoch: the learning curves compared side by side. */
  valLoss: number[];
  /**
   * Ours only: the model's code version (`modelCodeVersion`) the run trained with; absent in files written
   * before it was recorded, which were all version 1. A result of another version is trained again.
   */
  modelCodeVersion?: number;
}

export function fromPytorchSummary(summary: PytorchSummary): SeedResult {
  const { test_f1, test_roc_auc, test_acc, best_epoch } = summary;
  if (test_f1 === undefined || test_roc_auc === undefined || test_acc === undefined || best_epoch === undefined) {
    throw new Error("the PyTorch program's summary has no test metrics (was it run with --full?)");
  }
  return {
    variant: "pytorch",
    seed: summary.seed,
    testF1: test_f1,
    testRocAuc: test_roc_auc,
    testAccuracy: test_acc,
    epochsRun: summary.epochs_run,
    bestEpoch: best_epoch,
    seconds: summary.train_s,
    valLoss: summary.val_loss,
  };
}

export function fromRunOutcome(outcome: RunOutcome, variant: Variant, seed: number, modelCodeVersion: number): SeedResult {
  return {
    modelCodeVersion,
    variant,
    seed,
    testF1: outcome.metrics.test.f1,
    testRocAuc: outcome.metrics.test.rocAuc,
    testAccuracy: outcome.metrics.test.accuracy,
    epochsRun: outcome.epochs.length,
    bestEpoch: outcome.bestEpoch,
    seconds: outcome.trainDurationMs / 1000,
    valLoss: outcome.epochs.map((e) => e.valLoss),
  };
}

const NUMBER_FIELDS = ["seed", "testF1", "testRocAuc", "testAccuracy", "epochsRun", "bestEpoch", "seconds"] as const;

/** A result file's text back as a SeedResult; `file` names it in the error. */
export function parseSeedResult(text: string, file: string): SeedResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not JSON`);
  }
  const record = value as Record<string, unknown>;
  if (typeof value !== "object" || value === null || typeof record.variant !== "string") throw new Error(`${file}: no 'variant'`);
  for (const key of NUMBER_FIELDS) if (typeof record[key] !== "number") throw new Error(`${file}: no number '${key}'`);
  if (!Array.isArray(record.valLoss)) throw new Error(`${file}: no list 'valLoss'`);
  return value as SeedResult;
}
