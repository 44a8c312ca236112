import { makeRng } from "@tsa/data";
import { canonicalJson } from "@tsa/data";
import type { Tune, TuneRange } from "./space.js";

/** One configuration to try: tuned key → value (`{ "model.normalize": "zscore", "train.lr": 0.003 }`). */
export type Trial = Record<string, unknown>;

/** The size of the grid of the listed values; Infinity when a key is a range. */
export function gridSize(space: Tune["space"]): number {
  return Object.values(space).reduce<number>((n, values) => n * (Array.isArray(values) ? values.length : Infinity), 1);
}

function gridTrial(space: Tune["space"], index: number): Trial {
  const trial: Trial = {};
  let rest = index;
  // The last key varies fastest, as in the sweep's grid.
  for (const [key, values] of Object.entries(space).reverse()) {
    const list = values as unknown[];
    trial[key] = list[rest % list.length];
    rest = Math.floor(rest / list.length);
  }
  return Object.fromEntries(Object.keys(space).map((key) => [key, trial[key]]));
}

function sampleRange(range: TuneRange, u: number): number {
  if ("log" in range) return Math.exp(Math.log(range.log[0]) + u * (Math.log(range.log[1]) - Math.log(range.log[0])));
  return range.range[0] + u * (range.range[1] - range.range[0]);
}

/**
 * The trials every model gets: the whole grid when it fits the budget, else `budget` of them drawn without
 * replacement (ranges drawn uniformly, or log-uniformly), seeded by the space itself so the same file tries
 * the same trials every time and every model tries the same ones.
 */
export function tuningTrials(tune: Pick<Tune, "space" | "budget">): Trial[] {
  const size = gridSize(tune.space);
  if (size <= tune.budget) return Array.from({ length: size }, (_, i) => gridTrial(tune.space, i));
  const rng = makeRng(0, `tune:${canonicalJson(tune.space)}`);
  if (Number.isFinite(size)) {
    const order = rng.permutation(size);
    return Array.from(order.subarray(0, tune.budget)).map((i) => gridTrial(tune.space, i));
  }
  const trials: Trial[] = [];
  const seen = new Set<string>();
  // Ranges make repeats all but impossible; the guard keeps a list-only corner (one-value ranges) finite.
  for (let attempt = 0; trials.length < tune.budget && attempt < tune.budget * 100; attempt++) {
    const trial = Object.fromEntries(
      Object.entries(tune.space).map(([key, values]) => [
        key,
        Array.isArray(values) ? rng.pick(values) : sampleRange(values, rng.uniform()),
      ]),
    );
    const id = canonicalJson(trial);
    if (seen.has(id)) continue;
    seen.add(id);
    trials.push(trial);
  }
  return trials;
}
