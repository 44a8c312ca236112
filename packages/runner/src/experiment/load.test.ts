import { ExperimentSpecError, ExperimentSpecProblems } from "@tsa/errors";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GENERATOR_VERSION } from "@tsa/data";
import { presetSpec } from "@tsa/models/config";
import { expandRuns, isOutdated, modelsAtPoints, resolvedConfig } from "./expand.js";
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
  "sweep-unknown-key": ["sweep.data.colour", "data.<field>, train.<field> or model.<part>"],
  "sweep-unknown-section": ["sweep.optimizer.lr", "data.<field>, train.<field> or model.<part>"],
  "model-part-cannot-build": ["models[0].pooling", "'last' needs a recurrent encoder"],
  "sweep-model-part-cannot-build": ["sweep.model.pooling[1]", "model 'cnn' at model.pooling \"last\""],
  "variant-unknown-part": ["models[0].layers", "no such key"],
  "variant-bad-encoder": ["models[0].encoder", '"bilstm"'],
  "variant-without-parts": ["models[0].encoder", "a variant without a preset names its encoder and pooling"],
  "variant-bad-preset": ["models[0].preset", '"bilstm-attention"'],
  "file-model-part-cannot-build": ["model.pooling", "'last' needs a recurrent encoder"],
  "file-model-unknown-part": ["model.normalise", "no such key"],
  "variant-bad-train": ["models[1].train.clipNorm", "> 0"],
  "variant-unknown-train-key": ["models[0].train.gradientClip", "no such key"],
  "sweep-bad-model-value": ["sweep.model.units[1]", ">= 1"],
  "compare-unknown-model": ["compare.treatment", "a model of this file"],
  "model-entry-wrong-type": ["models[1]", "a variant { name, preset, <parts> }"],
  "sweep-bad-length": ["sweep.data.length[1]", "0 <= min < max <= 1"],
  "sweep-bad-lr": ["sweep.train.lr[1]", "> 0"],
  "sweep-not-list": ["sweep.data.noise", "an array"],
  "sweep-duplicate-value": ["sweep.data.noise", "each value once"],
  "sweep-numpoints-too-small": ["sweep.data.numPoints", "numPoints >= 16 for model 'cnn'"],
  "huge-grid": ["sweep", "pass --yes"],
  "variant-part-also-swept": ["models[1].pooling", "no pooling in a variant of a file that sweeps model.pooling"],
  "epochs-zero": ["train.epochs", ">= 1"],
  "batch-size-float": ["train.batchSize", "an int"],
  "tune-seeds-overlap": ["tune.seeds", "tuning seeds disjoint from the evaluation seeds"],
  "tune-bad-value": ["tune.space.model.normalize[1]", "a valid model.normalize"],
  "tune-unknown-key": ["tune.trials", "no such key"],
  "tune-key-also-swept": ["tune.space.train.lr", "a key the sweep does not also set"],
  "tune-trial-cannot-build": ["tune.space.model.pooling", "model 'cnn' in trial 2"],
  "tune-empty-log-range": ["tune.space.train.lr", "low < high"],
  "tune-budget-zero": ["tune.budget", ">= 1"],
  "tune-duplicate-value": ["tune.space.model.normalize", "each value once"],
  "tune-range-over-integer": ["tune.space.train.epochs", "a range draws values a valid train.epochs cannot take"],
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
  const files = readdirSync(experiments, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yaml"));
  it.each(files)("%s loads", (file) => {
    const experiment = loadExperiment(join(experiments, file));
    // experiments/recipe/noise.yaml is recipe-noise: names stay unique in one database.
    expect(experiment.name).toBe(file.replace(/\.yaml$/, "").replaceAll("/", "-"));
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

  it("trains a variant with its own train keys over the file's, and the point's over both", () => {
    const runs = expandRuns(
      parseExperiment(
        `
name: levers
data: { size: 100, numPoints: 32 }
sweep: { train.lr: [0.01] }
models:
  - ffn
  - { name: ffn-clipped, preset: ffn, train: { clipNorm: 1, patienceFrom: learning, lr: 0.5 } }
seeds: [1]
train: { epochs: 7 }
`,
        "levers.yaml",
      ),
    );
    expect(runs.map((r) => r.train)).toEqual([
      { epochs: 7, patience: 5, batchSize: 32, lr: 0.01 },
      { epochs: 7, patience: 5, batchSize: 32, lr: 0.01, clipNorm: 1, patienceFrom: "learning" },
    ]);
    expect(runs[1]!.spec).toEqual(runs[0]!.spec);
    expect(resolvedConfig(runs[1]!)).toMatchObject({ model: "ffn-clipped", train: { clipNorm: 1, patienceFrom: "learning" } });
  });

  it("gives every model the file's `model` parts over its preset's; a variant's and the point's win", () => {
    const runs = expandRuns(
      parseExperiment(
        `
name: recipe
data: { size: 100, numPoints: 32 }
model: { normalize: diff, units: 8 }
sweep: { model.units: [4, 16] }
models: [cnn, bilstm, { name: b, preset: bilstm, normalize: zscore }]
seeds: [1]
`,
        "recipe.yaml",
      ),
    );
    expect(runs.map((r) => [r.model, r.spec.normalize, r.spec.units])).toEqual([
      ["cnn", "diff", 4],
      ["bilstm", "diff", 4],
      ["b", "zscore", 4],
      ["cnn", "diff", 16],
      ["bilstm", "diff", 16],
      ["b", "zscore", 16],
    ]);
    // A preset under other parts is not the preset's run; an empty `model` changes no id.
    const plain = (model: string) => expandRuns(parseExperiment(`name: recipe\n${model}models: [bilstm]\nseeds: [1]\n`, "r.yaml"))[0]!.id;
    expect(plain("model: { normalize: diff }\n")).not.toBe(plain(""));
    expect(plain("model: {}\n")).toBe(plain(""));
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
    const ids = Object.fromEntries(
      expandRuns(paper)
        .filter((r) => r.seed === 0)
        .map((r) => [r.model, r.id]),
    );
    expect(ids).toMatchObject({ ffn: "b978a59c7701244f", cnn: "a66bead090d75fd7", "bilstm-attention": "4e19c6c7635f556a" });
    expect(ids["bilstm"]).toBe("4a5e6125f456dc6c");
    // Seeds 1 and 2 joined later; these were recorded by the runs that reported F1 0.950 and 0.977.
    const seed = (n: number) => expandRuns(paper).find((r) => r.seed === n && r.model === "bilstm-attention")?.id;
    expect([seed(1), seed(2)]).toEqual(["15069af3408d2a1d", "b6c6e9f9284947ec"]);
  });

  it("keeps the run ids of the four presets under experiments/smoke.yaml (recorded before models had parts)", () => {
    const smoke = loadExperiment(fileURLToPath(new URL("../../../../experiments/smoke.yaml", import.meta.url)));
    const ids = Object.fromEntries(expandRuns(smoke).map((r) => [`${r.model}|${JSON.stringify(r.point["data.length"])}|${r.seed}`, r.id]));
    expect(ids).toEqual({
      "ffn|[0.15,0.3]|1": "1d78f3f7f49b8b25",
      "ffn|[0.15,0.3]|2": "453a59b8f61631d0",
      "cnn|[0.15,0.3]|1": "5b6704a2a826c6e7",
      "cnn|[0.15,0.3]|2": "edb3f1070a65fd1c",
      "bilstm|[0.15,0.3]|1": "625e5c3ca12ebfad",
      "bilstm|[0.15,0.3]|2": "41451a4aee05a52a",
      "bilstm-attention|[0.15,0.3]|1": "d839f9f55f880f63",
      "bilstm-attention|[0.15,0.3]|2": "2d4557dcd9cfa5b5",
      "ffn|[0.3,0.5]|1": "4861fd75b2105449",
      "ffn|[0.3,0.5]|2": "0efc2db33dc68ff3",
      "cnn|[0.3,0.5]|1": "efd1e732c42e6864",
      "cnn|[0.3,0.5]|2": "c4b6f4e885197a18",
      "bilstm|[0.3,0.5]|1": "a5d6e15378495a4f",
      "bilstm|[0.3,0.5]|2": "64ce54e50c745699",
      "bilstm-attention|[0.3,0.5]|1": "e0e3bb633522c03b",
      "bilstm-attention|[0.3,0.5]|2": "34755a0553135f3e",
    });
  });
});

describe("models as parts", () => {
  const text = `
name: parts
data: { size: 100, numPoints: 32 }
sweep:
  model.pooling: [mean, last, attention]
models:
  - bilstm
  - { name: bilstm-z, preset: bilstm, normalize: zscore }
  - { name: cnn-attention, encoder: cnn }
seeds: [1]
`;

  it("resolves preset < variant < point, and a preset at its own parts keeps its preset id", () => {
    const runs = expandRuns(parseExperiment(text.replace("  - { name: cnn-attention, encoder: cnn }\n", ""), "parts.yaml"));
    const at = (model: string, pooling: string) => runs.find((r) => r.model === model && r.point["model.pooling"] === pooling)!;
    expect(at("bilstm", "last").spec).toEqual({ ...presetSpec("bilstm"), pooling: "last" });
    expect(at("bilstm-z", "attention").spec).toEqual({ ...presetSpec("bilstm"), normalize: "zscore", pooling: "attention" });
    // `bilstm` at model.pooling mean is the preset itself: the same id as in a file without the axis.
    const plain = expandRuns(parseExperiment("name: parts\ndata: { size: 100, numPoints: 32 }\nmodels: [bilstm]\nseeds: [1]\n", "p.yaml"));
    expect(at("bilstm", "mean").id).toBe(plain[0]!.id);
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
  });

  it("a variant's parts are in its id and every run records its parts and code versions", () => {
    const runs = expandRuns(parseExperiment(text.replace("[mean, last, attention]", "[mean, max, attention]"), "parts.yaml"));
    const variant = runs.find((r) => r.model === "cnn-attention" && r.point["model.pooling"] === "attention")!;
    expect(variant.spec).toMatchObject({
      encoder: "cnn",
      pooling: "attention",
      units: 32,
      filters: [16, 32, 48],
      normalize: "none",
      init: "keras",
    });
    const config = resolvedConfig(variant);
    expect(config).toMatchObject({ model: "cnn-attention", parts: variant.spec, code: { generator: GENERATOR_VERSION, model: 1 } });
    // Another value of a part is another run.
    const wider = expandRuns(
      parseExperiment(
        text.replace("[mean, last, attention]", "[mean, max, attention]").replace("encoder: cnn }", "encoder: cnn, filters: [8, 16, 24] }"),
        "parts.yaml",
      ),
    );
    expect(wider.find((r) => r.model === "cnn-attention" && r.point["model.pooling"] === "attention")!.id).not.toBe(variant.id);
  });

  it("parses a model's parts once: the runs carry the very specs loading validated (issue 21 item 3)", () => {
    const experiment = parseExperiment(text.replace("[mean, last, attention]", "[mean, max, attention]"), "parts.yaml");
    const parsed = modelsAtPoints(experiment).flatMap(({ models }) => models.map((m) => ("spec" in m ? m.spec : null)));
    const runs = expandRuns(experiment);
    expect(runs).toHaveLength(parsed.length);
    runs.forEach((run, i) => expect(run.spec).toBe(parsed[i]));
  });

  it("counts a completed run as outdated when its parts or the generator or model code differ", () => {
    const [plan] = expandRuns(parseExperiment("name: p\nmodels: [bilstm]\nseeds: [1]\n", "p.yaml"));
    const current = resolvedConfig(plan!);
    expect(isOutdated(plan!, current)).toBe(false);
    // Recorded before parts and code versions were stored: a preset at generator 1, model code 1.
    const { parts: _parts, code: _code, ...legacy } = current;
    expect(isOutdated(plan!, legacy)).toBe(GENERATOR_VERSION !== 1);
    expect(isOutdated(plan!, { ...current, code: { generator: GENERATOR_VERSION + 1, model: 1 } })).toBe(true);
    expect(isOutdated(plan!, { ...current, code: { generator: GENERATOR_VERSION, model: 2 } })).toBe(true);
    expect(isOutdated(plan!, { ...current, parts: { ...plan!.spec, units: 16 } })).toBe(true);
  });

  it("validates compare: against the file's models or a model axis' levels", () => {
    const base = "name: c\nsweep:\n  model.pooling: [mean, last]\nmodels: [bilstm]\nseeds: [1]\n";
    expect(parseExperiment(`${base}compare: { axis: model.pooling, treatment: last, control: mean }\n`, "c.yaml").compare).toEqual({
      axis: "model.pooling",
      treatment: "last",
      control: "mean",
    });
    expect(() => parseExperiment(`${base}compare: { axis: model.pooling, treatment: max, control: mean }\n`, "c.yaml")).toThrow(
      "c.yaml: compare.treatment: expected a value of sweep axis model.pooling",
    );
    expect(() => parseExperiment(`${base}compare: { axis: model.units, treatment: 1, control: 2 }\n`, "c.yaml")).toThrow("compare.axis");
  });
});

describe("every problem at once, with the nearest name", () => {
  const file = "typos.yaml";
  const problemsOf = (text: string): string[] => {
    try {
      parseExperiment(text, file);
    } catch (e) {
      return e instanceof ExperimentSpecProblems ? e.problems.map((p) => p.message) : [(e as Error).message];
    }
    throw new Error("the file loaded");
  };

  it("reports a misspelt key and a misspelt model together, each with the name meant", () => {
    const problems = problemsOf("name: typos\ndata: { size: 100, nosie: 0.1 }\nmodels: [ffn, bilstm-atention]\nseeds: [1]\n");
    expect(problems).toEqual([
      `${file}: models[1]: expected one of "ffn", "cnn", "bilstm", "bilstm-attention", "fcn", "resnet" (did you mean "bilstm-attention"?), got "bilstm-atention"`,
      `${file}: data.nosie: expected no such key here (did you mean 'noise'?), got key 'nosie'`,
    ]);
  });

  it("reports every misspelt sweep axis and train key, and only one line for a single problem", () => {
    const problems = problemsOf(
      "name: typos\nsweep: { data.nosie: [0.1], train.lrr: [0.1] }\ntrain: { epoch: 3 }\nmodels: [ffn]\nseeds: [1]\n",
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(`${file}: train.epoch: expected no such key here (did you mean 'epochs'?), got key 'epoch'`);
    expect(problems[1]).toMatch(
      /^typos\.yaml: sweep\.data\.nosie: expected an axis named .* \(did you mean 'data\.noise'\?\), got 'data\.nosie'$/,
    );
    expect(problems[2]).toMatch(/\(did you mean 'train\.lr'\?\), got 'train\.lrr'$/);
    expect(() => parseExperiment("name: one\ndata: { nosie: 0.1 }\nmodels: [ffn]\nseeds: [1]\n", file)).toThrow(ExperimentSpecError);
  });

  it("suggests nothing for a name far from every known one", () => {
    expect(problemsOf("name: far\ndata: { colour: red }\nmodels: [ffn]\nseeds: [1]\n")).toEqual([
      `${file}: data.colour: expected no such key here (check its spelling and level), got key 'colour'`,
    ]);
  });
});
