import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTsFile } from "./archive-file.js";
import { archiveProblem, zNormalizeSeries } from "./archive-problem.js";
import { resolveDataConfig } from "./config.js";
import { makeDataset, takeSplit } from "./dataset.js";
import { archiveLabelledSplits, labelledSplit } from "./labelled.js";

const readTs = (problem: string, split: "TRAIN" | "TEST") =>
  parseTsFile(
    readFileSync(new URL(`../../../datasets/${problem}/${problem}_${split}.ts`, import.meta.url), "utf8"),
    `${problem}_${split}.ts`,
  );
const basicMotions = () => archiveProblem("BasicMotions", readTs("BasicMotions", "TRAIN"), readTs("BasicMotions", "TEST"));

describe("labelledSplit", () => {
  it("maps the anomaly task's split onto one channel and two classes without changing a value", () => {
    const split = takeSplit(makeDataset(resolveDataConfig({ size: 50, numPoints: 16 }), 3), "train");
    const labelled = labelledSplit(split);
    expect(labelled.x).toBe(split.x);
    expect(Array.from(labelled.labels)).toEqual(Array.from(split.labels));
    expect([labelled.n, labelled.numPoints, labelled.numChannels, labelled.numClasses]).toEqual([split.n, 16, 1, 2]);
    expect(labelled.windows).toBe(split.windows);
    expect(labelled.indices).toBe(split.indices);
  });
});

describe("archiveLabelledSplits", () => {
  it("gives BasicMotions' 6 channels and 4 classes, validation cut from train, the test file whole", () => {
    const splits = archiveLabelledSplits(basicMotions(), 1);
    // 10 cases per class in the train file: round(0.2 · 10) = 2 of each held out.
    expect([splits.train.n, splits.val.n, splits.test.n]).toEqual([32, 8, 40]);
    for (const split of Object.values(splits)) {
      expect([split.numPoints, split.numChannels, split.numClasses, split.windows]).toEqual([100, 6, 4, null]);
      expect(split.x.length).toBe(split.n * 100 * 6);
      expect(split.labels.every((k) => k >= 0 && k < 4)).toBe(true);
    }
    expect(new Set(splits.val.labels)).toEqual(new Set([0, 1, 2, 3]));
  });

  it("trains on the whole train file with validationShare 0, and z-normalises each channel when asked", () => {
    const problem = basicMotions();
    const whole = archiveLabelledSplits(problem, 1, { validationShare: 0, zNormalize: true });
    expect([whole.train.n, whole.val.n]).toEqual([40, 0]);
    expect(Array.from(whole.train.x)).toEqual(Array.from(zNormalizeSeries(problem.train.x, 100, 6)));
    expect(archiveLabelledSplits(problem, 1, { validationShare: 0 }).train.x).toEqual(problem.train.x);
  });
});
