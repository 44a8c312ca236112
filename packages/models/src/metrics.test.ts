import { describe, expect, it } from "vitest";
import { classificationMetrics, logLoss, rocAuc } from "./metrics.js";

describe("classificationMetrics", () => {
  it("matches a hand-computed case", () => {
    // predictions at 0.5: 1 1 0 0 1 0 ; labels: 1 0 1 0 1 0 → tp 2, fp 1, fn 1, tn 2
    const m = classificationMetrics([1, 0, 1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1, 0.7, 0.2]);
    expect([m.tp, m.fp, m.fn, m.tn]).toEqual([2, 1, 1, 2]);
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
    // Positive scores 0.9, 0.4, 0.7 vs negatives 0.6, 0.1, 0.2: 8 of 9 pairs ordered right.
    expect(m.rocAuc).toBeCloseTo(8 / 9);
    expect(m.balancedAccuracy).toBeCloseTo((2 / 3 + 2 / 3) / 2);
    // −ln of the probability given to the true class, averaged: 0.9, 0.4, 0.4, 0.9, 0.7, 0.8.
    expect(m.logLoss).toBeCloseTo(-[0.9, 0.4, 0.4, 0.9, 0.7, 0.8].reduce((s, p) => s + Math.log(p), 0) / 6, 12);
    expect(m.attentionMassInWindow).toBeNull();
  });

  it("reproduces the reference's published figures from its confusion matrix", () => {
    // [[1002, 14], [31, 953]]: tn 1002, fp 14, fn 31, tp 953.
    const labels = [...Array(1016).fill(0), ...Array(984).fill(1)];
    const scores = [...Array(1002).fill(0.1), ...Array(14).fill(0.9), ...Array(31).fill(0.1), ...Array(953).fill(0.9)];
    const m = classificationMetrics(labels, scores);
    expect(m.accuracy).toBeCloseTo(0.9775, 4);
    expect(m.precision).toBeCloseTo(0.9855, 4);
    expect(m.recall).toBeCloseTo(0.9685, 4);
    expect(m.f1).toBeCloseTo(0.9769, 4);
    expect(m.balancedAccuracy).toBeCloseTo(0.9774, 4);
  });

  it("gives 0, not NaN, when nothing is predicted positive", () => {
    const m = classificationMetrics([1, 0, 1], [0.1, 0.2, 0.3]);
    expect([m.precision, m.recall, m.f1]).toEqual([0, 0, 0]);
  });
});

describe("logLoss", () => {
  it("clips a confident wrong score instead of giving infinity, and is NaN without series", () => {
    // The negative scored 1 is clipped to 1 − 1e-15 (in doubles), the positive scored 1 costs −ln(1 − 1e-15).
    const clipped = 1 - 1e-15;
    expect(logLoss([0, 1], [1, 1])).toBeCloseTo(-(Math.log(1 - clipped) + Math.log(clipped)) / 2, 12);
    expect(logLoss([0, 1], [1, 1])).toBeGreaterThan(17);
    expect(logLoss([], [])).toBeNaN();
  });
});

describe("rocAuc", () => {
  it("averages ties", () => {
    expect(rocAuc([1, 0], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([1, 1, 0, 0], [0.8, 0.5, 0.5, 0.2])).toBeCloseTo((1 + 1 + 1 + 0.5) / 4);
  });
  it("is 1 for a perfect ranking and 0 for a reversed one", () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
  });
  it("is NaN when a class is missing", () => {
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
  });
});
