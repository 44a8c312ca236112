import { resolveTrainConfig } from "@tsa/models";
import { expandRuns, loadExperiment } from "@tsa/runner/experiment";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tsaVariant } from "./variants.js";

const experimentFile = (name: string) => fileURLToPath(new URL(`../../experiments/${name}`, import.meta.url));

describe("tsaVariant", () => {
  // A parity variant is only evidence about the sweeps if it trains exactly the model and protocol they run.
  it("tsa and tsa-recipe are the runs of experiments/recipe/paper.yaml, part for part", () => {
    const experiment = loadExperiment(experimentFile("recipe/paper.yaml"));
    const protocol = resolveTrainConfig(experiment.train);
    const plan = (model: string) => expandRuns(experiment).find((p) => p.model === model && p.seed === 0)!;

    for (const [variant, model] of [
      ["tsa", "bilstm-attention"],
      ["tsa-recipe", "attention-recipe"],
    ] as const) {
      const ours = tsaVariant(variant, protocol);
      expect(ours.model).toEqual(plan(model).spec);
      expect(ours.train).toEqual(plan(model).train);
    }
  });

  it("tsa-pytorch-init changes only the initialisation and Adam's epsilon", () => {
    const protocol = resolveTrainConfig({});
    const plain = tsaVariant("tsa", protocol);
    const init = tsaVariant("tsa-pytorch-init", protocol);
    expect(init.model).toEqual({ ...plain.model, init: "pytorch" });
    expect(init.train).toEqual({ ...plain.train, adamEpsilon: 1e-8 });
  });
});
