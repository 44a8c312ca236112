import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ModelSpecSchema,
  PRESETS,
  PRESET_NAMES,
  TrainConfigSchema,
  describeSpec,
  expectedEpochSeconds,
  hasAttention,
  isPresetName,
  minimumNumPoints,
  modelCodeVersion,
  modelSpecProblem,
  parseModelSpec,
  presetSpec,
  resolveTrainConfig,
  type ModelSpec,
} from "./config.js";
import { allCombinations } from "./test-support.js";

describe("ModelSpecSchema", () => {
  it("fills today's defaults", () => {
    expect(ModelSpecSchema.parse({ encoder: "bilstm", pooling: "last" })).toEqual({
      encoder: "bilstm",
      pooling: "last",
      units: 32,
      attentionUnits: 64,
      hidden: 0,
      filters: [16, 32, 48],
      kernelSizes: [7, 5, 5],
      poolSize: 2,
      normalize: "none",
      init: "keras",
    });
  });

  it("does not share default arrays between parsed specs", () => {
    const a = ModelSpecSchema.parse({ encoder: "cnn", pooling: "max" });
    a.filters.push(64);
    expect(ModelSpecSchema.parse({ encoder: "cnn", pooling: "max" }).filters).toEqual([16, 32, 48]);
  });

  it.each<[string, unknown, string]>([
    ["unknown keys", { encoder: "cnn", pooling: "max", dropout: 0.1 }, "dropout"],
    ["a string", "bilstm", ""],
    ["an unknown encoder", { encoder: "gru", pooling: "max" }, "encoder"],
    ["a missing pooling", { encoder: "cnn" }, "pooling"],
    ["zero units", { encoder: "lstm", pooling: "last", units: 0 }, "units"],
    ["fractional hidden units", { encoder: "none", pooling: "flatten", hidden: 2.5 }, "hidden"],
    ["negative hidden units", { encoder: "none", pooling: "flatten", hidden: -1 }, "hidden"],
    ["no filters", { encoder: "cnn", pooling: "max", filters: [] }, "filters"],
    ["an unknown normalisation", { encoder: "cnn", pooling: "max", normalize: "minmax" }, "normalize"],
    ["an unknown init", { encoder: "cnn", pooling: "max", init: "xavier" }, "init"],
  ])("rejects %s", (_what, input, path) => {
    const result = parseModelSpec(input);
    expect("problem" in result).toBe(true);
    if ("problem" in result) expect(result.problem.path).toBe(path);
  });
});

describe("modelSpecProblem (combinations that cannot build or mean nothing)", () => {
  const spec = (input: Record<string, unknown>) => ModelSpecSchema.parse(input);
  const unchecked = (input: Record<string, unknown>) => ({ ...spec({ encoder: "lstm", pooling: "last" }), ...input }) as ModelSpec;

  it.each(["none", "cnn", "resnet"])("rejects 'last' over encoder '%s', naming the pooling and why", (encoder) => {
    const problem = modelSpecProblem(unchecked({ encoder, pooling: "last" }));
    expect(problem).toEqual({ path: "pooling", expected: expect.stringContaining("recurrent encoder"), found: "'last'" });
    // The schema reports the same problem at the same key.
    const parsed = parseModelSpec({ encoder, pooling: "last" });
    expect(parsed).toEqual({ problem: { path: "pooling", expected: problem!.expected, found: "'last'" } });
  });

  it.each(["mean", "max", "max-mean"])("rejects '%s' over the raw series", (pooling) => {
    expect(modelSpecProblem(unchecked({ encoder: "none", pooling }))).toMatchObject({ path: "pooling", found: `'${pooling}'` });
  });

  it("rejects a CNN whose kernel sizes do not match its filters", () => {
    expect(parseModelSpec({ encoder: "cnn", pooling: "max", filters: [8, 8] })).toEqual({
      problem: { path: "kernelSizes", expected: "one kernel size per convolution block (2, as filters)", found: "nothing" },
    });
    expect(modelSpecProblem(spec({ encoder: "cnn", pooling: "max", filters: [8, 8], kernelSizes: [3, 3] }))).toBeNull();
  });

  it.each([
    ["none", "attention"],
    ["cnn", "attention"],
    ["none", "flatten"],
    ["lstm", "flatten"],
    ["bilstm", "flatten"],
    ["lstm", "last"],
    ["bilstm", "last"],
    ["cnn", "max-mean"],
    ["lstm", "max"],
  ])("allows %s → %s", (encoder, pooling) => {
    expect(modelSpecProblem(spec({ encoder, pooling }))).toBeNull();
  });

  it("allows 144 of the 180 combinations of encoder × pooling × normalize × init", () => {
    // Rejected: last over none, cnn and resnet (3), mean/max/max-mean over none (3): 6 of 30 pairs, × 3 normalize × 2 init.
    expect(allCombinations()).toHaveLength(180 - 6 * 6);
  });

  it("takes batchNorm for a cnn only, and leaves it out of a spec that does not set it", () => {
    expect(modelSpecProblem(spec({ encoder: "cnn", pooling: "mean", batchNorm: true }))).toBeNull();
    expect(parseModelSpec({ encoder: "bilstm", pooling: "mean", batchNorm: true })).toEqual({
      problem: { path: "batchNorm", expected: expect.stringContaining("no batchNorm for encoder 'bilstm'"), found: "true" },
    });
    expect(Object.keys(spec({ encoder: "cnn", pooling: "mean" }))).not.toContain("batchNorm");
  });
});

describe("the catalogue", () => {
  it("names the presets in YAML order, the ablation's four first, bilstm-attention the subject", () => {
    expect(PRESET_NAMES).toEqual(["ffn", "cnn", "bilstm", "bilstm-attention", "fcn", "resnet"]);
    expect(PRESET_NAMES.filter((n) => PRESETS[n].role === "subject")).toEqual(["bilstm-attention"]);
    expect(isPresetName("cnn")).toBe(true);
    expect(isPresetName("toString")).toBe(false);
    for (const name of PRESET_NAMES) {
      expect(modelSpecProblem(PRESETS[name].spec)).toBeNull();
      expect(PRESETS[name].description.length).toBeGreaterThan(10);
    }
  });

  it("hands out copies of a preset's spec", () => {
    presetSpec("cnn").filters.push(1);
    expect(presetSpec("cnn").filters).toEqual([16, 32, 48]);
  });

  it("gives the scheduler's measured epoch costs for the presets, and sizes scale the parts", () => {
    const seconds = Object.fromEntries(PRESET_NAMES.map((n) => [n, expectedEpochSeconds(presetSpec(n))]));
    expect({ ...seconds, fcn: undefined, resnet: undefined }).toEqual({
      ffn: 0.5,
      cnn: 3.8,
      bilstm: 6.0,
      "bilstm-attention": 6.5,
      fcn: undefined,
      resnet: undefined,
    });
    // The archive's baselines do far more work a step than the ablation's CNN.
    expect(seconds.fcn).toBeGreaterThan(50 * seconds.cnn!);
    expect(seconds.resnet).toBeGreaterThan(seconds.fcn!);
    const lstm = expectedEpochSeconds(ModelSpecSchema.parse({ encoder: "lstm", pooling: "last" }));
    expect(lstm).toBeGreaterThan(seconds.ffn!);
    expect(lstm).toBeLessThan(seconds.bilstm!);
    expect(expectedEpochSeconds({ ...presetSpec("bilstm"), units: 64 })).toBeGreaterThan(seconds.bilstm!);
    expect(expectedEpochSeconds({ ...presetSpec("cnn"), filters: [8, 16, 24] })).toBeLessThan(seconds.cnn!);
  });

  it("keeps today's minimum lengths and follows the CNN's pooling", () => {
    expect(PRESET_NAMES.map((n) => minimumNumPoints(presetSpec(n)))).toEqual([8, 16, 8, 8, 8, 8]);
    expect(minimumNumPoints({ ...presetSpec("cnn"), filters: [8, 8, 8, 8], kernelSizes: [3, 3, 3, 3] })).toBe(32);
    expect(minimumNumPoints({ ...presetSpec("cnn"), poolSize: 1 })).toBe(8);
  });

  it("labels, attention and code versions", () => {
    expect(describeSpec(ModelSpecSchema.parse({ encoder: "bilstm", pooling: "last" }))).toBe("bilstm→last");
    expect(describeSpec(presetSpec("ffn"))).toBe("none→flatten→dense24");
    expect(describeSpec(ModelSpecSchema.parse({ encoder: "lstm", pooling: "attention", normalize: "zscore", init: "pytorch" }))).toBe(
      "zscore→lstm→attention, pytorch init",
    );
    expect(describeSpec({ ...presetSpec("bilstm-attention"), units: 64, attentionUnits: 32 })).toBe("bilstm(64)→attention(32)");
    expect(describeSpec({ ...presetSpec("cnn"), filters: [8, 16], kernelSizes: [5, 5] })).toBe("cnn(8,16/k5,5)→max-mean");
    expect(describeSpec({ ...presetSpec("cnn"), poolSize: 3 })).toBe("cnn(16,32,48/k7,5,5/pool3)→max-mean");
    expect(describeSpec({ ...presetSpec("ffn"), units: 64 })).toBe("none→flatten→dense24");
    expect(describeSpec(presetSpec("fcn"))).toBe("cnn(128,256,128/k8,5,3/pool1)+bn→mean");
    expect(describeSpec(presetSpec("resnet"))).toBe("resnet(64,128,128/k8,5,3/pool1)→mean");
    expect(PRESET_NAMES.filter((n) => hasAttention(presetSpec(n)))).toEqual(["bilstm-attention"]);
    // Every part at its first version, but an LSTM under init: pytorch, whose second bias vector became trained.
    for (const spec of allCombinations()) {
      const recurrent = spec.encoder === "lstm" || spec.encoder === "bilstm";
      expect(modelCodeVersion(spec), describeSpec(spec)).toBe(spec.init === "pytorch" && recurrent ? 2 : 1);
    }
    expect(modelCodeVersion(presetSpec("resnet"))).toBe(1);
    expect(modelCodeVersion(presetSpec("fcn"))).toBe(1);
  });
});

describe("TrainConfigSchema.adamEpsilon", () => {
  it("is absent from the resolved config unless set, like startFromEpoch", () => {
    expect(Object.keys(resolveTrainConfig({}))).toEqual(["epochs", "patience", "batchSize", "lr"]);
    expect(resolveTrainConfig({ adamEpsilon: 1e-8 }).adamEpsilon).toBe(1e-8);
    expect(TrainConfigSchema.safeParse({ adamEpsilon: 0 }).success).toBe(false);
  });
});

describe("@tsa/models/config", () => {
  it("imports no tfjs (the runner's validator loads it)", () => {
    for (const file of ["config.ts", "model-spec.ts"]) {
      const source = readFileSync(new URL(file, import.meta.url), "utf8");
      expect(source.match(/^import .*$/gm)!.join("\n"), file).not.toMatch(/tensorflow|kernels|architectures/);
    }
  });
});
