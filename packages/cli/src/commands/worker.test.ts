import { describe, expect, it } from "vitest";
import { phasedExperimentsToWarnOf } from "./worker.js";

const EXPERIMENTS = [
  { name: "fair-noise", spec: { tune: { budget: 6 } } },
  { name: "fair-location", spec: { tune: { budget: 6 }, sequential: { looks: [5, 10] } } },
  { name: "length", spec: { models: ["ffn"] } },
  { name: "old", spec: null },
];

describe("the stopping worker's note on later phases", () => {
  it("names the tuned or sequential experiments it trained for, not ones finished long ago", () => {
    expect(phasedExperimentsToWarnOf(EXPERIMENTS, undefined, new Set(["fair-location", "length"]))).toEqual(["fair-location"]);
  });

  it("names every one when it trained for none of them (it may have come between two phases), and only --experiment's when given", () => {
    expect(phasedExperimentsToWarnOf(EXPERIMENTS, undefined, new Set())).toEqual(["fair-noise", "fair-location"]);
    expect(phasedExperimentsToWarnOf(EXPERIMENTS, undefined, new Set(["length"]))).toEqual(["fair-noise", "fair-location"]);
    expect(phasedExperimentsToWarnOf(EXPERIMENTS, "fair-noise", new Set())).toEqual(["fair-noise"]);
    expect(phasedExperimentsToWarnOf(EXPERIMENTS, "length", new Set(["length"]))).toEqual([]);
  });
});
