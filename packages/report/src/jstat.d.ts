// The few jstat functions we use (the package ships no types; it is CommonJS, so a default import).
declare module "jstat" {
  interface Distribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  const jstat: { jStat: { studentt: Distribution; chisquare: Distribution; normal: Distribution } };
  export default jstat;
}
