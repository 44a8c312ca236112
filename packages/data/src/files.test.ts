import { describe, expect, it } from "vitest";
import { resolveDataConfig } from "./config.js";
import { makeDataset, takeSplit } from "./dataset.js";
import { datasetFiles, readDatasetFiles } from "./files.js";

describe("dataset files", () => {
  const dataset = makeDataset(resolveDataConfig({ size: 50, numPoints: 16, noise: 0.1 }), 3);

  it("round-trips every split to the same Float32Array and labels, train, val, test in order", () => {
    const files = datasetFiles(dataset);
    expect(files.meta).toMatchObject({ n: 50, t: 16, train: 35, val: 5, test: 10, seed: 3, hash: dataset.hash });
    expect([files.x.byteLength, files.y.byteLength]).toEqual([50 * 16 * 4, 50]);
    const back = readDatasetFiles(files);
    for (const name of ["train", "val", "test"] as const) {
      const split = takeSplit(dataset, name);
      expect(back[name].x).toEqual(split.x);
      expect(back[name].labels).toEqual(split.labels);
    }
  });

  it("writes little-endian float32, whatever the machine", () => {
    const files = datasetFiles(dataset);
    const first = takeSplit(dataset, "train").x[0]!;
    const expected = new Uint8Array(4);
    new DataView(expected.buffer).setFloat32(0, first, true);
    expect(files.x.slice(0, 4)).toEqual(expected);
  });

  it("refuses files whose sizes disagree with meta", () => {
    const files = datasetFiles(dataset);
    expect(() => readDatasetFiles({ ...files, y: files.y.slice(1) })).toThrow("meta.json says n 50, t 16");
  });
});
