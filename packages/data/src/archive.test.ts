import { DataFileError } from "@tsa/errors";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseTsFile, parseUcrTsv } from "./archive-file.js";
import { archiveProblem, validationSplit, zNormalizeSeries } from "./archive-problem.js";

const shipped = (problem: string, file: string) => readFileSync(new URL(`../../../datasets/${problem}/${file}`, import.meta.url), "utf8");
const readTs = (problem: string, split: "TRAIN" | "TEST") =>
  parseTsFile(shipped(problem, `${problem}_${split}.ts`), `${problem}_${split}.ts`);

describe("the shipped archive files", () => {
  const cases = [
    { problem: "GunPoint", train: 50, test: 150, length: 150, channels: 1, classes: ["1", "2"] },
    { problem: "ItalyPowerDemand", train: 67, test: 1029, length: 24, channels: 1, classes: ["1", "2"] },
    { problem: "ArrowHead", train: 36, test: 175, length: 251, channels: 1, classes: ["0", "1", "2"] },
    { problem: "BasicMotions", train: 40, test: 40, length: 100, channels: 6, classes: ["Standing", "Running", "Walking", "Badminton"] },
  ];
  for (const c of cases) {
    it(`reads ${c.problem}: ${c.train} + ${c.test} cases of ${c.length} × ${c.channels}, classes ${c.classes.join(", ")}`, () => {
      const problem = archiveProblem(c.problem, readTs(c.problem, "TRAIN"), readTs(c.problem, "TEST"));
      expect([problem.train.n, problem.test.n, problem.length, problem.channels]).toEqual([c.train, c.test, c.length, c.channels]);
      expect(problem.classes).toEqual(c.classes);
      expect(problem.train.x.length).toBe(c.train * c.length * c.channels);
      expect(new Set(problem.train.y)).toEqual(new Set(c.classes.map((_, k) => k)));
      expect(problem.train.x.every(Number.isFinite)).toBe(true);
    });
  }

  it("keeps channels last: BasicMotions' first case, value 2 of channel 3, is x[(1 × 6) + 2]", () => {
    const file = readTs("BasicMotions", "TRAIN");
    const firstCase = shipped("BasicMotions", "BasicMotions_TRAIN.ts")
      .split("\n")
      .find((line) => /^[-\d]/.test(line.trim()))!;
    const channel3 = firstCase.split(":")[2]!.split(",").map(Number);
    expect(file.x[1 * 6 + 2]).toBeCloseTo(channel3[1]!, 5);
    expect(file.labels[0]).toBe(firstCase.split(":").at(-1)!.trim());
  });

  it("reads the same series and labels from the .tsv layout as from .ts", () => {
    for (const problem of ["GunPoint", "ArrowHead"]) {
      const ts = readTs(problem, "TRAIN");
      const tsv = parseUcrTsv(shipped(problem, `${problem}_TRAIN.tsv`), `${problem}_TRAIN.tsv`);
      expect([tsv.cases, tsv.length, tsv.channels]).toEqual([ts.cases, ts.length, ts.channels]);
      expect(tsv.labels.map(Number)).toEqual(ts.labels.map(Number));
      for (let i = 0; i < ts.x.length; i++) expect(tsv.x[i]).toBeCloseTo(ts.x[i]!, 4);
    }
  });
});

const header = "@problemName Toy\n@timeStamps false\n@univariate true\n@classLabel true a b\n@data\n";
const good = `${header}1,2,3:a\n4,5,6:b\n`;

describe("parseTsFile", () => {
  it("takes any subset of the header, in any case, comments and blank trailing lines", () => {
    const file = parseTsFile("# a comment\n@CLASSLABEL true x y\n@data\n1,2:x\n3,4:y\n\n\n", "toy.ts");
    expect([file.cases, file.length, file.channels, file.problem]).toEqual([2, 2, 1, null]);
    expect(file.declaredClasses).toEqual(["x", "y"]);
    expect(Array.from(file.x)).toEqual([1, 2, 3, 4]);
  });

  it("reads numeric labels and scientific notation", () => {
    const file = parseTsFile("@data\n1e-3,-2.5E2,.5:1\n+1,2.,3:2\n", "toy.ts");
    expect(file.x).toEqual(Float32Array.from([0.001, -250, 0.5, 1, 2, 3]));
    expect(file.labels).toEqual(["1", "2"]);
  });

  // Each malformed file names its file and line and says what was expected: `file:line: expected …, got …`.
  const malformed: { name: string; text: string; line: number; says: RegExp }[] = [
    {
      name: "no @data",
      text: "@problemName Toy\n@classLabel true a b\n",
      line: 2,
      says: /expected @data before the cases, got end of file/,
    },
    {
      name: "an unknown header tag",
      text: "@problemName Toy\n@colour red\n@data\n1:a\n",
      line: 2,
      says: /expected a header tag .*got "@colour"/,
    },
    { name: "text before @data that is no tag", text: "hello\n@data\n1:a\n", line: 1, says: /expected a header tag \(@…\), a comment/ },
    {
      name: "@seriesLength not a number",
      text: "@seriesLength many\n@data\n1:a\n",
      line: 1,
      says: /@seriesLength followed by a positive integer, got "many"/,
    },
    {
      name: "@univariate neither true nor false",
      text: "@univariate yes\n@data\n1:a\n",
      line: 1,
      says: /@univariate true or false, got "yes"/,
    },
    {
      name: "@classLabel false (regression)",
      text: "@classLabel false\n@data\n1:0.5\n",
      line: 1,
      says: /a classification problem.*got false/,
    },
    {
      name: "@classLabel true without labels",
      text: "@classLabel true\n@data\n1:a\n",
      line: 1,
      says: /followed by the class labels, got no labels/,
    },
    { name: "time stamps", text: "@timeStamps true\n@data\n(0,1):a\n", line: 1, says: /time stamps are not supported/ },
    { name: "no cases after @data", text: `${header}\n`, line: 6, says: /expected at least one case, got none/ },
    { name: "a case without its label", text: "@data\n1,2,3\n", line: 2, says: /values, then ':' and the class label/ },
    { name: "an empty label", text: "@data\n1,2,3:\n", line: 2, says: /a class label after the last ':', got an empty label/ },
    {
      name: "a label @classLabel does not declare",
      text: `${header}1,2,3:c\n`,
      line: 6,
      says: /declared by @classLabel \(a, b\), got "c"/,
    },
    { name: "a value that is no number", text: `${header}1,two,3:a\n`, line: 6, says: /a number at channel 1, value 2, got "two"/ },
    { name: "an empty value", text: `${header}1,,3:a\n`, line: 6, says: /a number at channel 1, value 2, got an empty field/ },
    { name: "a missing value", text: `${header}1,?,3:a\n`, line: 6, says: /missing values are not supported.*got "\?"/ },
    {
      name: "series of unequal length",
      text: `${header}1,2,3:a\n1,2:b\n`,
      line: 7,
      says: /3 values per channel, as on line 6 \(series of unequal length/,
    },
    { name: "a case with another channel count", text: "@data\n1,2:3,4:a\n1,2:b\n", line: 3, says: /2 channel\(s\), as on line 2, got 1/ },
    {
      name: "channels of unequal length in a case",
      text: "@data\n1,2:3:a\n",
      line: 2,
      says: /as long as its first \(2 values\), got 1 values in channel 2/,
    },
    {
      name: "more channels than @dimensions",
      text: "@dimensions 1\n@data\n1,2:3,4:a\n",
      line: 3,
      says: /1 channel\(s\), as @dimensions says, got 2/,
    },
    {
      name: "several channels under @univariate true",
      text: "@univariate true\n@data\n1:2:a\n",
      line: 3,
      says: /1 channel, as @univariate true says, got 2/,
    },
    {
      name: "another length than @seriesLength",
      text: "@seriesLength 3\n@data\n1,2:a\n",
      line: 3,
      says: /3 values per channel, as @seriesLength says, got 2/,
    },
    { name: "a header tag after @data", text: "@data\n1:a\n@seriesLength 1\n", line: 3, says: /a case \(the header ended at @data\)/ },
  ];
  for (const c of malformed) {
    it(`refuses ${c.name}, naming the file and line ${c.line}`, () => {
      const error = (() => {
        try {
          parseTsFile(c.text, "bad.ts");
        } catch (e) {
          return e;
        }
        throw new Error("parsed without an error");
      })();
      expect(error).toBeInstanceOf(DataFileError);
      expect((error as DataFileError).exitCode).toBe(2);
      expect((error as Error).message).toMatch(new RegExp(`^bad\\.ts:${c.line}: expected `));
      expect((error as Error).message).toMatch(c.says);
    });
  }
});

describe("parseUcrTsv", () => {
  it("reads the label first, then the values", () => {
    const file = parseUcrTsv("1\t0.5\t1.5\n2\t2.5\t3.5\n", "toy.tsv");
    expect([file.cases, file.length, file.channels]).toEqual([2, 2, 1]);
    expect(file.labels).toEqual(["1", "2"]);
    expect(Array.from(file.x)).toEqual([0.5, 1.5, 2.5, 3.5]);
  });

  const malformed = [
    { name: "a line without values", text: "1\t0.5\n2\n", line: 2, says: /a class label, a tab, then tab-separated values/ },
    { name: "NaN padding (unequal lengths)", text: "1\t0.5\t1\n2\t0.5\tNaN\n", line: 2, says: /padding NaN: unequal lengths/ },
    { name: "rows of unequal length", text: "1\t0.5\t1\n2\t0.5\t1\t2\n", line: 2, says: /2 values per channel, as on line 1/ },
    { name: "a value that is no number", text: "1\t0.5\tx\n", line: 1, says: /a number at value 2, got "x"/ },
  ];
  for (const c of malformed) {
    it(`refuses ${c.name}, naming the file and line ${c.line}`, () => {
      expect(() => parseUcrTsv(c.text, "bad.tsv")).toThrow(new RegExp(`^bad\\.tsv:${c.line}: expected .*`));
      expect(() => parseUcrTsv(c.text, "bad.tsv")).toThrow(c.says);
    });
  }
});

describe("archiveProblem", () => {
  const train = parseTsFile(good, "toy_TRAIN.ts");

  it("numbers the classes in @classLabel's order, else sorted (numerically where the labels are numbers)", () => {
    expect(archiveProblem("toy", train, train).classes).toEqual(["a", "b"]);
    const tsv = parseUcrTsv("10\t1\n2\t2\n10\t3\n", "t.tsv");
    const problem = archiveProblem("toy", tsv, tsv);
    expect(problem.classes).toEqual(["2", "10"]);
    expect(Array.from(problem.train.y)).toEqual([1, 0, 1]);
  });

  it("refuses a test file of another length, a class train has not seen, and a single class", () => {
    expect(() => archiveProblem("toy", train, parseTsFile("@data\n1,2:a\n", "toy_TEST.ts"))).toThrow(
      /^toy_TEST\.ts:2: expected length 3, as in toy_TRAIN\.ts, got 2/,
    );
    const unseen = parseUcrTsv("1\t1\t2\n3\t1\t2\n", "u_TEST.tsv");
    expect(() => archiveProblem("toy", parseUcrTsv("1\t1\t2\n2\t1\t2\n", "u_TRAIN.tsv"), unseen)).toThrow(
      /^u_TEST\.tsv:2: expected a class label that u_TRAIN\.tsv has \(1, 2\), got "3"/,
    );
    const one = parseUcrTsv("1\t1\n1\t2\n", "one.tsv");
    expect(() => archiveProblem("toy", one, one)).toThrow(/^one\.tsv:2: expected cases of at least two classes/);
  });
});

describe("validationSplit", () => {
  const problem = archiveProblem("GunPoint", readTs("GunPoint", "TRAIN"), readTs("GunPoint", "TEST"));

  it("holds out round(20 %) of each class of the train file, the test file untouched", () => {
    const { train, val, test } = validationSplit(problem, 1);
    for (let k = 0; k < problem.classes.length; k++) {
      const inTrainFile = problem.train.y.filter((y) => y === k).length;
      expect(val.y.filter((y) => y === k).length).toBe(Math.round(0.2 * inTrainFile));
    }
    expect(train.n + val.n).toBe(problem.train.n);
    expect(new Set([...train.rows, ...val.rows]).size).toBe(problem.train.n);
    expect(test).toBe(problem.test);
    // Each case's values travel with it.
    const row = val.rows[0]!;
    expect(Array.from(val.x.subarray(0, problem.length))).toEqual(Array.from(problem.train.x.subarray(row * 150, (row + 1) * 150)));
  });

  it("is the same for the same seed, and another for another seed", () => {
    expect(Array.from(validationSplit(problem, 1).val.rows)).toEqual(Array.from(validationSplit(problem, 1).val.rows));
    expect(Array.from(validationSplit(problem, 1).val.rows)).not.toEqual(Array.from(validationSplit(problem, 2).val.rows));
  });

  it("leaves at least one case of each class in train", () => {
    const tiny = archiveProblem("toy", parseUcrTsv("1\t1\n2\t2\n2\t3\n", "t.tsv"), parseUcrTsv("1\t1\n2\t2\n", "t2.tsv"));
    const { train, val } = validationSplit(tiny, 1, 0.9);
    expect(Array.from(train.y).sort()).toEqual([0, 1]);
    expect(Array.from(val.y)).toEqual([1]);
  });
});

describe("zNormalizeSeries", () => {
  it("gives each channel of each case mean 0 and std 1; a constant channel only loses its mean", () => {
    // Two cases of length 3 with 2 channels, channels last: case 0 channel 0 = 1,2,3; channel 1 = 5,5,5.
    const x = Float32Array.from([1, 5, 2, 5, 3, 5, 10, 0, 20, 0, 30, 3]);
    const z = zNormalizeSeries(x, 3, 2);
    const s = Math.sqrt(3 / 2);
    expect(Array.from(z.subarray(0, 6)).map((v) => +v.toFixed(5))).toEqual([-s, 0, 0, 0, s, 0].map((v) => +v.toFixed(5)));
    const c1 = [z[7]!, z[9]!, z[11]!];
    expect(c1.reduce((a, b) => a + b) / 3).toBeCloseTo(0, 6);
    expect(Math.sqrt(c1.reduce((a, b) => a + b * b, 0) / 3)).toBeCloseTo(1, 6);
  });
});
