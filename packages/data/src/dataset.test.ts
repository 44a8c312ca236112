import { describe, expect, it } from "vitest";
import { resolveDataConfig } from "./config.js";
import { datasetHash, makeDataset, takeSplit } from "./dataset.js";
import { indexGrid } from "./grid.js";

const small = resolveDataConfig({ size: 400, numPoints: 100 });

function series(ds: ReturnType<typeof makeDataset>, i: number): Float32Array {
  return ds.x.subarray(i * ds.numPoints, (i + 1) * ds.numPoints);
}

/** Length of the longest run of exactly equal consecutive values. */
function longestConstantRun(values: Float32Array): number {
  let best = 1;
  let run = 1;
  for (let j = 1; j < values.length; j++) {
    run = values[j] === values[j - 1] ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

describe("makeDataset", () => {
  it("is deterministic bit for bit for the same config and seed", () => {
    const a = makeDataset(small, 7);
    const b = makeDataset(small, 7);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(a.labels).toEqual(b.labels);
    expect(a.windows).toEqual(b.windows);
    expect(a.splits).toEqual(b.splits);
  });

  it("differs between seeds", () => {
    const a = makeDataset(small, 1);
    const b = makeDataset(small, 2);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(false);
  });

  it("makes exactly the configured share of anomalous series", () => {
    const ds = makeDataset(resolveDataConfig({ size: 1001, numPoints: 50, anomalyRatio: 0.3 }), 3);
    expect(ds.labels.reduce((s, v) => s + v, 0)).toBe(Math.round(0.3 * 1001));
  });

  it("flattens anomalous series to x[loc] exactly inside the window, at grid positions", () => {
    const ds = makeDataset(small, 11);
    const locations = new Set(indexGrid(small.location, small.numPoints));
    const lengths = new Set(indexGrid(small.length, small.numPoints));
    let anomalous = 0;
    for (let i = 0; i < ds.size; i++) {
      if (ds.labels[i] !== 1) continue;
      anomalous++;
      const [start, end] = [ds.windows[2 * i] as number, ds.windows[2 * i + 1] as number];
      expect(locations.has(start)).toBe(true);
      expect(end).toBeLessThanOrEqual(ds.numPoints);
      // Clipped windows are shorter than the drawn length; unclipped ones are exactly a grid length.
      if (end < ds.numPoints) expect(lengths.has(end - start)).toBe(true);
      const x = series(ds, i);
      for (let j = start; j < end; j++) expect(x[j]).toBe(x[start]);
      // The sine resumes right after the window: the flat part ends where the window says.
      if (end < ds.numPoints) expect(x[end]).not.toBe(x[start]);
    }
    expect(anomalous).toBe(200);
  });

  it("leaves normal series without a flat segment and without a window", () => {
    const ds = makeDataset(small, 5);
    for (let i = 0; i < ds.size; i++) {
      if (ds.labels[i] !== 0) continue;
      expect([ds.windows[2 * i], ds.windows[2 * i + 1]]).toEqual([-1, -1]);
      // The shortest grid length is 10 points; a sampled sine never repeats a value 3 times in a row.
      expect(longestConstantRun(series(ds, i))).toBeLessThan(3);
    }
  });

  it("draws amplitudes and frequencies inside the reference ranges", () => {
    const ds = makeDataset(small, 9);
    for (let i = 0; i < ds.size; i++) {
      const peak = Math.max(...Array.from(series(ds, i), Math.abs));
      expect(peak).toBeLessThan(10);
    }
  });

  it("adds noise with std = noise * amp after flattening", () => {
    const clean = makeDataset(resolveDataConfig({ size: 200, numPoints: 400 }), 4);
    const noisy = makeDataset(resolveDataConfig({ size: 200, numPoints: 400, noise: 0.1 }), 4);
    let ratioSum = 0;
    for (let i = 0; i < clean.size; i++) {
      const a = series(clean, i);
      const b = series(noisy, i);
      let sq = 0;
      for (let j = 0; j < a.length; j++) sq += ((b[j] as number) - (a[j] as number)) ** 2;
      const std = Math.sqrt(sq / a.length);
      // The clean peak is amp up to the sampling of the sine; with >= 1 full period it is within 1%.
      const amp = Math.max(...Array.from(a, Math.abs));
      ratioSum += std / amp;
    }
    expect(ratioSum / clean.size).toBeCloseTo(0.1, 2);
  });

  it("splits 70/10/20, disjoint and covering every series", () => {
    const ds = makeDataset(resolveDataConfig({ size: 1000, numPoints: 20 }), 1);
    expect([ds.splits.train.length, ds.splits.val.length, ds.splits.test.length]).toEqual([700, 100, 200]);
    const all = new Set([...ds.splits.train, ...ds.splits.val, ...ds.splits.test]);
    expect(all.size).toBe(1000);
  });

  it("copies a split out with its labels and windows", () => {
    const ds = makeDataset(small, 2);
    const test = takeSplit(ds, "test");
    expect(test.n).toBe(80);
    const source = test.indices[5] as number;
    expect(test.x.subarray(5 * 100, 6 * 100)).toEqual(series(ds, source));
    expect(test.labels[5]).toBe(ds.labels[source]);
    expect(test.windows[10]).toBe(ds.windows[2 * source]);
  });
});

describe("datasetHash", () => {
  it("is stable and sensitive to every field and the seed", () => {
    const base = datasetHash(small, 1);
    expect(datasetHash(resolveDataConfig({ numPoints: 100, size: 400 }), 1)).toBe(base);
    expect(datasetHash(small, 2)).not.toBe(base);
    const variants = [
      { size: 401 },
      { numPoints: 101 },
      { anomalyRatio: 0.4 },
      { location: [0.1, 0.9] },
      { length: [0.1, 0.4] },
      { noise: 0.01 },
      { freq: [1, 3] },
      { amp: [2, 10] },
      { split: { train: 0.6, val: 0.2, test: 0.2 } },
    ];
    const hashes = variants.map((v) => datasetHash(resolveDataConfig({ size: 400, numPoints: 100, ...v }), 1));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });
});
