import type { RunResult } from "@tsa/tracker";
import { describe, expect, it } from "vitest";
import { groupCurvesSpec, parallelCoordinatesSpec, runCurvesSpec } from "./live-specs.js";
import { renderSvg } from "./svg.js";

const epochs = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    trainLoss: 0.7 - i * 0.05 + offset,
    valLoss: 0.69 - i * 0.04 + offset,
    trainAccuracy: 0.5,
    valAccuracy: 0.5,
    durationMs: 10,
  }));

describe("live specs", () => {
  it("draws a run's curves as far as it has trained, one point per epoch and split", async () => {
    const svg = await renderSvg(runCurvesSpec({ epochs: epochs(3), bestEpoch: null }));
    // Three epochs × two splits: six points.
    expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(6);
    expect(runCurvesSpec({ epochs: epochs(3), bestEpoch: 2 }).data).toEqual({
      values: expect.arrayContaining([{ epoch: 3, split: "validation", loss: expect.closeTo(0.61, 9) }]),
    });
  });

  it("averages each group's runs and bands their spread", async () => {
    const run = (id: string, model: string, offset: number) => ({ id, model, epochs: epochs(4, offset) }) as unknown as RunResult;
    const spec = groupCurvesSpec([run("a1", "cnn", 0), run("a2", "cnn", 0.1), run("b1", "ffn", 0)], (r) => r.model);
    const values = (spec.data as { values: Array<{ group: string }> }).values;
    expect(values.filter((v) => v.group === "cnn")).toHaveLength(8);
    const svg = await renderSvg(spec);
    expect(svg).toContain("cnn");
    expect(svg).toContain("ffn");
  });
});

describe("parallelCoordinatesSpec", () => {
  it("draws one line per completed run across the sweep axes, the seed and test F1", async () => {
    const run = (id: string, model: string, length: number[], seed: number, f1: number, status = "completed") =>
      ({ id, model, seed, status, point: { "data.length": length }, test: { f1 } }) as unknown as RunResult;
    const spec = parallelCoordinatesSpec([
      run("a", "cnn", [0.1, 0.2], 1, 0.8),
      run("b", "ffn", [0.3, 0.5], 2, 0.7),
      run("c", "ffn", [0.3, 0.5], 3, 0.9, "running"),
    ]);
    expect((spec.data as { values: unknown[] }).values).toEqual([
      { model: "cnn", length: expect.closeTo(0.15, 9), seed: 1, "test F1": 0.8 },
      { model: "ffn", length: 0.4, seed: 2, "test F1": 0.7 },
    ]);
    const svg = await renderSvg(spec);
    expect(svg.match(/aria-roledescription="line mark"/g)).toHaveLength(2);
  });
});
