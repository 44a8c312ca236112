/**
 * Expected best validation score of a random search of n trials (Dodge et al. 2019, "Show Your Work", eq. 1),
 * estimated from the N trials that ran. With the N scores sorted from worst to best, v(1) … v(N), and n trials
 * drawn with replacement from them, the best of the n is v(i) with probability (i/N)^n − ((i−1)/N)^n, so
 *
 *   E[best of n] = Σ_{i=1..N} v(i) · ((i/N)^n − ((i−1)/N)^n).
 *
 * The curve over n = 1 … N tells whether more budget could still change the choice: a curve still rising at
 * n = N says it could.
 */
export function expectedBestCurve(scores: readonly number[], higherIsBetter: boolean): number[] {
  const N = scores.length;
  if (N === 0) return [];
  const worstFirst = [...scores].sort((a, b) => (higherIsBetter ? a - b : b - a));
  return Array.from({ length: N }, (_, k) => {
    const n = k + 1;
    return worstFirst.reduce((sum, v, i) => sum + v * ((i + 1) / N) ** n - v * (i / N) ** n, 0);
  });
}
