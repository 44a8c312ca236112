import { takeSplit, type Dataset, type SplitName } from "./dataset.js";

/**
 * A dataset in the plain files another framework reads (the format of the PyTorch reference's `--data`):
 * `meta.json` with n, t and the three split sizes; `x.f32`, n × t little-endian float32, rows in the order
 * train, val, test; `y.u8`, n labels of 0 or 1, in the same order. Bytes only: writing them is the caller's.
 */
export interface DatasetFiles {
  meta: DatasetMeta;
  x: Uint8Array;
  y: Uint8Array;
}

export interface DatasetMeta {
  n: number;
  t: number;
  train: number;
  val: number;
  test: number;
  /** Where the series came from, so a file can be traced back to its run. */
  seed: number;
  hash: string;
  config: unknown;
}

const ORDER: readonly SplitName[] = ["train", "val", "test"];

export function datasetFiles(dataset: Dataset): DatasetFiles {
  const splits = ORDER.map((name) => takeSplit(dataset, name));
  const n = splits.reduce((sum, s) => sum + s.n, 0);
  const t = dataset.numPoints;
  const x = new Uint8Array(n * t * 4);
  const view = new DataView(x.buffer);
  const y = new Uint8Array(n);
  let row = 0;
  for (const split of splits) {
    for (let i = 0; i < split.n; i++, row++) {
      for (let j = 0; j < t; j++) view.setFloat32((row * t + j) * 4, split.x[i * t + j]!, true);
      y[row] = split.labels[i]!;
    }
  }
  const [train, val, test] = splits.map((s) => s.n) as [number, number, number];
  return { meta: { n, t, train, val, test, seed: dataset.seed, hash: dataset.hash, config: dataset.config }, x, y };
}

/** The series and labels back from the files' bytes, split as `meta` says (what a reader of the format sees). */
export function readDatasetFiles(files: DatasetFiles): Record<SplitName, { x: Float32Array; labels: Uint8Array }> {
  const { n, t } = files.meta;
  if (files.x.byteLength !== n * t * 4 || files.y.byteLength !== n) {
    throw new Error(
      `dataset files hold ${files.x.byteLength} bytes of series and ${files.y.byteLength} labels; meta.json says n ${n}, t ${t}`,
    );
  }
  const view = new DataView(files.x.buffer, files.x.byteOffset, files.x.byteLength);
  const all = Float32Array.from({ length: n * t }, (_, i) => view.getFloat32(i * 4, true));
  const bounds = {
    train: [0, files.meta.train],
    val: [files.meta.train, files.meta.train + files.meta.val],
    test: [files.meta.train + files.meta.val, n],
  } as const;
  const out = {} as Record<SplitName, { x: Float32Array; labels: Uint8Array }>;
  for (const name of ORDER) {
    const [from, to] = bounds[name];
    out[name] = { x: all.slice(from * t, to * t), labels: files.y.slice(from, to) };
  }
  return out;
}
