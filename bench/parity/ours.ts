// Our side of a parity seed: bilstm-attention trained by the runs' own code (trainAndEvaluateOn) on the
// series read back from the dataset files, the bytes the PyTorch program reads too.
import { readDatasetFiles, type DatasetMeta, type LabelledSplit, type SplitName } from "@tsa/data";
import { modelCodeVersion, trainAndEvaluateOn, type BackendInfo, type TrainConfig } from "@tsa/models";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromRunOutcome, type SeedResult } from "./results.js";
import { tsaVariant, type TsaVariant } from "./variants.js";

/** The dataset folder's splits as training arrays. The files carry no anomaly windows: none are needed here. */
export function readSplits(folder: string): Record<SplitName, LabelledSplit> {
  const meta = JSON.parse(readFileSync(join(folder, "meta.json"), "utf8")) as DatasetMeta;
  const files = { meta, x: readFileSync(join(folder, "x.f32")), y: readFileSync(join(folder, "y.u8")) };
  const splits = readDatasetFiles(files);
  let first = 0;
  const arrays = (name: SplitName): LabelledSplit => {
    const { x, labels } = splits[name];
    const n = labels.length;
    const indices = Int32Array.from({ length: n }, (_, i) => first + i);
    first += n;
    const classes = { numChannels: 1, numClasses: 2 };
    return { x, labels: Int32Array.from(labels), windows: new Int32Array(2 * n).fill(-1), n, numPoints: meta.t, ...classes, indices };
  };
  return { train: arrays("train"), val: arrays("val"), test: arrays("test") };
}

export async function trainOurs(
  folder: string,
  variant: TsaVariant,
  seed: number,
  protocol: TrainConfig,
  backend: BackendInfo,
  hooks: { onEpoch?: (epoch: number, valLoss: number) => void; signal?: AbortSignal } = {},
): Promise<SeedResult> {
  const { model, train } = tsaVariant(variant, protocol);
  const outcome = await trainAndEvaluateOn(
    readSplits(folder),
    { model, train, seed },
    backend,
    { onEpoch: (e) => hooks.onEpoch?.(e.epoch, e.valLoss), signal: hooks.signal },
    // The generated task's chance line, as its runs in the store (its classes are balanced by design).
    Math.LN2,
  );
  return fromRunOutcome(outcome, variant, seed, modelCodeVersion(model));
}

/** Whether a kept result of ours was trained by the variant's model as it is now (else it is trained again). */
export function isCurrent(result: SeedResult, variant: TsaVariant, protocol: TrainConfig): boolean {
  return (result.modelCodeVersion ?? 1) === modelCodeVersion(tsaVariant(variant, protocol).model);
}
