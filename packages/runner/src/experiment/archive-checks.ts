// What loading checks of the archive problems a file names: that each problem's files are where the file
// says, that they parse (every malformed file named at its line, before any run starts), that every model can
// read series that long, and that the validation split holds a case wherever something reads it.
import { ARCHIVE_DATA_FIELDS, validationCount } from "@tsa/data";
import { DataFileError, ExperimentSpecError, nearest, shownPath, UserInputError } from "@tsa/errors";
import { minimumNumPoints } from "@tsa/models/config";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { PROJECT_DATASETS, problemFiles, problemsIn, summarizeArchiveProblem } from "./archive.js";
import { describeValue, keyPath } from "./errors.js";
import { dataSectionAt, modelsAtPoints, trainConfigAt } from "./expand.js";
import { isTuned } from "./tuned.js";
import { modelEntryName, namesArchiveProblem, type Experiment } from "./schema.js";

/**
 * The file's data as an archive problem's alone: the generator's defaults the schema filled in are not the
 * user's (load refuses a generator key a user writes beside a problem), so the stored spec and the report do
 * not carry them. A relative `folder` is made absolute against `baseDir` (the experiment file's folder) and a
 * leading `~/` is the user's home, so every process that expands the stored spec reads the same files.
 */
export function archiveData(experiment: Experiment, baseDir: string): Experiment {
  if (!namesArchiveProblem(experiment)) return experiment;
  const data: Record<string, unknown> = Object.fromEntries(
    Object.entries(experiment.data).filter(([key]) => (ARCHIVE_DATA_FIELDS as string[]).includes(key)),
  );
  if (typeof data.folder === "string") {
    const home = data.folder === "~" || data.folder.startsWith("~/") ? join(homedir(), data.folder.slice(1)) : data.folder;
    data.folder = isAbsolute(home) ? home : resolve(baseDir, home);
  }
  return { ...experiment, data };
}

/** Where a point's value of a data key is written: its sweep value, else `data.<key>`. */
function keyOf(experiment: Experiment, point: Record<string, unknown>, field: string): string {
  const axis = `data.${field}`;
  if (!(axis in point)) return axis;
  return keyPath(["sweep", axis, experiment.sweep[axis]!.findIndex((v) => JSON.stringify(v) === JSON.stringify(point[axis]))]);
}

/**
 * Whether a model's runs read validation scores: early stopping on validation loss (any protocol but
 * fawaz2019), choosing a tuned configuration, or choosing the best baseline of a sequential comparison.
 */
function readsValidation(experiment: Experiment, protocol: string | undefined): string | null {
  if (protocol !== "fawaz2019") return `its protocol, ${protocol ?? "early-stopping"}, stops on validation loss`;
  if (isTuned(experiment)) return "tune: chooses its configuration on validation";
  if (experiment.sequential !== undefined && experiment.compare === undefined)
    return "sequential seeds choose the best baseline on validation";
  return null;
}

/** Every problem of the file's archive points, each read once; all problems found at once. */
export function archiveProblemChecks(file: string, experiment: Experiment): Array<ExperimentSpecError | DataFileError> {
  if (!namesArchiveProblem(experiment)) return [];
  const problems: Array<ExperimentSpecError | DataFileError> = [];
  const unreadable = new Set<string>();
  for (const { point, models } of modelsAtPoints(experiment)) {
    const section = dataSectionAt(experiment, point);
    if (typeof section.problem !== "string") continue;
    const name = section.problem;
    const folder = typeof section.folder === "string" ? section.folder : PROJECT_DATASETS;
    if (!existsSync(folder)) {
      problems.push(new ExperimentSpecError(file, "data.folder", "an existing folder of archive problems", describeValue(folder)));
      continue;
    }
    const where = keyOf(experiment, point, "problem");
    const files = problemFiles(folder, name);
    if (files === null) {
      problems.push(missingProblem(file, where, name, folder));
      continue;
    }
    if (unreadable.has(files.train)) continue;
    let summary;
    try {
      summary = summarizeArchiveProblem(name, files);
    } catch (e) {
      if (!(e instanceof DataFileError || e instanceof UserInputError)) throw e;
      problems.push(e instanceof DataFileError ? e : new ExperimentSpecError(file, where, "readable files", e.message));
      unreadable.add(files.train);
      continue;
    }
    const share = typeof section.validation === "number" ? section.validation : 0.2;
    const heldOut = validationCount(summary.trainClasses, share);
    for (const parsed of models) {
      if ("problem" in parsed) continue;
      const model = modelEntryName(parsed.entry);
      const needed = minimumNumPoints(parsed.spec);
      if (summary.length < needed)
        problems.push(
          new ExperimentSpecError(file, where, `series of at least ${needed} steps for model '${model}'`, `${name}, of ${summary.length}`),
        );
      const reader = readsValidation(experiment, trainConfigAt(experiment, parsed.entry, point).protocol);
      if (heldOut === 0 && reader !== null)
        problems.push(
          new ExperimentSpecError(
            file,
            keyOf(experiment, point, "validation"),
            `a validation share that holds out a case of ${name}'s train file (classes of ${summary.trainClasses.join(", ")}) for model '${model}': ${reader} (train.protocol: fawaz2019 alone needs none)`,
            String(share),
          ),
        );
    }
  }
  // One message per problem and key, not one per model and point.
  return problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
}

/** Names listed in a message about a problem the folder lacks; a whole archive download lists as a count. */
const LISTED = 12;

function missingProblem(file: string, where: string, name: string, folder: string): ExperimentSpecError {
  const known = problemsIn(folder);
  const near = nearest(name, known);
  const listed = known.length === 0 ? "none there" : known.length <= LISTED ? known.join(", ") : `${known.length} problems there`;
  return new ExperimentSpecError(
    file,
    where,
    `a problem with <name>_TRAIN and <name>_TEST files (.ts or .tsv) in ${shownPath(folder)} (${listed})${near === undefined ? "" : ` (did you mean '${near}'?)`}`,
    describeValue(name),
  );
}
