import { canonicalJson } from "@tsa/data";
import { testLook, type LookResult, type SequentialPlan, type Verdict } from "./decide.js";

/** A settled evaluation run as a sequential decision sees it: its metric on test and on validation (null: failed). */
export interface ComparedRun {
  model: string;
  point: Record<string, unknown>;
  seed: number;
  test: number | null;
  val: number | null;
}

/** A treatment and the models it may be compared with (one control, or the baselines the best is chosen from). */
export interface ComparisonPair {
  treatment: string;
  controls: readonly string[];
}

export interface SequentialComparison {
  point: Record<string, unknown>;
  treatment: string;
  /**
   * The control: the only one, or the baseline with the best mean validation score at the first look; null
   * while that is not chosen (not every baseline has a settled run on each seed of the first look).
   */
  control: string | null;
  /** Each look tested so far; the last one's `decided` is the verdict. */
  looks: LookResult[];
  /** ahead / behind / level, "undecided" at the last look, or null while it needs the next look's seeds. */
  verdict: Verdict | null;
  /** Paired differences (treatment − control) over the seeds of the last look tested, in seed order. */
  differences: number[];
  /** Seeds both models need for the next look; null once decided. */
  next: number | null;
}

/**
 * Where each comparison stands, re-derived from the settled runs alone (a resumed sweep, a worker's
 * coordinator and the report all reach the same decisions): at every point, each pair is tested look by
 * look, as far as both its models have settled runs for every seed of the look. The family is every pair at
 * every point, fixed by the file, so each comparison's share of α is known before any run.
 *
 * The best baseline is chosen once, on validation scores of the first look, never on the test metric the
 * comparison then tests, and never again: a control that changed between looks would make the looks test
 * different hypotheses.
 */
export function sequentialComparisons(
  plan: SequentialPlan,
  pairs: readonly ComparisonPair[],
  points: readonly Record<string, unknown>[],
  seeds: readonly number[],
  runs: readonly ComparedRun[],
): SequentialComparison[] {
  const byCell = new Map<string, Map<number, ComparedRun>>();
  for (const run of runs) {
    const key = cellKey(run.model, run.point);
    if (!byCell.has(key)) byCell.set(key, new Map());
    byCell.get(key)!.set(run.seed, run);
  }
  const cell = (model: string, point: Record<string, unknown>) => byCell.get(cellKey(model, point)) ?? new Map<number, ComparedRun>();
  const comparisons = points.length * pairs.length;
  return points.flatMap((point) =>
    pairs.map((pair) => {
      const firstSeeds = seeds.slice(0, plan.looks[0]);
      const control = pair.controls.length === 1 ? pair.controls[0]! : bestOnValidation(pair.controls, firstSeeds, (m) => cell(m, point));
      const treated = cell(pair.treatment, point);
      const controlled = cell(control ?? "", point);
      const looks: LookResult[] = [];
      let differences: number[] = [];
      for (let k = 0; k < plan.looks.length && control !== null; k++) {
        const lookSeeds = seeds.slice(0, plan.looks[k]);
        // A look is reached once both models have a settled run for each of its seeds.
        if (!lookSeeds.every((s) => treated.has(s) && controlled.has(s))) break;
        differences = lookSeeds.flatMap((s) => {
          const t = treated.get(s)!.test;
          const c = controlled.get(s)!.test;
          return t === null || c === null ? [] : [t - c];
        });
        const result = testLook(plan, comparisons, k, differences);
        looks.push(result);
        if (result.decided !== null) break;
      }
      const verdict = looks.at(-1)?.decided ?? null;
      const next = verdict !== null ? null : (plan.looks[looks.length] ?? null);
      return { point, treatment: pair.treatment, control, looks, verdict, differences, next };
    }),
  );
}

/** The control with the best mean validation score over the first look's seeds (ties: the first listed); null before any. */
function bestOnValidation(
  controls: readonly string[],
  seeds: readonly number[],
  cellOf: (model: string) => Map<number, ComparedRun>,
): string | null {
  // Chosen only once the first look has settled for every control: before, the choice could still change.
  if (!controls.every((m) => seeds.every((s) => cellOf(m).has(s)))) return null;
  let best: { model: string; mean: number } | null = null;
  for (const model of controls) {
    const values = seeds.map((s) => cellOf(model).get(s)!.val).filter((v): v is number => v !== null);
    if (values.length === 0) continue;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    if (best === null || mean > best.mean) best = { model, mean };
  }
  return best?.model ?? controls[0]!;
}

const cellKey = (model: string, point: Record<string, unknown>) => canonicalJson({ model, point });
