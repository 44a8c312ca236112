// The archive problems an experiment names, read from their files: where a problem's files are in a folder,
// and the problem parsed once per process (a worker trains many runs of one problem).
import {
  archiveLabelledSplits,
  archiveProblem,
  classSizes,
  parseTsFile,
  parseUcrTsv,
  type ArchiveDataConfig,
  type ArchiveProblem,
  type LabelledSplit,
  type SplitName,
} from "@tsa/data";
import { shownPath, UserInputError } from "@tsa/errors";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's own `datasets/` (a few problems shipped with their provenance): the folder a file that names none reads. */
export const PROJECT_DATASETS = fileURLToPath(new URL("../../../../datasets/", import.meta.url));

export interface ProblemFiles {
  train: string;
  test: string;
}

const FORMATS = [".ts", ".tsv"] as const;

/**
 * A problem's train and test files in `folder`: `<folder>/<P>/<P>_TRAIN.ts` and `_TEST.ts` (the archive's
 * layout, as aeon and the UEA site ship it), else the UCR 2018 `.tsv` pair, else the same files directly in
 * `folder`. Null when no complete pair is there.
 */
export function problemFiles(folder: string, problem: string): ProblemFiles | null {
  for (const dir of [join(folder, problem), folder]) {
    for (const format of FORMATS) {
      const train = join(dir, `${problem}_TRAIN${format}`);
      const test = join(dir, `${problem}_TEST${format}`);
      if (existsSync(train) && existsSync(test)) return { train, test };
    }
  }
  return null;
}

/** The problems `folder` holds (sub-folders with a complete pair of files), for a message about one it lacks. */
export function problemsIn(folder: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  return entries
    .filter((name) => statSync(join(folder, name), { throwIfNoEntry: false })?.isDirectory() && problemFiles(folder, name) !== null)
    .sort();
}

function readFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UserInputError(`${shownPath(path)}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

const parse = (path: string) => (path.endsWith(".tsv") ? parseUcrTsv : parseTsFile)(readFile(path), shownPath(path));

const problems = new Map<string, ArchiveProblem>();
const summaries = new Map<string, ProblemSummary>();
const keyOf = (files: ProblemFiles) => `${files.train}\0${files.test}`;

/**
 * The problem read from `files`, checked (`DataFileError`, `file:line: expected …, got …`, on anything
 * malformed), and kept for the life of the process: a worker trains many runs of one problem.
 */
export function readArchiveProblem(problem: string, files: ProblemFiles): ArchiveProblem {
  let read = problems.get(keyOf(files));
  if (read === undefined) {
    read = archiveProblem(problem, parse(files.train), parse(files.test));
    problems.set(keyOf(files), read);
  }
  return read;
}

/** What loading and scheduling need to know of a problem, without its series. */
export interface ProblemSummary {
  length: number;
  channels: number;
  /** Cases of each class in the train file. */
  trainClasses: number[];
  testCases: number;
  /**
   * A hash of the series and labels both files hold, not of their bytes (the same values written another way
   * are the same data). A run records it, so an edited file re-runs the runs made from the old one.
   */
  seriesHash: string;
}

/** The hash of what training and testing read of a problem: its shape, classes, series and labels. */
function seriesHashOf(problem: ArchiveProblem): string {
  const hash = createHash("sha256").update(JSON.stringify([problem.length, problem.channels, problem.classes]));
  for (const split of [problem.train, problem.test]) {
    hash.update(new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength));
    hash.update(new Uint8Array(split.y.buffer, split.y.byteOffset, split.y.byteLength));
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * A problem's files checked and summarised, the summary kept, not the series: the process that loads a file and
 * schedules its runs (the sweep's) never holds a run's data; its workers read the problem themselves.
 */
export function summarizeArchiveProblem(problem: string, files: ProblemFiles): ProblemSummary {
  let summary = summaries.get(keyOf(files));
  if (summary === undefined) {
    const read = problems.get(keyOf(files)) ?? archiveProblem(problem, parse(files.train), parse(files.test));
    summary = {
      length: read.length,
      channels: read.channels,
      trainClasses: classSizes(read.train, read.classes.length),
      testCases: read.test.n,
      seriesHash: seriesHashOf(read),
    };
    summaries.set(keyOf(files), summary);
  }
  return summary;
}

/** The folder a run's problem is in: the one its file names (made absolute when the file was loaded), else the project's. */
export const problemFolder = (data: ArchiveDataConfig): string => data.folder ?? PROJECT_DATASETS;

/** The series hash (`ProblemSummary.seriesHash`) of a run's problem as its folder holds it now; null without its files. */
export function archiveSeriesHash(data: ArchiveDataConfig): string | null {
  const files = problemFiles(problemFolder(data), data.problem);
  return files === null ? null : summarizeArchiveProblem(data.problem, files).seriesHash;
}

/**
 * A run's splits of its archive problem: the train file less a stratified validation share drawn by the seed,
 * the test file as the archive gives it, z-normalised per series if the run asks.
 */
export function archiveRunSplits(data: ArchiveDataConfig, seed: number): Record<SplitName, LabelledSplit> {
  const folder = problemFolder(data);
  const files = problemFiles(folder, data.problem);
  if (files === null) throw new UserInputError(`data.problem: no files of problem '${data.problem}' in ${shownPath(folder)}`);
  return archiveLabelledSplits(readArchiveProblem(data.problem, files), seed, {
    validationShare: data.validation,
    zNormalize: data.zNormalize,
  });
}
