import type { RunResult } from "@tsa/tracker";
import { describe, expect, it } from "vitest";
import { groupCurvesSpec, runCurvesSpec } from "./live-specs.js";
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
