import { signedRank } from "./signed-rank.js";
import { lookLevels, type Boundary } from "./spending.js";

/**
 * Seeds until decided. Each comparison (a treatment against a control at one sweep point, paired by seed)
 * gets α / m of the family's α (Bonferroni over the m comparisons), spent over the looks by a Lan–DeMets
 * function. At look k it is tested at the level spent there, Δα_k, by an exact signed-rank test:
 *   - ahead / behind: the two-sided test rejects (p ≤ Δα_k);
 *   - level: both one-sided tests of the differences shifted by ∓margin reject at Δα_k (two one-sided
 *     tests, TOST: the mean difference is inside ±margin);
 *   - else undecided: the next look's seeds, or "undecided" as the verdict at the last look.
 * Why this is valid with repeated looks and several comparisons: a false "ahead/behind" of comparison j at
 * some look has probability at most Σ_k Δα_k = α / m (union bound over looks; each exact test holds its
 * level at any n and for any symmetric null shape, the bimodal learned/chance mixture included), so at most α
 * over the family (union bound over comparisons). t-based group-sequential boundaries would spend less
 * conservatively but assume near-normal statistics, which 3–6 pairs of a bimodal metric are not.
 */
export interface SequentialPlan {
  /** Cumulative pairs (seeds) at each look, increasing, e.g. [3, 6, 12, 24]. */
  looks: number[];
  /** Family-wise error rate over every comparison and look. */
  alpha: number;
  boundary: Boundary;
  /** |mean difference| within which two models are "level". */
  margin: number;
}

export type Verdict = "ahead" | "behind" | "level" | "undecided";

export interface LookResult {
  look: number;
  n: number;
  /** Level this look tested at (this comparison's share of the family's α, spent at this look). */
  level: number;
  pTwoSided: number;
  pLevel: number;
  /** A verdict, or null when the comparison goes on to the next look. */
  decided: Verdict | null;
}

/**
 * Tests one comparison at one look, from its paired differences (treatment − control) so far.
 * `comparisons` is the family's size m.
 */
export function testLook(plan: SequentialPlan, comparisons: number, look: number, differences: readonly number[]): LookResult {
  const level = lookLevels(plan.looks, plan.alpha / comparisons, plan.boundary)[look]!;
  return testAtLevel(plan, look, level, differences);
}

/** One look's tests at a given level (the spent one; a simulation of naive repeated testing passes the whole α / m). */
export function testAtLevel(plan: SequentialPlan, look: number, level: number, differences: readonly number[]): LookResult {
  const test = signedRank(differences);
  const pTwoSided = Math.min(1, 2 * Math.min(test.pGreater, test.pLess));
  const pLevel = Math.max(
    signedRank(differences.map((d) => d + plan.margin)).pGreater,
    signedRank(differences.map((d) => d - plan.margin)).pLess,
  );
  const last = look === plan.looks.length - 1;
  let decided: Verdict | null = null;
  if (pTwoSided <= level) decided = test.pGreater < test.pLess ? "ahead" : "behind";
  else if (plan.margin > 0 && pLevel <= level) decided = "level";
  else if (last) decided = "undecided";
  return { look, n: differences.length, level, pTwoSided, pLevel, decided };
}

/**
 * Replays a comparison over its looks from all the differences recorded (by seed order): the verdict and the
 * look it was reached at. A resumed sweep calls this on the stored runs and takes the same decisions.
 */
export function replayComparison(plan: SequentialPlan, comparisons: number, differences: readonly number[]): LookResult[] {
  const results: LookResult[] = [];
  for (let look = 0; look < plan.looks.length && plan.looks[look]! <= differences.length; look++) {
    const result = testLook(plan, comparisons, look, differences.slice(0, plan.looks[look]));
    results.push(result);
    if (result.decided !== null) break;
  }
  return results;
}

/** Seeds a comparison needs next: the next look's count, or null once it is decided (or at the last look). */
export function seedsNeeded(plan: SequentialPlan, comparisons: number, differences: readonly number[]): number | null {
  const history = replayComparison(plan, comparisons, differences);
  const latest = history.at(-1);
  if (latest?.decided != null) return null;
  return plan.looks[history.length] ?? null;
}
