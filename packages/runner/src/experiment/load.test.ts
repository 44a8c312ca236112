import { ExperimentSpecError } from "@tsa/errors";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandRuns } from "./expand.js";
import { loadExperiment, parseExperiment } from "./load.js";

const fixtures = fileURLToPath(new URL("../../test/fixtures/bad/", import.meta.url));
const experiments = fileURLToPath(new URL("../../../../experiments/", import.meta.url));

/** Each malformed file, the key path its message must name, and words of the expectation. */
const BAD: Record<string, [keyPath: string, expected: string]> = {
  "yaml-syntax": ["line 3, column 1", "valid YAML"],
  "yaml-tabs": ["line 2, column 1", "valid YAML"],
  "yaml-duplicate-name": ["line 2, column 1", "valid YAML"],
  "not-a-mapping": ["(top level)", "a mapping"],
  "empty-file": ["(top level)", "a mapping"],
  "missing-models": ["models", "an array"],
  "missing-seeds": ["seeds", "an array"],
  "missing-name": ["name", "a string"],
  "bad-name": ["name", "letters, digits"],
  "unknown-top-key": ["epochs", "no such key"],
  "unknown-data-key": ["data.colour", "no such key"],
  "unknown-train-key": ["train.optimizer", "no such key"],
  "unknown-model": ["models[1]", '"bilstm-attention"'],
  "empty-models": ["models", "non-empty list of models"],
  "duplicate-model": ["models", "each model once"],
  "duplicate-seed": ["seeds", "each seed once"],
  "seed-not-integer": ["seeds[0]", "an int"],
  "seeds-wrong-type": ["seeds", "an array"],
  "size-wrong-type": ["data.size", "a number"],
  "size-zero": ["data.size", ">= 10"],
  "negative-noise": ["data.noise", ">= 0"],
  "length-min-above-max": ["data.length", "0 <= min < max <= 1"],
  "length-outside-unit": ["data.length[1]", "<= 1"],
  "length-not-pair": ["data.length", "[min, max] pair"],
  "split-sum": ["data.split", "train + val + test = 1"],
  "numpoints-below-model": ["data.numPoints", "numPoints >= 16 for model 'cnn'"],
  "length-shorter-than-a-point": ["data.length", "length.min * numPoints >= 1"],
  "empty-sweep-axis": ["sweep.data.noise", "non-empty list"],
  "sweep-unknown-key": ["sweep.data.colour", "data.<field> or train.<field>"],
  "sweep-unknown-section": ["sweep.model.units", "data.<field> or train.<field>"],
  "sweep-bad-length": ["sweep.data.length[1]", "0 <= min < max <= 1"],
  "sweep-bad-lr": ["sweep.train.lr[1]", "> 0"],
  "sweep-not-list": ["sweep.data.noise", "an array"],
  "sweep-duplicate-value": ["sweep.data.noise", "each value once"],
  "sweep-numpoints-too-small": ["sweep.data.numPoints", "numPoints >= 16 for model 'cnn'"],
  "huge-grid": ["sweep", "pass --yes"],
  "epochs-zero": ["train.epochs", ">= 1"],
  "batch-size-float": ["train.batchSize", "an int"],
};

describe("malformed experiment files", () => {
  it("covers every fixture in the corpus (at least 30)", () => {
    const files = readdirSync(fixtures).map((f) => f.replace(/\.yaml$/, ""));
    expect(files.sort()).toEqual(Object.keys(BAD).sort());
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(BAD))("%s: one message naming the file, %j", (name, [path, expected]) => {
    const file = join(fixtures, `${name}.yaml`);
    let error: unknown;
    try {
      loadExperiment(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExperimentSpecError);
    const message = (error as Error).message;
    expect(message.startsWith(`${file}: ${path}: expected `), message).toBe(true);
    expect(message).toContain(expected);
    expect(message).toContain(", got ");
  });

  it("shows the offending value", () => {
    expect(() => loadExperiment(join(fixtures, "sweep-bad-length.yaml"))).toThrow(/got \[0\.3,0\.2\]$/);
  });

  it("runs a huge grid when allowed", () => {
    expect(loadExperiment(join(fixtures, "huge-grid.yaml"), { allowHugeGrid: true }).name).toBe("x");
  });

  it("says so when the file is missing", () => {
    expect(() => loadExperiment("nope/missing.yaml")).toThrow("nope/missing.yaml: no such file");
  });
});

describe("shipped experiments", () => {
  it.each(readdirSync(experiments))("%s loads", (file) => {
    const experiment = loadExperiment(join(experiments, file));
    expect(experiment.name).toBe(file.replace(/\.yaml$/, ""));
    expect(expandRuns(experiment).length).toBeGreaterThan(0);
  });
});

describe("expandRuns", () => {
  const text = `
name: grid
data: { size: 100, numPoints: 32 }
sweep:
  data.length: [[0.1, 0.2], [0.2, 0.4]]
  train.lr: [0.01, 0.001]
models: [ffn, cnn]
seeds: [1, 2, 3]
`;
  it("is the product of axes x models x seeds, points outermost, configs resolved", () => {
    const runs = expandRuns(parseExperiment(text, "grid.yaml"));
    expect(runs).toHaveLength(2 * 2 * 2 * 3);
    expect(runs[0]).toMatchObject({ model: "ffn", seed: 1, point: { "data.length": [0.1, 0.2], "train.lr": 0.01 } });
    expect(runs[0]!.data).toMatchObject({ size: 100, numPoints: 32, length: [0.1, 0.2], noise: 0, location: [0, 0.9] });
    expect(runs[0]!.train).toEqual({ epochs: 50, patience: 5, batchSize: 32, lr: 0.01 });
    expect(runs[6]!.point).toEqual({ "data.length": [0.1, 0.2], "train.lr": 0.001 });
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
  });

  it("gives the same ids for the same file and new ids when a resolved value changes", () => {
    const ids = (t: string) => expandRuns(parseExperiment(t, "grid.yaml")).map((r) => r.id);
    expect(ids(text)).toEqual(ids(text));
    expect(ids(text.replace("size: 100", "size: 101"))).not.toContain(ids(text)[0]);
    // Writing a default explicitly resolves to the same config, so the same run.
    expect(ids(text.replace("numPoints: 32", "numPoints: 32, noise: 0"))).toEqual(ids(text));
  });

  it("keeps the run ids of experiments/paper.yaml, so databases written by earlier versions resume", () => {
    // Recorded by a paper sweep before train.startFromEpoch existed: an optional key must not move ids.
    const paper = loadExperiment(fileURLToPath(new URL("../../../../experiments/paper.yaml", import.meta.url)));
    const ids = Object.fromEntries(expandRuns(paper).filter((r) => r.seed === 0).map((r) => [r.model, r.id]));
    expect(ids).toMatchObject({ ffn: "b978a59c7701244f", cnn: "a66bead090d75fd7", "bilstm-attention": "4e19c6c7635f556a" });
    expect(ids["bilstm"]).toBe("4a5e6125f456dc6c");
    // Seeds 1 and 2 joined later; these were recorded by the runs that reported F1 0.950 and 0.977.
    const seed = (n: number) => expandRuns(paper).find((r) => r.seed === n && r.model === "bilstm-attention")?.id;
    expect([seed(1), seed(2)]).toEqual(["15069af3408d2a1d", "b6c6e9f9284947ec"]);
  });
});
