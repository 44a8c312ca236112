import { describe, expect, it } from "vitest";
import { multiclassClassificationMetrics } from "./metrics.js";
import { argmaxRows, multiclassMetrics, priorEntropy } from "./multiclass-metrics.js";

describe("multiclassMetrics", () => {
  // Three classes, six cases: true 0,0,1,1,2,2; predicted 0,1,1,1,2,0 (probabilities below).
  const labels = [0, 0, 1, 1, 2, 2];
  const probabilities = [
    [0.7, 0.2, 0.1],
    [0.3, 0.6, 0.1],
    [0.1, 0.8, 0.1],
    [0.2, 0.5, 0.3],
    [0.1, 0.1, 0.8],
    [0.5, 0.1, 0.4],
  ].flat();

  it("matches a hand-computed case (scikit-learn's definitions)", () => {
    const m = multiclassMetrics(labels, probabilities, 3);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // Recalls 1/2, 1, 1/2.
    expect(m.balancedAccuracy).toBeCloseTo(2 / 3, 12);
    // Precisions 1/2, 2/3, 1 → F1 1/2, 4/5, 2/3.
    expect(m.macroF1).toBeCloseTo((1 / 2 + 4 / 5 + 2 / 3) / 3, 12);
    // The true class's probabilities: 0.7, 0.3, 0.8, 0.5, 0.8, 0.4.
    const logLoss = -[0.7, 0.3, 0.8, 0.5, 0.8, 0.4].reduce((s, p) => s + Math.log(p), 0) / 6;
    expect(m.logLoss).toBeCloseTo(logLoss, 12);
  });

  it("fills the binary record's keys for K > 2: macro averages, one-vs-rest AUC, no binary confusion cells", () => {
    const m = multiclassClassificationMetrics(labels, probabilities, 3);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // Precisions 1/2, 2/3, 1; recalls 1/2, 1, 1/2; F1 1/2, 4/5, 2/3.
    expect(m.precision).toBeCloseTo(13 / 18, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo((1 / 2 + 4 / 5 + 2 / 3) / 3, 12);
    expect(m.balancedAccuracy).toBeCloseTo(2 / 3, 12);
    // Each class against the rest by its own probability: 7 of 8, 7 of 8 and 8 of 8 pairs ordered right.
    expect(m.rocAuc).toBeCloseTo((7 / 8 + 7 / 8 + 1) / 3, 12);
    expect([m.tp, m.fp, m.tn, m.fn].every(Number.isNaN)).toBe(true);
    expect(m.attentionMassInWindow).toBeNull();
  });

  it("clips a probability of zero for the true class instead of an infinite log-loss", () => {
    expect(multiclassMetrics([0], [0, 1], 2).logLoss).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it("breaks argmax ties for the lowest class and refuses a wrong shape", () => {
    expect(Array.from(argmaxRows([0.5, 0.5, 0.2, 0.8], 2))).toEqual([0, 1]);
    expect(() => multiclassMetrics([0, 1], [1, 0, 0], 2)).toThrow(/expected 2 × 2 probabilities, got 3/);
  });
});

describe("priorEntropy", () => {
  it("is ln 2 for balanced binary labels, ln K for K balanced classes, lower when unbalanced", () => {
    expect(priorEntropy([0, 1, 0, 1], 2)).toBeCloseTo(Math.LN2, 12);
    expect(priorEntropy([0, 1, 2, 3], 4)).toBeCloseTo(Math.log(4), 12);
    expect(priorEntropy([0, 0, 0, 1], 2)).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 12);
  });
});
