import { createHash } from "node:crypto";
import type { DataConfig } from "./config.js";
import { arange, indexGrid } from "./grid.js";
import { makeRng } from "./rng.js";

/**
 * Bump when the generator's output changes for the same config and seed. It is part of the dataset hash, not
 * of run ids: each run records it, and a resumed sweep redoes completed runs recorded under another version.
 */
export const GENERATOR_VERSION = 1;

export type SplitName = "train" | "val" | "test";

export interface Dataset {
  config: DataConfig;
  seed: number;
  hash: string;
  size: number;
  numPoints: number;
  /** size * numPoints values, row-major: series i is x[i*numPoints, (i+1)*numPoints). */
  x: Float32Array;
  /** 1 = anomalous (has a flat segment). */
  labels: Uint8Array;
  /** 2 * size: [start, end) of each flat segment, end clipped to numPoints; -1, -1 for normal series. */
  windows: Int32Array;
  splits: Record<SplitName, Int32Array>;
}

/** One split's series, copied out contiguously for training. */
export interface SplitArrays {
  x: Float32Array;
  labels: Uint8Array;
  windows: Int32Array;
  n: number;
  numPoints: number;
  /** Index of each row in the full dataset. */
  indices: Int32Array;
}

/**
 * The reference generator: `amp * sin(freq * t)`, t = linspace(0, 2π, N); anomalous series get the
 * value x[loc] from loc for len points (a flat line, clipped at the end); then optional noise.
 */
export function makeDataset(config: DataConfig, seed: number): Dataset {
  const { size, numPoints } = config;
  const x = new Float32Array(size * numPoints);
  const labels = anomalyLabels(config, seed);
  const windows = new Int32Array(2 * size).fill(-1);

  const freqs = arange(config.freq[0], config.freq[1], 0.01);
  const amps = arange(config.amp[0], config.amp[1], 0.01);
  const locations = indexGrid(config.location, numPoints);
  const lengths = indexGrid(config.length, numPoints);
  const draws = makeRng(seed, "series");
  const noise = makeRng(seed, "noise");
  const step = (2 * Math.PI) / Math.max(1, numPoints - 1);

  for (let i = 0; i < size; i++) {
    const freq = draws.pick(freqs);
    const amp = draws.pick(amps);
    // Every series draws loc and len, anomalous or not, so a series' shape does not depend on its label.
    const loc = draws.pick(locations);
    const len = draws.pick(lengths);
    const row = i * numPoints;
    for (let j = 0; j < numPoints; j++) x[row + j] = amp * Math.sin(freq * j * step);
    if (labels[i] === 1) {
      const end = Math.min(loc + len, numPoints);
      x.fill(x[row + loc] as number, row + loc, row + end);
      windows[2 * i] = loc;
      windows[2 * i + 1] = end;
    }
    if (config.noise > 0) {
      const std = config.noise * amp;
      for (let j = 0; j < numPoints; j++) x[row + j] = (x[row + j] as number) + std * noise.gaussian();
    }
  }

  return {
    config,
    seed,
    hash: datasetHash(config, seed),
    size,
    numPoints,
    x,
    labels,
    windows,
    splits: splitIndices(config, seed),
  };
}

/**
 * Exactly round(ratio * size) anomalous series at seeded positions. The reference's published test
 * confusion matrix (1016 normal, 984 anomalous of 2000) matches an exact half shuffled, not a coin per series.
 */
function anomalyLabels(config: DataConfig, seed: number): Uint8Array {
  const labels = new Uint8Array(config.size);
  const anomalous = Math.round(config.anomalyRatio * config.size);
  const order = makeRng(seed, "labels").permutation(config.size);
  for (let k = 0; k < anomalous; k++) labels[order[k] as number] = 1;
  return labels;
}

/** The reference's split: a seeded permutation, test first, then validation, the rest for training. */
function splitIndices(config: DataConfig, seed: number): Record<SplitName, Int32Array> {
  const order = makeRng(seed, "split").permutation(config.size);
  const nTest = Math.floor(config.split.test * config.size);
  const nVal = Math.floor(config.split.val * config.size);
  return {
    test: order.slice(0, nTest),
    val: order.slice(nTest, nTest + nVal),
    train: order.slice(nTest + nVal),
  };
}

/** Copies one split's rows out of the dataset, in split order. */
export function takeSplit(ds: Dataset, split: SplitName): SplitArrays {
  const indices = ds.splits[split];
  const n = indices.length;
  const T = ds.numPoints;
  const x = new Float32Array(n * T);
  const labels = new Uint8Array(n);
  const windows = new Int32Array(2 * n);
  indices.forEach((source, row) => {
    x.set(ds.x.subarray(source * T, (source + 1) * T), row * T);
    labels[row] = ds.labels[source] as number;
    windows[2 * row] = ds.windows[2 * source] as number;
    windows[2 * row + 1] = ds.windows[2 * source + 1] as number;
  });
  return { x, labels, windows, n, numPoints: T, indices };
}

/** A stable content hash of what makes a dataset: generator version, resolved config, seed. */
export function datasetHash(config: DataConfig, seed: number): string {
  return createHash("sha256")
    .update(canonicalJson({ generator: GENERATOR_VERSION, config, seed }))
    .digest("hex");
}

/** JSON with object keys sorted at every level, so equal values always serialise the same way. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
