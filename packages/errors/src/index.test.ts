import { describe, expect, it } from "vitest";
import { ExperimentSpecError, RunFailedError, StoreError, exitCodeOf } from "./index.js";

describe("errors", () => {
  it("formats an experiment error with file, key path, expectation and value", () => {
    const e = new ExperimentSpecError("experiments/length.yaml", "sweep.data.length[2]", "[min, max] with min < max", "[0.3, 0.2]");
    expect(e.message).toBe("experiments/length.yaml: sweep.data.length[2]: expected [min, max] with min < max, got [0.3, 0.2]");
    expect(e.name).toBe("ExperimentSpecError");
  });
  it("maps classes to exit codes", () => {
    expect(exitCodeOf(new StoreError("x"))).toBe(2);
    expect(exitCodeOf(new RunFailedError("nan", 3))).toBe(1);
    expect(exitCodeOf(new TypeError("bug"))).toBe(1);
  });
});
