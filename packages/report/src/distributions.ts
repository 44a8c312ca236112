// The few jstat distributions the statistics need. jstat ships no types and is CommonJS: loading it
// through require with a typed view keeps its types in this package, so every package that compiles
// our sources (the CLI's typecheck does) sees them without an ambient declaration file.
import { createRequire } from "node:module";

interface Distribution {
  cdf(x: number, ...params: number[]): number;
  inv(p: number, ...params: number[]): number;
}

interface JStat {
  studentt: Distribution;
  chisquare: Distribution;
  normal: Distribution;
}

export const jStat: JStat = (createRequire(import.meta.url)("jstat") as { jStat: JStat }).jStat;
