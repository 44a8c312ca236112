// What loading checks of the archive problems a file names: that each problem's files are where the file
// says, that they parse (every malformed file named at its line, before any run starts), that every model can
// read series that long, and that a run without a validation split is trained by a protocol that needs none.
import { ARCHIVE_DATA_FIELDS, DATA_CONFIG_FIELDS } from "@tsa/data";
import { DataFileError, ExperimentSpecError, nearest, UserInputError } from "@tsa/errors";
import { minimumNumPoints, resolveTrainConfig } from "@tsa/models/config";
import { isAbsolute, resolve } from "node:path";
import { PROJECT_DATASETS, problemFiles, problemsIn, readArchiveProblem, shownFile } from "./archive.js";
import { describeValue, keyPath } from "./errors.js";
import { dataSectionAt, modelsAtPoints, pointSection } from "./expand.js";
import { modelEntryName, type Experiment } from "./schema.js";

const ARCHIVE_ONLY: readonly string[] = ARCHIVE_DATA_FIELDS.filter((f) => !(DATA_CONFIG_FIELDS as string[]).includes(f));

/** A file means an archive problem when its `data` holds a problem's setting or its sweep runs over `data.problem`. */
export function isArchiveExperiment(raw: object): boolean {
  const data = (raw as { data?: unknown }).data;
  const sweep = (raw as { sweep?: unknown }).sweep;
  const inData = data !== null && typeof data === "object" && Object.keys(data).some((key) => ARCHIVE_ONLY.includes(key));
  return inData || (sweep !== null && typeof sweep === "object" && "data.problem" in sweep);
}

/**
 * A relative `data.folder` made absolute against `baseDir` (the experiment file's folder), so every process
 * that expands the stored spec (a worker started elsewhere) reads the same files.
 */
export function resolveFolder(experiment: Experiment, baseDir: string): Experiment {
  const folder = (experiment.data as { folder?: string }).folder;
  if (folder === undefined || isAbsolute(folder)) return experiment;
  return { ...experiment, data: { ...experiment.data, folder: resolve(baseDir, folder) } };
}

/** Where a point's problem is named: its sweep value, else `data.problem`. */
function problemKey(experiment: Experiment, point: Record<string, unknown>): string {
  if (!("data.problem" in point)) return "data.problem";
  return keyPath(["sweep", "data.problem", experiment.sweep["data.problem"]!.indexOf(point["data.problem"])]);
}

/** Every problem of the file's archive points, each read once; all problems found at once. */
export function archiveProblemChecks(file: string, experiment: Experiment): Array<ExperimentSpecError | DataFileError> {
  const problems: Array<ExperimentSpecError | DataFileError> = [];
  const seen = new Set<string>();
  for (const { point, models } of modelsAtPoints(experiment)) {
    const section = dataSectionAt(experiment, point);
    if (typeof section.problem !== "string") continue;
    const name = section.problem;
    const folder = typeof section.folder === "string" ? section.folder : PROJECT_DATASETS;
    const where = problemKey(experiment, point);
    const files = problemFiles(folder, name);
    if (files === null) {
      if (!seen.has(`missing:${where}`)) problems.push(missingProblem(file, where, name, folder));
      seen.add(`missing:${where}`);
      continue;
    }
    const key = `${files.train}\0${files.test}`;
    if (seen.has(`bad:${key}`)) continue;
    let length: number;
    try {
      length = readArchiveProblem(name, files).length;
    } catch (e) {
      if (!(e instanceof DataFileError || e instanceof UserInputError)) throw e;
      problems.push(e instanceof DataFileError ? e : new ExperimentSpecError(file, where, "readable files", e.message));
      seen.add(`bad:${key}`);
      continue;
    }
    for (const parsed of models) {
      if ("problem" in parsed) continue;
      const needed = minimumNumPoints(parsed.spec);
      if (length < needed)
        problems.push(
          new ExperimentSpecError(
            file,
            where,
            `series of at least ${needed} steps for model '${modelEntryName(parsed.entry)}'`,
            `${name}, of ${length}`,
          ),
        );
      const entryTrain = typeof parsed.entry === "string" ? {} : (parsed.entry.train ?? {});
      const train = resolveTrainConfig({ ...experiment.train, ...entryTrain, ...pointSection(point, "train") });
      if (section.validation === 0 && train.protocol !== "fawaz2019")
        problems.push(
          new ExperimentSpecError(
            file,
            "data.validation" in point
              ? keyPath(["sweep", "data.validation", experiment.sweep["data.validation"]!.indexOf(0)])
              : "data.validation",
            `a validation share above 0 for model '${modelEntryName(parsed.entry)}' (its protocol, ${train.protocol ?? "early-stopping"}, stops on validation loss; train.protocol: fawaz2019 needs none)`,
            "0",
          ),
        );
    }
  }
  // One message per problem and key, not one per model and point.
  return problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
}

function missingProblem(file: string, where: string, name: string, folder: string): ExperimentSpecError {
  const known = problemsIn(folder);
  const near = nearest(name, known);
  const listed = known.length === 0 ? "none there" : known.join(", ");
  return new ExperimentSpecError(
    file,
    where,
    `a problem with <name>_TRAIN and <name>_TEST files (.ts or .tsv) in ${shownFile(folder)} (${listed})${near === undefined ? "" : ` (did you mean '${near}'?)`}`,
    describeValue(name),
  );
}
