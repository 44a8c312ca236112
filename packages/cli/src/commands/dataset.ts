import { canonicalJson, datasetFiles, makeDataset, resolveDataConfig, type DataConfig } from "@tsa/data";
import { shownPath, UserInputError } from "@tsa/errors";
import { loadExperiment, pointSection, sweepPoints } from "@tsa/runner/experiment";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";
import { integerAtLeast } from "../options.js";
import { userPath } from "../paths.js";
import type { GlobalOptions } from "../options.js";

interface DatasetArgs extends GlobalOptions {
  file: string;
  seed: number;
  point?: string[];
  out: string;
}

/** One data config of the file: the data.* values of its sweep points (model.* and train.* axes share the data). */
interface DataPoint {
  point: Record<string, unknown>;
  config: DataConfig;
}

function dataPoints(file: string): DataPoint[] {
  const experiment = loadExperiment(userPath(file), { displayName: file, allowHugeGrid: true });
  const seen = new Map<string, DataPoint>();
  for (const point of sweepPoints(experiment)) {
    const data = pointSection(point, "data");
    if ("problem" in experiment.data || "problem" in data)
      throw new UserInputError(
        `${file} trains on archive problems: their series are their own files already (data.folder, default datasets/), nothing to generate`,
      );
    const config = resolveDataConfig({ ...experiment.data, ...data });
    const key = canonicalJson(config);
    if (!seen.has(key)) seen.set(key, { point: Object.fromEntries(Object.entries(data).map(([k, v]) => [`data.${k}`, v])), config });
  }
  return [...seen.values()];
}

const pointFlag = (point: Record<string, unknown>) =>
  Object.entries(point)
    .map(([k, v]) => `--point '${k}=${JSON.stringify(v)}'`)
    .join(" ");

/** `data.length=[0.1,0.2]` → the data points whose value there is that (JSON compared). */
function choose(points: DataPoint[], conditions: readonly string[], file: string): DataPoint {
  let left = points;
  for (const text of conditions) {
    const match = /^\s*(data\.[A-Za-z]+)\s*=\s*(.+?)\s*$/.exec(text);
    if (match === null) throw new UserInputError(`--point: expected data.<field>=<value> (e.g. 'data.length=[0.1,0.2]'), got '${text}'`);
    const [, key, raw] = match as unknown as [string, string, string];
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A bare word stays a string.
    }
    if (!points.some((p) => key in p.point)) {
      throw new UserInputError(
        `--point: ${file} does not sweep ${key}${points[0] && Object.keys(points[0].point).length > 0 ? ` (it sweeps ${Object.keys(points[0].point).join(", ")})` : " (it has one data config)"}`,
      );
    }
    left = left.filter((p) => JSON.stringify(p.point[key]) === JSON.stringify(value));
  }
  if (left.length === 1) return left[0]!;
  const choices = (left.length === 0 ? points : left).map((p) => `  ${pointFlag(p.point)}`).join("\n");
  throw new UserInputError(
    `${file}: ${left.length === 0 ? "no sweep point matches" : `${left.length} data configs match`}; choose one with --point:\n${choices}`,
  );
}

/** Writes the three files into a new folder beside `out`, then renames it: an interrupted write leaves nothing. */
function writeAtomically(out: string, files: ReturnType<typeof datasetFiles>): void {
  if (existsSync(out)) throw new UserInputError(`--out ${shownPath(out)}: already exists; choose another folder or remove it`);
  let temporary: string;
  try {
    // As `mkdir -p`: a results tree that does not exist yet (results/parity/seed-3/data) is the usual case.
    mkdirSync(dirname(out), { recursive: true });
    temporary = mkdtempSync(join(dirname(out), `.${basename(out)}.partial-`));
  } catch (e) {
    throw new UserInputError(`--out ${shownPath(out)}: cannot create it (${(e as Error).message})`);
  }
  try {
    writeFileSync(join(temporary, "meta.json"), `${JSON.stringify(files.meta, null, 2)}\n`);
    writeFileSync(join(temporary, "x.f32"), files.x);
    writeFileSync(join(temporary, "y.u8"), files.y);
    renameSync(temporary, out);
  } catch (e) {
    rmSync(temporary, { recursive: true, force: true });
    throw e;
  }
}

export const datasetCommand: CommandModule<GlobalOptions, DatasetArgs> = {
  command: "dataset <file>",
  describe: "Write the series a run trains, validates and tests on (meta.json, x.f32, y.u8) for another framework",
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .positional("file", { type: "string", demandOption: true, describe: "experiment file (YAML)" })
      .option("seed", {
        requiresArg: true,
        demandOption: true,
        coerce: integerAtLeast("seed", 0),
        describe: "the run's seed (it fixes the data)",
      })
      .option("point", {
        type: "string",
        array: true,
        requiresArg: true,
        describe: "which sweep point, as data.<field>=<value> (repeat for several axes)",
      })
      .option("out", {
        alias: "o",
        type: "string",
        requiresArg: true,
        demandOption: true,
        describe: "folder to create for the three files",
      }) as unknown as Argv<DatasetArgs>,
  handler: (argv: ArgumentsCamelCase<DatasetArgs>) => {
    const { point, config } = choose(dataPoints(argv.file), argv.point ?? [], argv.file);
    const files = datasetFiles(makeDataset(config, argv.seed));
    const out = userPath(argv.out);
    writeAtomically(out, files);
    const { n, t, train, val, test } = files.meta;
    console.log(
      `${shownPath(out)}: ${n} series × ${t} points (train ${train}, val ${val}, test ${test}), seed ${argv.seed}${Object.keys(point).length > 0 ? `, ${pointFlag(point)}` : ""}`,
    );
  },
};
