import { createRequire } from "node:module";

// jstat is CommonJS and ships no types: the one function used here, typed.
const { jStat } = createRequire(import.meta.url)("jstat") as {
  jStat: { normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number } };
};

export const BOUNDARIES = ["obrien-fleming", "pocock"] as const;
export type Boundary = (typeof BOUNDARIES)[number];

/**
 * Lan–DeMets alpha spending (Lan & DeMets 1983): the share of a comparison's α spent by information fraction
 * t = n / n_max. O'Brien–Fleming-like spends almost nothing early (2 − 2Φ(z_{1−α/2} / √t)), Pocock-like
 * evenly (α · ln(1 + (e − 1) t)); both spend exactly α at t = 1.
 */
export function alphaSpent(boundary: Boundary, alpha: number, t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  if (boundary === "pocock") return alpha * Math.log(1 + (Math.E - 1) * t);
  return 2 - 2 * jStat.normal.cdf(jStat.normal.inv(1 - alpha / 2, 0, 1) / Math.sqrt(t), 0, 1);
}

/** The level each look tests at: what the spending function adds at that look's seeds. They sum to α. */
export function lookLevels(looks: readonly number[], alpha: number, boundary: Boundary): number[] {
  const last = looks.at(-1)!;
  return looks.map((n, k) => alphaSpent(boundary, alpha, n / last) - (k === 0 ? 0 : alphaSpent(boundary, alpha, looks[k - 1]! / last)));
}
