import type { LabelledSplit } from "@tsa/data";
import { describe, expect, it } from "vitest";
import { attentionLocalisation } from "./attention.js";

/** Three series of 4 steps: one normal, two anomalous with windows [1, 3) and [0, 1). */
function split(windows: number[]): LabelledSplit {
  const n = windows.length / 2;
  return {
    x: new Float32Array(n * 4),
    labels: Int32Array.from({ length: n }, (_, i) => (windows[2 * i]! >= 0 ? 1 : 0)),
    windows: Int32Array.from(windows),
    n,
    numPoints: 4,
    numChannels: 1,
    numClasses: 2,
    indices: Int32Array.from({ length: n }, (_, i) => i),
  };
}

describe("attention localisation", () => {
  it("averages the mass inside the window and counts peaks inside it, over anomalous series only", () => {
    const alpha = Float32Array.from([
      0.97,
      0.01,
      0.01,
      0.01, // normal: ignored however it looks
      0.1,
      0.4,
      0.3,
      0.2, // window [1, 3): mass 0.7, peak at 1 → inside
      0.2,
      0.5,
      0.2,
      0.1, // window [0, 1): mass 0.2, peak at 1 → outside
    ]);
    const result = attentionLocalisation(alpha, split([-1, -1, 1, 3, 0, 1]));
    expect(result.attentionMassInWindow).toBeCloseTo((0.7 + 0.2) / 2, 6);
    expect(result.attentionPeakInWindow).toBe(0.5);
  });

  it("is null without anomalous series", () => {
    expect(attentionLocalisation(Float32Array.from([0.25, 0.25, 0.25, 0.25]), split([-1, -1]))).toEqual({
      attentionMassInWindow: null,
      attentionPeakInWindow: null,
    });
  });
});
