import { describe, expect, it } from "vitest";
import { parseExperiment } from "../experiment/load.js";
import { ExperimentSchema } from "../experiment/schema.js";
import { comparedPairs } from "../experiment/compared.js";
import { sequentialComparisons, type ComparedRun } from "./comparisons.js";
import type { SequentialPlan } from "./decide.js";

const PLAN: SequentialPlan = { looks: [7, 9], alpha: 0.05, boundary: "pocock", margin: 0.05 };
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const A = { "data.noise": 0 };
const B = { "data.noise": 1 };

/** Runs of a model at a point for the first `n` seeds, their test (and validation) metric from `value(seed)`. */
const runs = (model: string, point: Record<string, unknown>, n: number, value: (seed: number) => number | null): ComparedRun[] =>
  SEEDS.slice(0, n).map((seed) => ({ model, point, seed, test: value(seed), val: value(seed) }));

describe("sequentialComparisons", () => {
  const pairs = [{ treatment: "cnn", controls: ["ffn"] }];

  it("decides a level pair at the first look and sends an open one on to the next look's seeds", () => {
    const stored = [
      // Within ±0.005 of each other, either way: level (and not significantly ahead or behind).
      ...runs("cnn", A, 7, (s) => (s % 2 === 0 ? 1 : 0.99)),
      ...runs("ffn", A, 7, () => 0.995),
      ...runs("cnn", B, 7, (s) => 0.5 + (s % 2 === 0 ? 0.2 : -0.2)),
      ...runs("ffn", B, 7, () => 0.5),
    ];
    const [atA, atB] = sequentialComparisons(PLAN, pairs, [A, B], SEEDS, stored);
    expect(atA).toMatchObject({ verdict: "level", next: null, control: "ffn" });
    expect(atA!.looks).toHaveLength(1);
    expect(atB).toMatchObject({ verdict: null, next: 9 });
  });

  it("waits for a look until both models have a settled run for each of its seeds", () => {
    const stored = [...runs("cnn", A, 7, () => 1), ...runs("ffn", A, 6, () => 0.99)];
    const [atA] = sequentialComparisons(PLAN, pairs, [A], SEEDS, stored);
    expect(atA).toMatchObject({ looks: [], verdict: null, next: 7 });
  });

  it("says undecided at the last look, and counts a failed run as settled without a pair", () => {
    const noisy = (s: number) => 0.5 + (s % 2 === 0 ? 0.2 : -0.2);
    const stored = [...runs("cnn", B, 9, noisy), ...runs("ffn", B, 9, (s) => (s === 3 ? null : 0.5))];
    const [atB] = sequentialComparisons(PLAN, pairs, [B], SEEDS, stored);
    expect(atB).toMatchObject({ verdict: "undecided", next: null });
    expect(atB!.looks.map((l) => l.n)).toEqual([6, 8]);
  });

  it("finds a clear difference ahead, tested at its Bonferroni share of alpha spent at that look", () => {
    const stored = [...runs("cnn", A, 7, (s) => 0.9 + s / 100), ...runs("ffn", A, 7, () => 0.6)];
    const [atA, atB] = sequentialComparisons(PLAN, pairs, [A, B], SEEDS, stored);
    expect(atA!.verdict).toBe("ahead");
    // Two comparisons (two points): each gets 0.025, Pocock spends 0.025 · ln(1 + (e − 1) · 7/9) at the first look.
    expect(atA!.looks[0]!.level).toBeCloseTo(0.025 * Math.log(1 + (Math.E - 1) * (7 / 9)), 12);
    expect(atA!.looks[0]!.pTwoSided).toBeCloseTo(2 / 2 ** 7, 12);
    expect(atB!.next).toBe(7);
  });

  it("chooses the best baseline once, on validation scores of the first look, never on test", () => {
    const both = [{ treatment: "att", controls: ["ffn", "cnn"] }];
    const stored = [
      ...runs("att", A, 7, () => 0.9),
      // cnn is better on validation, ffn on test: cnn is the control.
      ...SEEDS.slice(0, 7).map((seed) => ({ model: "cnn", point: A, seed, test: 0.5, val: 0.95 })),
      ...SEEDS.slice(0, 7).map((seed) => ({ model: "ffn", point: A, seed, test: 0.99, val: 0.6 })),
    ];
    expect(sequentialComparisons(PLAN, both, [A], SEEDS, stored)[0]!.control).toBe("cnn");
  });

  it("names no control while a baseline has no settled run on a seed of the first look (a tuned baseline never chosen has none)", () => {
    const both = [{ treatment: "att", controls: ["ffn", "cnn"] }];
    const stored = [...runs("att", A, 7, () => 0.9), ...runs("cnn", A, 7, () => 0.5)];
    expect(sequentialComparisons(PLAN, both, [A], SEEDS, stored)[0]).toMatchObject({ control: null, looks: [], verdict: null, next: 7 });
  });
});

describe("seeds: { looks } in an experiment file", () => {
  const file = (seeds: string, extra = "") => `name: seq\nmodels: [ffn, cnn, bilstm-attention]\nseeds: ${seeds}\n${extra}`;

  it("lists every seed the last look may use and keeps the plan", () => {
    const experiment = parseExperiment(file("{ looks: [3, 6, 12], boundary: pocock, margin: 0.01, first: 10 }"), "seq.yaml");
    expect(experiment.seeds).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(experiment.sequential).toEqual({ looks: [3, 6, 12], alpha: 0.05, boundary: "pocock", margin: 0.01, metric: "f1" });
    // The stored spec re-parses to the same experiment (workers read it back).
    const stored = ExperimentSchema.parse(JSON.parse(JSON.stringify(experiment)));
    expect([stored.seeds, stored.sequential]).toEqual([experiment.seeds, experiment.sequential]);
  });

  it("compares each attention model with the baselines by default", () => {
    expect(comparedPairs(parseExperiment(file("{ looks: [3, 6] }"), "seq.yaml"))).toEqual([
      { treatment: "bilstm-attention", controls: ["ffn", "cnn"] },
    ]);
  });

  it("names what is wrong under seeds", () => {
    expect(() => parseExperiment(file("{ looks: [6, 3] }"), "seq.yaml")).toThrow("seq.yaml: seeds.looks: expected increasing seed counts");
    expect(() => parseExperiment(file("{ looks: [3], boundary: haybittle }"), "seq.yaml")).toThrow(
      "seq.yaml: seeds.boundary: expected one of",
    );
    expect(() => parseExperiment(file("{ looks: [3], alpah: 0.1 }"), "seq.yaml")).toThrow(
      "seq.yaml: seeds.alpah: expected no such key here (did you mean 'alpha'?)",
    );
    const noAttention = "name: seq\nmodels: [ffn, cnn]\nseeds: { looks: [3, 6] }\n";
    expect(() => parseExperiment(noAttention, "seq.yaml")).toThrow("seq.yaml: seeds: expected a comparison to decide");
  });
});
