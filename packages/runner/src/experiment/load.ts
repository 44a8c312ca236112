import { ARCHIVE_DATA_FIELDS, ArchiveDataFields, DataConfigFields, DataConfigSchema, DATA_CONFIG_FIELDS } from "@tsa/data";
import { DataFileError, ExperimentSpecError, ExperimentSpecProblems, nearest, UserInputError } from "@tsa/errors";
import {
  ModelSpecSchema,
  PRESET_NAMES,
  TrainConfigSchema,
  TRAIN_CONFIG_FIELDS,
  minimumNumPoints,
  parseModelSpec,
} from "@tsa/models/config";
import { z } from "zod";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseDocument, type YAMLError } from "yaml";
import { describeValue, keyPath, specErrorFromIssue, specErrorsFromIssue } from "./errors.js";
import { TuneSchema } from "../tune/space.js";
import {
  ArchiveSectionSchema,
  AXIS_PATTERN,
  CompareSchema,
  SequentialSchema,
  SequentialSeedsSchema,
  ExperimentSchema,
  VariantSchema,
  modelEntryName,
  namesArchiveProblem,
  type Experiment,
} from "./schema.js";
import { dataSectionAt, modelSpecInput, modelsAtPoints, sweepPoints } from "./expand.js";
import { archiveData, archiveProblemChecks } from "./archive-checks.js";
import { isTuned, plannedRunCount, trialsOf } from "./tuned.js";
import { comparedPairs } from "./compared.js";
import { tuneProblems } from "../tune/space.js";

const MODEL_FIELDS = Object.keys(ModelSpecSchema.shape);

export interface LoadOptions {
  /** Allow a grid larger than `maxRuns` (the CLI's --yes). */
  allowHugeGrid?: boolean;
  maxRuns?: number;
  /** How messages name the file (the path as the user typed it); defaults to the path read. */
  displayName?: string;
  /** What a relative `data.folder` is relative to: the experiment file's folder (loadExperiment), else the working directory. */
  baseDir?: string;
}

/** Above this many runs a sweep asks for --yes: a typo in a grid should not start a week of training. */
export const DEFAULT_MAX_RUNS = 1000;

/** Reads and validates an experiment file; every problem is an ExperimentSpecError naming file and key. */
export function loadExperiment(path: string, options: LoadOptions = {}): Experiment {
  const file = options.displayName ?? path;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserInputError(
      `${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not an experiment file" : (e as Error).message}`,
    );
  }
  return parseExperiment(text, file, { baseDir: dirname(path), ...options });
}

/**
 * Validates an experiment's text: YAML syntax, the schema, every sweep value against its field, every
 * resolved sweep point (cross-field rules such as length × numPoints), each model's minimum series
 * length, and the size of the grid. Nothing runs and nothing is written before this passes.
 */
export function parseExperiment(text: string, file: string, options: LoadOptions = {}): Experiment {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw oneOrAll(doc.errors.map((e) => syntaxProblem(file, e)));
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ExperimentSpecError(file, "", "a mapping with name, models, seeds (and data, sweep, train)", describeValue(raw));
  }
  // Every problem of the file at once: each entry of models, the schema, each sweep axis and value.
  const seeds = sequentialSeeds(file, raw);
  const problems = [...seeds.problems, ...modelEntryProblems(file, raw), ...dataSectionProblems(file, raw)];
  const parsed = ExperimentSchema.safeParse(seeds.raw);
  if (!parsed.success) {
    // An entry of models, and the data section, were checked on their own above, in words that name them.
    const rest = parsed.error.issues.filter((i) => !(i.path[0] === "models" && typeof i.path[1] === "number") && i.path[0] !== "data");
    problems.push(...rest.flatMap((i) => specErrorsFromIssue(file, raw, i, [], knownKeysAt)));
  }
  problems.push(...sweepAxisProblems(file, raw, sweepOf(raw)));
  if (!parsed.success && problems.length === 0) problems.push(specErrorFromIssue(file, raw, parsed.error.issues[0]!));
  if (problems.length > 0 || !parsed.success) throw oneOrAll(problems);
  const experiment = archiveData(parsed.data, options.baseDir ?? process.cwd());
  checkPartsNotSwept(file, experiment);
  checkResolvedPoints(file, experiment);
  const dataProblems = archiveProblemChecks(file, experiment);
  if (dataProblems.length > 0) throw oneOrAll(dataProblems);
  checkCompare(file, experiment);
  checkTune(file, experiment);
  checkSequential(file, experiment);
  checkGridSize(file, experiment, options);
  return experiment;
}

/**
 * `seeds: { looks: [5, 10, 20], … }` becomes every seed the last look may use (`first` on) and a `sequential`
 * block, which is how the validated experiment (and the stored spec) says it. Problems are named under `seeds`.
 */
function sequentialSeeds(file: string, raw: object): { raw: object; problems: ExperimentSpecError[] } {
  const seeds = (raw as { seeds?: unknown }).seeds;
  if (seeds === null || typeof seeds !== "object" || Array.isArray(seeds)) return { raw, problems: [] };
  const parsed = SequentialSeedsSchema.safeParse(seeds);
  // With the block's own problems said, the rest of the file is checked as if it had one seed.
  if (!parsed.success)
    return {
      raw: { ...raw, seeds: [1] },
      problems: parsed.error.issues.flatMap((i) => specErrorsFromIssue(file, raw, i, ["seeds"], knownKeysAt)),
    };
  if ("sequential" in raw)
    return {
      raw: { ...raw, seeds: [1] },
      problems: [new ExperimentSpecError(file, "sequential", "no sequential: block beside seeds: { looks } (one is enough)", "both")],
    };
  const { first, ...sequential } = parsed.data;
  const last = sequential.looks.at(-1)!;
  return { raw: { ...raw, seeds: Array.from({ length: last }, (_, i) => first + i), sequential }, problems: [] };
}

/**
 * Sequential seeds need comparisons to decide: the file's `compare:` between two of its models, or an
 * attention model against the best baseline at each point; and the last look cannot ask for more seeds than
 * the file lists.
 */
function checkSequential(file: string, experiment: Experiment): void {
  const sequential = experiment.sequential;
  if (sequential === undefined) return;
  if (sequential.looks.at(-1)! > experiment.seeds.length)
    throw new ExperimentSpecError(
      file,
      "sequential.looks",
      `at most ${experiment.seeds.length} seeds (the seeds listed)`,
      describeValue(sequential.looks),
    );
  if (experiment.compare?.axis !== undefined)
    throw new ExperimentSpecError(
      file,
      "compare.axis",
      "no axis with sequential seeds (they compare two models of the file)",
      describeValue(experiment.compare.axis),
    );
  if (experiment.compare === undefined && comparedPairs(experiment).length === 0)
    throw new ExperimentSpecError(
      file,
      "seeds",
      "a comparison to decide: compare: { treatment, control } or an attention model beside a baseline",
      "no attention model and no compare:",
    );
}

/**
 * The `data:` section in the words of what the file means by it: an archive problem's settings where the file
 * names a problem (in `data` or as a `data.problem` axis), else the generator's. A generator key beside a
 * problem is named as such rather than as a typo.
 */
function dataSectionProblems(file: string, raw: object): ExperimentSpecError[] {
  const data = (raw as { data?: unknown }).data;
  if (data === undefined || data === null || typeof data !== "object" || Array.isArray(data)) {
    if (data === undefined) return [];
    return [new ExperimentSpecError(file, "data", "a mapping of data settings", describeValue(data))];
  }
  if (!namesArchiveProblem(raw)) {
    const result = DataConfigFields.partial().strict().safeParse(data);
    return result.success ? [] : result.error.issues.flatMap((i) => specErrorsFromIssue(file, raw, i, ["data"], knownKeysAt));
  }
  const generatorKeys = Object.keys(data).filter((key) => (DATA_CONFIG_FIELDS as string[]).includes(key));
  const result = ArchiveSectionSchema.safeParse(Object.fromEntries(Object.entries(data).filter(([key]) => !generatorKeys.includes(key))));
  return [
    ...generatorKeys.map(
      (key) =>
        new ExperimentSpecError(
          file,
          `data.${key}`,
          `an archive problem's setting (${ARCHIVE_DATA_FIELDS.join(", ")}): ${key} is the generated task's, and this file names a problem`,
          `key '${key}'`,
        ),
    ),
    ...(result.success ? [] : result.error.issues.flatMap((i) => specErrorsFromIssue(file, raw, i, ["data"], knownKeysAt))),
  ];
}

/** One problem as it is; several as one error holding each. */
function oneOrAll(
  problems: ReadonlyArray<ExperimentSpecError | DataFileError>,
): ExperimentSpecError | DataFileError | ExperimentSpecProblems {
  return problems.length === 1 ? problems[0]! : new ExperimentSpecProblems(problems);
}

function syntaxProblem(file: string, error: YAMLError): ExperimentSpecError {
  const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
  const reason = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  return new ExperimentSpecError(file, `line ${line}, column ${col}`, "valid YAML", reason);
}

/** The keys valid at a path of the file, for "did you mean". */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): readonly string[] {
  const [first, second, third] = path;
  if (path.length === 0) return Object.keys(ExperimentSchema.shape);
  if (first === "data") return [...DATA_CONFIG_FIELDS, ...ARCHIVE_DATA_FIELDS];
  if (first === "train") return TRAIN_CONFIG_FIELDS;
  if (first === "model") return MODEL_FIELDS;
  if (first === "compare") return Object.keys(CompareSchema.shape);
  if (first === "tune" && path.length === 1) return Object.keys(TuneSchema.shape);
  if (first === "seeds" && path.length === 1) return Object.keys(SequentialSeedsSchema.shape);
  if (first === "sequential" && path.length === 1) return Object.keys(SequentialSchema.shape);
  if (first === "models" && typeof second === "number") return third === "train" ? TRAIN_CONFIG_FIELDS : Object.keys(VariantSchema.shape);
  return [];
}

/** The file's sweep axes whose values are lists (anything else is the schema's problem). */
function sweepOf(raw: object): Record<string, unknown[]> {
  const sweep = (raw as { sweep?: unknown }).sweep;
  if (sweep === null || typeof sweep !== "object" || Array.isArray(sweep)) return {};
  return Object.fromEntries(Object.entries(sweep).filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1])));
}

/** Data fields a sweep may run over: the generator's, and an archive problem's (not its folder, which is where, not what). */
const DATA_AXIS_FIELDS: readonly string[] = [...DATA_CONFIG_FIELDS, ...ARCHIVE_DATA_FIELDS.filter((f) => f !== "folder")];

const AXES = [
  ...DATA_AXIS_FIELDS.map((f) => `data.${f}`),
  ...TRAIN_CONFIG_FIELDS.map((f) => `train.${f}`),
  ...MODEL_FIELDS.map((f) => `model.${f}`),
];

function sweepAxisProblems(file: string, raw: unknown, sweep: Record<string, unknown[]>): ExperimentSpecError[] {
  return Object.entries(sweep).flatMap(([axis, values]) => {
    const match = AXIS_PATTERN.exec(axis);
    const [section, field] = match === null ? [undefined, undefined] : [match[1], match[2]!];
    const fields: readonly string[] =
      section === "data" ? DATA_AXIS_FIELDS : section === "train" ? TRAIN_CONFIG_FIELDS : section === "model" ? MODEL_FIELDS : [];
    if (field === undefined || !fields.includes(field)) {
      const near = nearest(axis, AXES);
      return [
        new ExperimentSpecError(
          file,
          keyPath(["sweep", axis]),
          `an axis named data.<field>, train.<field> or model.<part> (data: ${DATA_AXIS_FIELDS.join(", ")}; train: ${TRAIN_CONFIG_FIELDS.join(", ")}; model: ${MODEL_FIELDS.join(", ")})${near === undefined ? "" : ` (did you mean '${near}'?)`}`,
          `'${axis}'`,
        ),
      ];
    }
    if (section === "data" && namesArchiveProblem(raw as object) && (DATA_CONFIG_FIELDS as string[]).includes(field))
      return [
        new ExperimentSpecError(
          file,
          keyPath(["sweep", axis]),
          `an axis over an archive problem's settings (data.problem, data.validation, data.zNormalize): ${field} is the generated task's`,
          `'${axis}'`,
        ),
      ];
    const schema: z.ZodType =
      section === "data"
        ? field in DataConfigFields.shape
          ? DataConfigFields.shape[field as keyof typeof DataConfigFields.shape]
          : ArchiveDataFields.shape[field as keyof typeof ArchiveDataFields.shape]
        : section === "train"
          ? TrainConfigSchema.shape[field as keyof typeof TrainConfigSchema.shape]
          : ModelSpecSchema.shape[field as keyof typeof ModelSpecSchema.shape];
    const problems = values.flatMap((value, i) => {
      const result = schema.safeParse(value);
      return result.success ? [] : [specErrorFromIssue(file, raw, result.error.issues[0]!, ["sweep", axis, i])];
    });
    if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) {
      problems.push(new ExperimentSpecError(file, keyPath(["sweep", axis]), "each value once", describeValue(values)));
    }
    return problems;
  });
}

/**
 * A part a variant writes itself that a `model.<part>` axis also sets would be replaced at every point,
 * silently (issue 25 item 5): refused. A preset's own parts, and the file's `model:` (documented as below
 * the point), are what an axis is for.
 */
function checkPartsNotSwept(file: string, experiment: Experiment): void {
  for (const axis of Object.keys(experiment.sweep)) {
    if (!axis.startsWith("model.")) continue;
    const part = axis.slice("model.".length);
    experiment.models.forEach((entry, i) => {
      if (typeof entry === "string" || !(part in entry)) return;
      throw new ExperimentSpecError(
        file,
        keyPath(["models", i, part]),
        `no ${part} in a variant of a file that sweeps ${axis} (the axis sets it at every point; drop the axis or the variant's ${part})`,
        describeValue((entry as Record<string, unknown>)[part]),
      );
    });
  }
}

/** Resolves every point's data config (defaults + data + point) and checks it as a whole. */
function checkResolvedPoints(file: string, experiment: Experiment): void {
  modelsAtPoints(experiment).forEach(({ point, models }) => {
    const section = dataSectionAt(experiment, point);
    const archive = namesArchiveProblem(experiment);
    const result = archive ? ArchiveDataFields.safeParse(section) : DataConfigSchema.safeParse(section);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = String(issue.path[0] ?? "");
      if (archive && field === "problem" && section.problem === undefined)
        throw new ExperimentSpecError(
          file,
          "data.problem",
          `a problem's name (in data or as a data.problem axis): ${ARCHIVE_DATA_FIELDS.filter((f) => f !== "problem").join(", ")} are settings of an archive problem`,
          "nothing",
        );
      const axis = `data.${field}`;
      const where =
        axis in point
          ? ["sweep", axis, experiment.sweep[axis]!.findIndex((v) => JSON.stringify(v) === JSON.stringify(point[axis]))]
          : ["data", field];
      throw new ExperimentSpecError(
        file,
        keyPath(where),
        issue.message.replace(/^expected /, ""),
        describeValue(point[axis] ?? section[field]),
      );
    }
    models.forEach((parsed) => {
      const { entry, index: i } = parsed;
      const model = modelEntryName(entry);
      if ("problem" in parsed) {
        const { path, expected, found } = parsed.problem;
        const axis = `model.${String(path)}`;
        const fromVariant = typeof entry !== "string" && path !== "" && path in entry;
        const where =
          axis in point
            ? ["sweep", axis, experiment.sweep[axis]!.findIndex((v) => JSON.stringify(v) === JSON.stringify(point[axis]))]
            : !fromVariant && path in experiment.model
              ? ["model", path]
              : typeof entry === "string" || path === ""
                ? ["models", i]
                : ["models", i, path];
        const why =
          typeof entry !== "string" && entry.preset === undefined && (path === "encoder" || path === "pooling") && entry[path] === undefined
            ? `${expected} (a variant without a preset names its encoder and pooling)`
            : `${expected} (model '${model}'${axis in point ? ` at ${axis} ${describeValue(point[axis])}` : ""})`;
        throw new ExperimentSpecError(file, keyPath(where), why, found);
      }
      // An archive problem's length is its files': checked once they are read (archive-checks.ts).
      if (archive) return;
      const needed = minimumNumPoints(parsed.spec);
      const numPoints = (result.data as { numPoints: number }).numPoints;
      if (numPoints < needed) {
        const where = "data.numPoints" in point ? ["sweep", "data.numPoints"] : ["data", "numPoints"];
        throw new ExperimentSpecError(file, keyPath(where), `numPoints >= ${needed} for model '${model}'`, String(numPoints));
      }
    });
  });
}

/** Each `models` entry on its own, so a message names the entry: a preset's name or a variant mapping. */
function modelEntryProblems(file: string, raw: object): ExperimentSpecError[] {
  const models = (raw as { models?: unknown }).models;
  if (!Array.isArray(models)) return [];
  return models.flatMap((entry: unknown, i) => {
    const schema =
      typeof entry === "string"
        ? z.enum(PRESET_NAMES)
        : entry !== null && typeof entry === "object" && !Array.isArray(entry)
          ? VariantSchema
          : null;
    if (schema === null) {
      return [
        new ExperimentSpecError(
          file,
          keyPath(["models", i]),
          `a model name (${PRESET_NAMES.join(", ")}) or a variant { name, preset, <parts> }`,
          describeValue(entry),
        ),
      ];
    }
    const result = schema.safeParse(entry);
    return result.success ? [] : result.error.issues.flatMap((issue) => specErrorsFromIssue(file, raw, issue, ["models", i], knownKeysAt));
  });
}

/** `compare:` names two models of the file, or two levels of one of its `model.*` axes. */
function checkCompare(file: string, experiment: Experiment): void {
  const compare = experiment.compare;
  if (compare === undefined) return;
  const axis = compare.axis;
  if (axis !== undefined && !(axis in experiment.sweep)) {
    throw new ExperimentSpecError(
      file,
      "compare.axis",
      `one of the sweep's axes (${Object.keys(experiment.sweep).join(", ") || "none"})`,
      describeValue(axis),
    );
  }
  const levels = axis === undefined ? experiment.models.map(modelEntryName) : experiment.sweep[axis]!;
  const known = (value: unknown) => levels.some((level) => JSON.stringify(level) === JSON.stringify(value));
  for (const role of ["treatment", "control"] as const) {
    if (!known(compare[role])) {
      const what = axis === undefined ? "a model of this file" : `a value of sweep axis ${axis}`;
      throw new ExperimentSpecError(
        file,
        `compare.${role}`,
        `${what} (${levels.map((l) => describeValue(l)).join(", ")})`,
        describeValue(compare[role]),
      );
    }
  }
  if (JSON.stringify(compare.treatment) === JSON.stringify(compare.control)) {
    throw new ExperimentSpecError(file, "compare", "a treatment and a control that differ", describeValue(compare));
  }
}

/**
 * A `tune:` block: its values valid for their keys, tuning seeds disjoint from the evaluation seeds, no key
 * both tuned and swept (the axis would overwrite the trial), and every trial buildable for every model at
 * every point. Every problem at once, each naming its key below `tune`.
 */
function checkTune(file: string, experiment: Experiment): void {
  if (!isTuned(experiment)) return;
  const problems = tuneProblems(experiment.tune, experiment.seeds).map(
    (p) => new ExperimentSpecError(file, `tune.${p.path}`, p.expected, p.found),
  );
  for (const key of Object.keys(experiment.tune.space)) {
    if (key in experiment.sweep)
      problems.push(
        new ExperimentSpecError(file, `tune.space.${key}`, `a key the sweep does not also set (sweep.${key} is an axis)`, `'${key}'`),
      );
  }
  if (problems.length > 0) throw oneOrAll(problems);
  for (const [t, trial] of trialsOf(experiment).entries()) {
    for (const point of sweepPoints(experiment)) {
      for (const entry of experiment.models) {
        const parsed = parseModelSpec(modelSpecInput(entry, { ...point, ...trial }, experiment.model));
        if (!("problem" in parsed)) continue;
        const { path, expected, found } = parsed.problem;
        const key = `model.${String(path)}`;
        const where = key in trial ? `tune.space.${key}` : "tune.space";
        throw new ExperimentSpecError(
          file,
          where,
          `${expected} (model '${modelEntryName(entry)}' in trial ${t + 1}, ${describeValue(trial)})`,
          found,
        );
      }
    }
  }
}

function checkGridSize(file: string, experiment: Experiment, options: LoadOptions): void {
  const max = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const { trials, evaluations } = plannedRunCount(experiment);
  const runs = trials + evaluations;
  if (runs > max && options.allowHugeGrid !== true) {
    throw new ExperimentSpecError(file, "sweep", `at most ${max} runs (pass --yes to run a larger grid)`, `${runs} runs`);
  }
}
