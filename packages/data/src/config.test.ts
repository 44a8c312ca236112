import { describe, expect, it } from "vitest";
import { resolveDataConfig } from "./config.js";
import { arange, indexGrid } from "./grid.js";

describe("resolveDataConfig", () => {
  it("fills the reference defaults", () => {
    expect(resolveDataConfig({})).toEqual({
      size: 10000,
      numPoints: 500,
      anomalyRatio: 0.5,
      location: [0, 0.9],
      length: [0.1, 0.5],
      noise: 0,
      freq: [1, 4],
      amp: [1, 10],
      split: { train: 0.7, val: 0.1, test: 0.2 },
    });
  });
  it.each([
    [{ length: [0.3, 0.2] }, "length"],
    [{ location: [0, 1.5] }, "location"],
    [{ noise: -1 }, "noise"],
    [{ size: 0 }, "size"],
    [{ split: { train: 0.5, val: 0.1, test: 0.1 } }, "split"],
    [{ length: [0.001, 0.01], numPoints: 100 }, "length"],
    [{ colour: "red" }, ""],
  ])("rejects %j at %s", (input, path) => {
    const result = (() => {
      try {
        resolveDataConfig(input);
        return null;
      } catch (e) {
        return e as { issues: Array<{ path: PropertyKey[] }> };
      }
    })();
    expect(result).not.toBeNull();
    expect(result?.issues[0]?.path.join(".") ?? "").toContain(path);
  });
});

describe("grids", () => {
  it("match numpy's arange and the reference's index grids", () => {
    expect(arange(1, 4, 0.01)).toHaveLength(300);
    expect(arange(1, 10, 0.01)).toHaveLength(900);
    expect(indexGrid([0, 0.9], 500)).toEqual(arange(0, 450, 5));
    expect(indexGrid([0.1, 0.5], 500)).toEqual(arange(50, 250, 5));
    expect(indexGrid([0.02, 0.05], 250)).toEqual([5, 7, 9, 11]);
    expect(indexGrid([0.1, 0.101], 100)).toEqual([10]);
  });
});
