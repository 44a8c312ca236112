export { signedRank } from "./signed-rank.js";
export type { SignedRank } from "./signed-rank.js";
export { alphaSpent, lookLevels, BOUNDARIES } from "./spending.js";
export type { Boundary } from "./spending.js";
export { testLook, replayComparison, seedsNeeded } from "./decide.js";
export type { SequentialPlan, Verdict, LookResult } from "./decide.js";
export { simulateFamilies } from "./simulate.js";
export type { DifferenceSampler, OperatingCharacteristics } from "./simulate.js";
