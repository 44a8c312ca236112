import seedrandom from "seedrandom";

/** A seeded random stream: uniform floats, integers, picks, Gaussians, permutations. */
export interface Rng {
  uniform(): number;
  int(maxExclusive: number): number;
  pick<T>(values: readonly T[]): T;
  gaussian(): number;
  permutation(n: number): Int32Array;
}

/** Alea (seedrandom's fastest good generator), keyed by a label so separate streams never overlap. */
export function makeRng(seed: number, stream: string): Rng {
  const next = seedrandom.alea(`${stream}:${seed}`);
  let spare: number | null = null;
  const rng: Rng = {
    uniform: () => next(),
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    pick: (values) => values[rng.int(values.length)] as (typeof values)[number],
    gaussian: () => {
      // Box–Muller gives two normals per pair of uniforms; keep the second for the next call.
      if (spare !== null) {
        const value = spare;
        spare = null;
        return value;
      }
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    permutation: (n) => {
      const out = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = out[i] as number;
        out[i] = out[j] as number;
        out[j] = tmp;
      }
      return out;
    },
  };
  return rng;
}
