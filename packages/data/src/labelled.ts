import type { ArchiveProblem, ArchiveSplit } from "./archive-problem.js";
import { DEFAULT_VALIDATION_SHARE, validationSplit, zNormalizeSeries } from "./archive-problem.js";
import type { SplitArrays, SplitName } from "./dataset.js";

/**
 * One split of labelled series from any source, as the models train on it: n cases of numPoints steps and
 * numChannels channels, channels last (case × time × channel), each labelled with a class index.
 */
export interface LabelledSplit {
  /** n · numPoints · numChannels values: case i, step t, channel c at (i · numPoints + t) · numChannels + c. */
  x: Float32Array;
  /** Class index of each case, 0 … numClasses − 1. */
  labels: Int32Array;
  n: number;
  numPoints: number;
  numChannels: number;
  /** Classes of the problem (not only those present in this split). */
  numClasses: number;
  /** 2 · n: [start, end) of each case's known anomaly window, −1, −1 where it has none; null when the source knows no windows. */
  windows: Int32Array | null;
  /** Index of each case in its source (the dataset, or the archive file it came from). */
  indices: Int32Array;
}

/** The generated anomaly task's split as labelled series: one channel, two classes (1 = anomalous), values unchanged. */
export function labelledSplit(split: SplitArrays): LabelledSplit {
  return {
    x: split.x,
    labels: Int32Array.from(split.labels),
    n: split.n,
    numPoints: split.numPoints,
    numChannels: 1,
    numClasses: 2,
    windows: split.windows,
    indices: split.indices,
  };
}

export interface ArchiveSplitOptions {
  /** Share of each class of the train file held out for validation; 0 trains on the whole file (the archive's papers). */
  validationShare?: number;
  /** Each channel of each case z-normalised (`zNormalizeSeries`) before training. */
  zNormalize?: boolean;
}

/**
 * An archive problem's train, validation and test splits as labelled series: validation cut from the train
 * file by `validationSplit` (stratified, seeded), the test file as the archive gives it.
 */
export function archiveLabelledSplits(
  problem: ArchiveProblem,
  seed: number,
  options: ArchiveSplitOptions = {},
): Record<SplitName, LabelledSplit> {
  const splits = validationSplit(problem, seed, options.validationShare ?? DEFAULT_VALIDATION_SHARE);
  const labelled = (split: ArchiveSplit): LabelledSplit => ({
    x: options.zNormalize === true ? zNormalizeSeries(split.x, problem.length, problem.channels) : split.x,
    labels: split.y,
    n: split.n,
    numPoints: problem.length,
    numChannels: problem.channels,
    numClasses: problem.classes.length,
    windows: null,
    indices: split.rows,
  });
  return { train: labelled(splits.train), val: labelled(splits.val), test: labelled(splits.test) };
}
