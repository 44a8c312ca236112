import { MODEL_NAMES, isModelName, type ModelName } from "@tsa/models";
import { parseArgs } from "node:util";

/** A preset, or a preset under the trainability recipe's parts (`bilstm-attention+recipe`). */
export type BenchModel = ModelName | `${ModelName}+recipe`;

/** The parts experiments/recipe/*.yaml give every model (its `model:`); its train key changes no epoch. */
export const RECIPE_PARTS = { normalize: "diff" } as const;

export function benchPreset(model: BenchModel): ModelName {
  return model.replace(/\+recipe$/, "") as ModelName;
}

const isBenchModel = (m: string): m is BenchModel => isModelName(m.replace(/\+recipe$/, ""));

export interface BenchOptions {
  models: BenchModel[];
  /** Measured epochs per model (after one warm-up epoch); also passed to the PyTorch reference. */
  epochs: number;
  /** Training batches measured per epoch, extrapolated to the full 219. */
  batches: number;
  json: boolean;
  profile: boolean;
  skip: Set<BenchPart>;
}

/** The parts of a bench run that --skip can leave out. */
const PARTS = ["epochs", "pytorch", "sweep"] as const;
export type BenchPart = (typeof PARTS)[number];

export const USAGE = `Usage: yarn bench [--models a,b] [--epochs N] [--batches N] [--json] [--profile] [--skip epochs,pytorch,sweep]
  Seconds per training epoch at the reference scale (10,000 × 500, batch 32) per model, the PyTorch
  reference with the same thread count, their ratio, and sweep throughput with 1 and 2 workers.
  A model may be a preset under the trainability recipe: --models bilstm-attention,bilstm-attention+recipe.`;

export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BenchUsageError(`--${name}: expected a positive integer, got '${value}'`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      models: { type: "string", default: MODEL_NAMES.join(",") },
      epochs: { type: "string", default: "1" },
      batches: { type: "string", default: "20" },
      json: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      skip: { type: "string", default: "" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const models = values.models
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  const unknown = models.filter((m) => !isBenchModel(m));
  if (unknown.length > 0 || models.length === 0) {
    throw new BenchUsageError(
      `--models: expected a comma-separated subset of ${MODEL_NAMES.join(", ")} (each also as <name>+recipe), got '${values.models}'`,
    );
  }
  const skip = values.skip
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const badSkip = skip.filter((s) => !(PARTS as readonly string[]).includes(s));
  if (badSkip.length > 0) throw new BenchUsageError(`--skip: expected some of ${PARTS.join(", ")}, got '${values.skip}'`);
  return {
    models: models as BenchModel[],
    epochs: positiveInt("epochs", values.epochs),
    batches: positiveInt("batches", values.batches),
    json: values.json,
    profile: values.profile,
    skip: new Set(skip as BenchPart[]),
  };
}
