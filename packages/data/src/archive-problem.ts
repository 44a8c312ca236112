import { DataFileError } from "@tsa/errors";
import type { ArchiveFile } from "./archive-file.js";
import { makeRng } from "./rng.js";

/** One split of an archive problem: cases × length × channels values and a class index per case. */
export interface ArchiveSplit {
  x: Float32Array;
  /** Index into `ArchiveProblem.classes`. */
  y: Int32Array;
  n: number;
  /** Row of each case in the file it came from (train or test). */
  rows: Int32Array;
}

/** A problem as the archive gives it: its own train and test files, one length, channels and classes. */
export interface ArchiveProblem {
  name: string;
  length: number;
  channels: number;
  /** Class labels as written in the files, in class-index order. */
  classes: string[];
  train: ArchiveSplit;
  test: ArchiveSplit;
}

const numeric = (labels: readonly string[]) => labels.every((l) => Number.isFinite(Number(l)));

/**
 * The class order: the one `@classLabel` declares, else the labels sorted (numerically where every label is a
 * number, so 2 < 10), so a problem read from `.ts` or `.tsv` numbers its classes alike where it can.
 */
function classOrder(train: ArchiveFile, test: ArchiveFile): string[] {
  if (train.declaredClasses !== null) return train.declaredClasses;
  const labels = [...new Set([...train.labels, ...test.labels])];
  return numeric(labels) ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort();
}

function toSplit(file: ArchiveFile, classes: string[]): ArchiveSplit {
  const y = Int32Array.from(file.labels, (label) => classes.indexOf(label));
  return { x: file.x, y, n: file.cases, rows: Int32Array.from({ length: file.cases }, (_, i) => i) };
}

/**
 * Puts a problem's two files together, checking that they describe one problem: the same length and
 * channels, test labels the train file knows, and at least two classes.
 */
export function archiveProblem(name: string, train: ArchiveFile, test: ArchiveFile): ArchiveProblem {
  for (const key of ["length", "channels"] as const)
    if (test[key] !== train[key])
      throw new DataFileError(test.file, test.lines[0]!, `${key} ${train[key]}, as in ${train.file}`, `${test[key]}`);
  const classes = classOrder(train, test);
  const known = new Set(train.labels);
  const unseen = test.labels.findIndex((label) => !known.has(label));
  if (unseen >= 0)
    throw new DataFileError(
      test.file,
      test.lines[unseen]!,
      `a class label that ${train.file} has (${[...known].join(", ")})`,
      JSON.stringify(test.labels[unseen]),
    );
  if (known.size < 2)
    throw new DataFileError(
      train.file,
      train.lines.at(-1)!,
      "cases of at least two classes",
      `only class ${JSON.stringify(train.labels[0])}`,
    );
  return { name, length: train.length, channels: train.channels, classes, train: toSplit(train, classes), test: toSplit(test, classes) };
}

/** The cases of `split` at `picks`, copied out contiguously. */
function pick(split: ArchiveSplit, picks: readonly number[], caseSize: number): ArchiveSplit {
  const x = new Float32Array(picks.length * caseSize);
  picks.forEach((row, i) => x.set(split.x.subarray(row * caseSize, (row + 1) * caseSize), i * caseSize));
  return { x, y: Int32Array.from(picks, (row) => split.y[row]!), n: picks.length, rows: Int32Array.from(picks, (row) => split.rows[row]!) };
}

/** The archive's share of each train file held out for validation (early stopping and tuning) unless a file says otherwise. */
export const DEFAULT_VALIDATION_SHARE = 0.2;

/** Cases of a class of `cases` that validation holds out: round(share × cases), leaving at least one in train. */
const heldOutOfClass = (cases: number, share: number) => Math.max(0, Math.min(Math.round(share * cases), cases - 1));

/** How many cases `validationSplit` holds out of a train file with these class sizes (0: a share too small for it). */
export const validationCount = (classSizes: readonly number[], share: number): number =>
  classSizes.reduce((sum, cases) => sum + heldOutOfClass(cases, share), 0);

/** Each class's number of cases in a split, in class-index order. */
export function classSizes(split: ArchiveSplit, classes: number): number[] {
  const sizes = new Array<number>(classes).fill(0);
  for (const k of split.y) sizes[k]!++;
  return sizes;
}

/**
 * Cuts a stratified, seeded validation split from the train file: from each class, `round(share × its
 * cases)` cases drawn by the seed, always leaving at least one in train. The test file is the archive's,
 * untouched. Cases keep their file order inside each split.
 */
export function validationSplit(
  problem: ArchiveProblem,
  seed: number,
  share = DEFAULT_VALIDATION_SHARE,
): Record<"train" | "val" | "test", ArchiveSplit> {
  const rng = makeRng(seed, `archive-validation:${problem.name}`);
  const val: number[] = [];
  problem.classes.forEach((_, k) => {
    const members = [...problem.train.y.keys()].filter((row) => problem.train.y[row] === k);
    const take = heldOutOfClass(members.length, share);
    const order = rng.permutation(members.length);
    for (let i = 0; i < take; i++) val.push(members[order[i]!]!);
  });
  const held = new Set(val);
  const train = [...problem.train.y.keys()].filter((row) => !held.has(row));
  const caseSize = problem.length * problem.channels;
  return {
    train: pick(problem.train, train, caseSize),
    val: pick(
      problem.train,
      val.sort((a, b) => a - b),
      caseSize,
    ),
    test: problem.test,
  };
}

/**
 * Per-series z-normalisation, each channel of each case to mean 0 and standard deviation 1 (population std,
 * as aeon's and the archive's own normalisation); a constant channel only loses its mean.
 */
export function zNormalizeSeries(x: Float32Array, length: number, channels: number): Float32Array {
  const out = new Float32Array(x.length);
  const caseSize = length * channels;
  for (let start = 0; start < x.length; start += caseSize) {
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let t = 0; t < length; t++) sum += x[start + t * channels + c]!;
      const mean = sum / length;
      let squares = 0;
      for (let t = 0; t < length; t++) squares += (x[start + t * channels + c]! - mean) ** 2;
      const std = Math.sqrt(squares / length);
      const scale = std > 0 ? 1 / std : 1;
      for (let t = 0; t < length; t++) out[start + t * channels + c] = (x[start + t * channels + c]! - mean) * scale;
    }
  }
  return out;
}
