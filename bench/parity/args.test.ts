import { describe, expect, it } from "vitest";
import { DEFAULT_PYTHON } from "../pytorch/program.js";
import { ParityUsageError, parseParityArgs } from "./args.js";

describe("parseParityArgs", () => {
  it("defaults: experiments/parity.yaml, seeds 0–4, every variant, 1 thread, /usr/bin/python3", () => {
    expect(parseParityArgs([])).toEqual({
      experiment: "experiments/parity.yaml",
      points: [],
      seeds: [0, 1, 2, 3, 4],
      variants: ["pytorch", "tsa", "tsa-pytorch-init", "tsa-recipe"],
      threads: 1,
      out: null,
      python: DEFAULT_PYTHON,
      json: false,
      curves: false,
      reportOnly: false,
    });
  });

  it("reads a seed count, a seed list, points, variants (in the table's order) and the rest", () => {
    const options = parseParityArgs([
      "--experiment",
      "experiments/paper.yaml",
      "--point",
      "data.length=[0.1,0.2]",
      "--seeds",
      "3,7",
      "--variants",
      "tsa,pytorch",
      "--threads",
      "2",
      "--out",
      "/tmp/p",
      "--python",
      "/opt/py",
      "--json",
      "--report-only",
    ]);
    expect(options).toMatchObject({
      experiment: "experiments/paper.yaml",
      points: ["data.length=[0.1,0.2]"],
      seeds: [3, 7],
      variants: ["pytorch", "tsa"],
      threads: 2,
      out: "/tmp/p",
      python: "/opt/py",
      json: true,
      reportOnly: true,
    });
    expect(parseParityArgs(["--seeds", "2"])).toMatchObject({ seeds: [0, 1] });
    expect(parseParityArgs(["--seeds", "0..0"])).toMatchObject({ seeds: [0] });
    expect(parseParityArgs(["--seeds", "1,5..7"])).toMatchObject({ seeds: [1, 5, 6, 7] });
    expect(parseParityArgs(["--help"])).toBe("help");
  });

  it.each([
    [["--seeds", "0"], "--seeds: expected at least 1 seed"],
    [["--seeds", "1,x"], "--seeds: expected a count or a comma-separated list"],
    [["--seeds", "1,1"], "listed twice"],
    [["--seeds", "1..3,2"], "listed twice"],
    [["--seeds", "3..1"], "--seeds: expected a count or a comma-separated list"],
    [["--seeds", "1,-1"], "--seeds: expected a count or a comma-separated list"],
    [["--threads", "0"], "--threads: expected a positive integer, got '0'"],
    [["--variants", "tsa,keras"], "--variants: expected a comma-separated subset of pytorch, tsa, tsa-pytorch-init, tsa-recipe"],
    [["--bogus"], "Unknown option '--bogus'"],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseParityArgs(argv)).toThrow(ParityUsageError);
    expect(() => parseParityArgs(argv)).toThrow(message);
  });
});
