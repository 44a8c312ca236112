// The archive problems an experiment names, read from their files: where a problem's files are in a folder,
// and the problem parsed once while its files are unchanged (a worker trains many runs of one problem).
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
import { RunFailedError, shownPath, UserInputError } from "@tsa/errors";
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

/**
 * What tells a kept copy of a file from the file as it is now: its inode (a file replaced by a rename, as
 * editors and `cp` over it do, is another), size and modification time, and its change time, which no copy
 * that keeps times (`cp -p`, `rsync -a`, tar) can set back.
 */
function fileState(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? "missing" : `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
}

/**
 * Values kept per problem (its train and test files) while neither file changes: a worker trains many runs of
 * one problem and reads it once, yet a long-lived worker or sweep reads a file again once it is edited.
 */
class KeptWhileUnchanged<T> {
  private readonly kept = new Map<string, { state: string; value: T }>();

  /** The value kept for `files` if they are as they were when it was computed. */
  peek(files: ProblemFiles): T | undefined {
    const kept = this.kept.get(`${files.train}\0${files.test}`);
    return kept !== undefined && kept.state === stateOf(files) ? kept.value : undefined;
  }

  get(files: ProblemFiles, compute: () => T): T {
    const kept = this.peek(files);
    if (kept !== undefined) return kept;
    // The state is taken before reading: an edit during the read leaves a state that no longer matches.
    const state = stateOf(files);
    const value = compute();
    this.kept.set(`${files.train}\0${files.test}`, { state, value });
    return value;
  }
}
const stateOf = (files: ProblemFiles) => `${fileState(files.train)}\0${fileState(files.test)}`;

const problems = new KeptWhileUnchanged<ArchiveProblem>();
const summaries = new KeptWhileUnchanged<ProblemSummary>();

/**
 * The problem read from `files`, checked (`DataFileError`, `file:line: expected …, got …`, on anything
 * malformed), and kept while its files are unchanged.
 */
export function readArchiveProblem(problem: string, files: ProblemFiles): ArchiveProblem {
  return problems.get(files, () => archiveProblem(problem, parse(files.train), parse(files.test)));
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

const seriesHashes = new WeakMap<ArchiveProblem, string>();

/** The hash of what training and testing read of a problem: its shape, classes, series and labels (once per read). */
function seriesHashOf(problem: ArchiveProblem): string {
  let hash = seriesHashes.get(problem);
  if (hash === undefined) {
    hash = computeSeriesHash(problem);
    seriesHashes.set(problem, hash);
  }
  return hash;
}

function computeSeriesHash(problem: ArchiveProblem): string {
  const hash = createHash("sha256").update(
    JSON.stringify([problem.length, problem.channels, problem.classes, problem.train.n, problem.test.n]),
  );
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
  return summaries.get(files, () => {
    const read = problems.peek(files) ?? archiveProblem(problem, parse(files.train), parse(files.test));
    return {
      length: read.length,
      channels: read.channels,
      trainClasses: classSizes(read.train, read.classes.length),
      testCases: read.test.n,
      seriesHash: seriesHashOf(read),
    };
  });
}

/** The folder a run's problem is in: the one its file names (made absolute when the file was loaded), else the project's. */
export const problemFolder = (data: ArchiveDataConfig): string => data.folder ?? PROJECT_DATASETS;

/** The series hash (`ProblemSummary.seriesHash`) of a run's problem as its files are now; null when its folder lacks them. */
export function archiveSeriesHash(data: ArchiveDataConfig): string | null {
  const files = problemFiles(problemFolder(data), data.problem);
  return files === null ? null : summarizeArchiveProblem(data.problem, files).seriesHash;
}

/**
 * A run's splits of its archive problem: the train file less a stratified validation share drawn by the seed,
 * the test file as the archive gives it, z-normalised per series if the run asks. With `recordedSeries` (the
 * hash the run was enqueued with), files edited since are refused: the result would stand under the old hash.
 */
export function archiveRunSplits(
  data: ArchiveDataConfig,
  seed: number,
  recordedSeries: string | null = null,
): Record<SplitName, LabelledSplit> {
  const folder = problemFolder(data);
  const files = problemFiles(folder, data.problem);
  if (files === null) throw new UserInputError(`data.problem: no files of problem '${data.problem}' in ${shownPath(folder)}`);
  const problem = readArchiveProblem(data.problem, files);
  // The hash of the very series read for training, not of another read of the files.
  const now = seriesHashOf(problem);
  if (recordedSeries !== null && now !== recordedSeries)
    throw new RunFailedError(
      `data.problem '${data.problem}': its files here (${shownPath(files.train)}, ${shownPath(files.test)}) hold other series ` +
        `(${now}) than this run was enqueued with (${recordedSeries}): edited since, or another copy than the enqueuing machine's; ` +
        "run the sweep again where the files are as they should be, to plan it on them",
    );
  return archiveLabelledSplits(problem, seed, { validationShare: data.validation, zNormalize: data.zNormalize });
}
