import { DataConfigFields, DataConfigSchema, DATA_CONFIG_FIELDS, type DataConfig } from "@tsa/data";
import { ExperimentSpecError, UserInputError } from "@tsa/errors";
import { TrainConfigSchema, TRAIN_CONFIG_FIELDS, minimumNumPoints, presetSpec } from "@tsa/models/config";
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { describeValue, keyPath, specErrorFromIssue } from "./errors.js";
import { AXIS_PATTERN, ExperimentSchema, type Experiment } from "./schema.js";
import { sweepPoints } from "./expand.js";

export interface LoadOptions {
  /** Allow a grid larger than `maxRuns` (the CLI's --yes). */
  allowHugeGrid?: boolean;
  maxRuns?: number;
  /** How messages name the file (the path as the user typed it); defaults to the path read. */
  displayName?: string;
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
    throw new UserInputError(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not an experiment file" : (e as Error).message}`);
  }
  return parseExperiment(text, file, options);
}

/**
 * Validates an experiment's text: YAML syntax, the schema, every sweep value against its field, every
 * resolved sweep point (cross-field rules such as length × numPoints), each model's minimum series
 * length, and the size of the grid. Nothing runs and nothing is written before this passes.
 */
export function parseExperiment(text: string, file: string, options: LoadOptions = {}): Experiment {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const [line, col] = syntax.linePos?.[0] ? [syntax.linePos[0].line, syntax.linePos[0].col] : [0, 0];
    const reason = syntax.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new ExperimentSpecError(file, `line ${line}, column ${col}`, "valid YAML", reason);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ExperimentSpecError(file, "", "a mapping with name, models, seeds (and data, sweep, train)", describeValue(raw));
  }
  const parsed = ExperimentSchema.safeParse(raw);
  if (!parsed.success) throw specErrorFromIssue(file, raw, parsed.error.issues[0]!);
  const experiment = parsed.data;
  checkSweepAxes(file, raw, experiment);
  checkResolvedPoints(file, experiment);
  checkGridSize(file, experiment, options);
  return experiment;
}

function checkSweepAxes(file: string, raw: unknown, experiment: Experiment): void {
  for (const [axis, values] of Object.entries(experiment.sweep)) {
    const match = AXIS_PATTERN.exec(axis);
    const [section, field] = match === null ? [undefined, undefined] : [match[1], match[2]!];
    const fields: readonly string[] = section === "data" ? DATA_CONFIG_FIELDS : section === "train" ? TRAIN_CONFIG_FIELDS : [];
    if (field === undefined || !fields.includes(field)) {
      throw new ExperimentSpecError(
        file,
        keyPath(["sweep", axis]),
        `an axis named data.<field> or train.<field> (data: ${DATA_CONFIG_FIELDS.join(", ")}; train: ${TRAIN_CONFIG_FIELDS.join(", ")})`,
        `'${axis}'`,
      );
    }
    const schema =
      section === "data"
        ? DataConfigFields.shape[field as keyof typeof DataConfigFields.shape]
        : TrainConfigSchema.shape[field as keyof typeof TrainConfigSchema.shape];
    values.forEach((value, i) => {
      const result = schema.safeParse(value);
      if (!result.success) throw specErrorFromIssue(file, raw, result.error.issues[0]!, ["sweep", axis, i]);
    });
    if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) {
      throw new ExperimentSpecError(file, keyPath(["sweep", axis]), "each value once", describeValue(values));
    }
  }
}

/** Resolves every point's data config (defaults + data + point) and checks it as a whole. */
function checkResolvedPoints(file: string, experiment: Experiment): void {
  sweepPoints(experiment).forEach((point) => {
    const overrides = Object.fromEntries(
      Object.entries(point).filter(([axis]) => axis.startsWith("data.")).map(([axis, v]) => [axis.slice(5), v]),
    );
    const result = DataConfigSchema.safeParse({ ...experiment.data, ...overrides });
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const field = String(issue.path[0] ?? "");
      const axis = `data.${field}`;
      const where = axis in point ? ["sweep", axis, experiment.sweep[axis]!.findIndex((v) => JSON.stringify(v) === JSON.stringify(point[axis]))] : ["data", field];
      throw new ExperimentSpecError(file, keyPath(where), issue.message.replace(/^expected /, ""), describeValue(point[axis] ?? experiment.data[field as keyof DataConfig]));
    }
    for (const model of experiment.models) {
      const needed = minimumNumPoints(presetSpec(model));
      if (result.data.numPoints < needed) {
        const where = "data.numPoints" in point ? ["sweep", "data.numPoints"] : ["data", "numPoints"];
        throw new ExperimentSpecError(file, keyPath(where), `numPoints >= ${needed} for model '${model}'`, String(result.data.numPoints));
      }
    }
  });
}

function checkGridSize(file: string, experiment: Experiment, options: LoadOptions): void {
  const max = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const runs = sweepPoints(experiment).length * experiment.models.length * experiment.seeds.length;
  if (runs > max && options.allowHugeGrid !== true) {
    throw new ExperimentSpecError(file, "sweep", `at most ${max} runs (pass --yes to run a larger grid)`, `${runs} runs`);
  }
}
