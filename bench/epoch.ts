// Seconds per training epoch of one model at the reference scale, measured with the real training loop
// (trainWithEarlyStopping): it trains `batches` batches per epoch on the first batches·32 training series,
// then runs the full validation pass (1,000 series). The epoch is extrapolated as
//   (train time / batches measured) × 219 + measured validation-pass time,
// after one warm-up epoch that is not counted. The median over `epochs` epochs is reported.
import { labelledSplit } from "@tsa/data";
import { buildModel, disposeSplitTensors, presetSpec, splitTensors, trainWithEarlyStopping } from "@tsa/models";
import { RECIPE_PARTS, benchPreset, type BenchModel } from "./args.js";
import { REFERENCE, median, type ReferenceSplits } from "./scale.js";

export interface EpochMeasurement {
  secondsPerEpoch: number;
  /** Per measured epoch: ms per training batch and ms of the rest of the epoch (validation pass). */
  trainMsPerBatch: number;
  valPassMs: number;
  batchesMeasured: number;
}

export async function measureEpoch(model: BenchModel, splits: ReferenceSplits, batches: number, epochs: number): Promise<EpochMeasurement> {
  const train = splitTensors(labelledSplit(splits.train), batches * REFERENCE.batchSize);
  const val = splitTensors(labelledSplit(splits.val));
  const preset = presetSpec(benchPreset(model));
  const spec = model.endsWith("+recipe") ? { ...preset, ...RECIPE_PARTS } : preset;
  const net = buildModel(spec, { numPoints: REFERENCE.numPoints, seed: 1 });
  const perBatch: number[] = [];
  const valPass: number[] = [];
  try {
    let last = performance.now();
    await trainWithEarlyStopping(
      net,
      train,
      val,
      { epochs: epochs + 1, patience: 0, batchSize: REFERENCE.batchSize, lr: REFERENCE.lr },
      1,
      {
        onEpoch(record) {
          const now = performance.now();
          // Epoch 1 warms up tfjs, the wasm module and the kernels' first allocations: not counted.
          if (record.epoch > 1) {
            perBatch.push(record.durationMs / batches);
            valPass.push(now - last - record.durationMs);
          }
          last = now;
        },
      },
    );
  } finally {
    net.dispose();
    disposeSplitTensors(train);
    disposeSplitTensors(val);
  }
  const trainMsPerBatch = median(perBatch);
  const valPassMs = median(valPass);
  return {
    secondsPerEpoch: (trainMsPerBatch * splits.batchesPerEpoch + valPassMs) / 1000,
    trainMsPerBatch,
    valPassMs,
    batchesMeasured: batches,
  };
}
