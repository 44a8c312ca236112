// The reference scale every number of `yarn bench` is stated at (DESIGN.md): 10,000 series of 500
// points split 70/10/20, batch 32. One epoch is ceil(7,000 / 32) = 219 training batches plus the
// validation pass over 1,000 series.
import { makeDataset, resolveDataConfig, takeSplit, type SplitArrays } from "@tsa/data";

export const REFERENCE = { size: 10_000, numPoints: 500, batchSize: 32, lr: 0.001 } as const;

export interface ReferenceSplits {
  train: SplitArrays;
  val: SplitArrays;
  /** Training batches in one full epoch. */
  batchesPerEpoch: number;
}

export function referenceSplits(seed = 0): ReferenceSplits {
  const dataset = makeDataset(resolveDataConfig({ size: REFERENCE.size, numPoints: REFERENCE.numPoints }), seed);
  const train = takeSplit(dataset, "train");
  return { train, val: takeSplit(dataset, "val"), batchesPerEpoch: Math.ceil(train.n / REFERENCE.batchSize) };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
