import { parseArgs } from "node:util";
import { DEFAULT_PYTHON } from "../pytorch/program.js";
import { VARIANTS, isVariant, type Variant } from "./variants.js";

export interface ParityOptions {
  /** The experiment file whose data config (and training protocol) is compared. */
  experiment: string;
  /** `data.<field>=<value>` choices of a sweep point, passed to `./tsa dataset --point`. */
  points: string[];
  seeds: number[];
  variants: Variant[];
  /** Threads of each framework (the same for both). */
  threads: number;
  /** Where datasets and per-seed results go; a second run reuses what is there. */
  out: string | null;
  python: string;
  json: boolean;
  /** Also print each seed's validation-loss curves side by side. */
  curves: boolean;
  /** Train nothing: the tables from the results already in --out (while a run is still going, say). */
  reportOnly: boolean;
}

export const USAGE = `Usage: yarn parity [--experiment FILE] [--point data.<f>=<v>]… [--seeds K | --seeds 0,3,7 | --seeds 5..9] [--threads N]
                   [--variants ${VARIANTS.join(",")}] [--out DIR] [--python PATH] [--json] [--curves] [--report-only]
  Trains the project's PyTorch program and our bilstm-attention (as shipped; with init: pytorch and adamEpsilon
  1e-8; under the recipe: normalize diff, patienceFrom learning) on the very same series, seed by seed, and
  compares their test F1: per seed, mean ± std, Welch's t test and the Mann–Whitney U test of each of ours
  against PyTorch.
  --experiment  the data config and training protocol (default experiments/parity.yaml: 4,000 × 250)
  --seeds       how many seeds from 0 (default 5), or a comma-separated list of seeds and ranges (0..0: seed 0 alone)
  --threads     threads per framework (default 1)
  --out         datasets and results, reused by a later run (default results/parity/<experiment name>)
  --python      the interpreter that has torch (default ${DEFAULT_PYTHON})
  --curves      also each seed's validation loss per epoch, variants side by side
  --report-only train nothing: the tables from the results already in --out`;

export class ParityUsageError extends Error {
  override name = "ParityUsageError";
}

/** `K` (seeds 0 to K-1) or a list of seeds and ranges: `3,7`, `5..9`, `0..0` (seed 0 alone). */
function seedsOf(text: string): number[] {
  const bad = () =>
    new ParityUsageError(`--seeds: expected a count or a comma-separated list of seeds and ranges (0,3,7 or 5..9), got '${text}'`);
  const isSeed = (p: string) => /^\d+$/.test(p);
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length === 1 && isSeed(parts[0]!)) {
    const count = Number(parts[0]);
    if (count === 0) throw new ParityUsageError("--seeds: expected at least 1 seed, got 0 (seed 0 alone is --seeds 0..0)");
    return Array.from({ length: count }, (_, i) => i);
  }
  const numbers = parts.flatMap((part) => {
    if (isSeed(part)) return [Number(part)];
    const range = /^(\d+)\.\.(\d+)$/.exec(part);
    if (range === null || Number(range[2]) < Number(range[1])) throw bad();
    const [from, to] = [Number(range[1]), Number(range[2])];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
  if (new Set(numbers).size !== numbers.length) throw new ParityUsageError(`--seeds: a seed is listed twice in '${text}'`);
  return numbers;
}

export function parseParityArgs(argv: string[]): ParityOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        experiment: { type: "string", default: "experiments/parity.yaml" },
        point: { type: "string", multiple: true, default: [] },
        seeds: { type: "string", default: "5" },
        variants: { type: "string", default: VARIANTS.join(",") },
        threads: { type: "string", default: "1" },
        out: { type: "string" },
        python: { type: "string", default: DEFAULT_PYTHON },
        json: { type: "boolean", default: false },
        curves: { type: "boolean", default: false },
        "report-only": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (e) {
    throw new ParityUsageError((e as Error).message);
  }
  if (values.help) return "help";
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1)
    throw new ParityUsageError(`--threads: expected a positive integer, got '${values.threads}'`);
  const variants = values.variants
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  if (variants.length === 0 || !variants.every(isVariant)) {
    throw new ParityUsageError(`--variants: expected a comma-separated subset of ${VARIANTS.join(", ")}, got '${values.variants}'`);
  }
  return {
    experiment: values.experiment,
    points: values.point,
    seeds: seedsOf(values.seeds),
    variants: VARIANTS.filter((v) => variants.includes(v)),
    threads,
    out: values.out ?? null,
    python: values.python,
    json: values.json,
    curves: values.curves,
    reportOnly: values["report-only"],
  };
}
