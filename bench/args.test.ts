import { describe, expect, it } from "vitest";
import { BenchUsageError, benchPreset, parseBenchArgs } from "./args.js";

describe("parseBenchArgs --models", () => {
  it("takes presets and presets under the trainability recipe", () => {
    const options = parseBenchArgs(["--models", "bilstm-attention,bilstm-attention+recipe"]);
    expect(options.models).toEqual(["bilstm-attention", "bilstm-attention+recipe"]);
    expect(options.models.map(benchPreset)).toEqual(["bilstm-attention", "bilstm-attention"]);
  });

  it("names what it takes when a model is unknown", () => {
    expect(() => parseBenchArgs(["--models", "lstm+recipe"])).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(["--models", "cnn+other"])).toThrow(/each also as <name>\+recipe/);
  });
});
