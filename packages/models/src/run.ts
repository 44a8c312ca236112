import { makeDataset, takeSplit, type DataConfig, type SplitArrays, type SplitName } from "@tsa/data";
import { buildModel } from "./architectures.js";
import { didNotLearn } from "./chance.js";
import { attentionLocalisation, attentionSamples, attentionWeights } from "./attention.js";
import type { BackendInfo } from "./backend.js";
import { hasAttention, type ModelSpec, type TrainConfig } from "./config.js";
import { classificationMetrics } from "./metrics.js";
import { predictLogits, sigmoid } from "./predict.js";
import { disposeSplitTensors, splitTensors, trainWithEarlyStopping, type SplitTensors, type TrainHooks } from "./train.js";
import type { AttentionSample, ClassificationMetrics, EpochRecord } from "./types.js";

export { CHANCE_LOSS_MARGIN, didNotLearn, isBelowChance } from "./chance.js";

export interface RunRequest {
  /** The model as a composition of parts (presetSpec(name) for the four named ones). */
  model: ModelSpec;
  data: DataConfig;
  train: TrainConfig;
  seed: number;
}

export type RunHooks = TrainHooks;

export interface RunOutcome {
  epochs: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  didNotLearn: boolean;
  metrics: { val: ClassificationMetrics; test: ClassificationMetrics };
  attention: AttentionSample[];
  backend: BackendInfo;
  trainDurationMs: number;
}

/**
 * One run: the dataset of (data config, seed), the model initialised from the seed, trained under the
 * protocol, evaluated on validation and test, with attention maps for models that have them.
 * The backend must already be selected (selectBackend); `backend` is recorded as given.
 */
export async function trainAndEvaluate(req: RunRequest, backend: BackendInfo, hooks: RunHooks = {}): Promise<RunOutcome> {
  const dataset = makeDataset(req.data, req.seed);
  const splits = { train: takeSplit(dataset, "train"), val: takeSplit(dataset, "val"), test: takeSplit(dataset, "test") };
  return trainAndEvaluateOn(splits, req, backend, hooks);
}

/**
 * The same run on splits given by the caller instead of generated from (req.data, req.seed): how another
 * framework's exact series (a dataset written to files and read back) are trained on. The seed still
 * initialises the model and orders the batches.
 */
export async function trainAndEvaluateOn(
  splits: Record<SplitName, SplitArrays>,
  req: Omit<RunRequest, "data">,
  backend: BackendInfo,
  hooks: RunHooks = {},
): Promise<RunOutcome> {
  const tensors = { train: splitTensors(splits.train), val: splitTensors(splits.val), test: splitTensors(splits.test) };
  const model = buildModel(req.model, { numPoints: splits.train.numPoints, seed: req.seed });
  try {
    const started = performance.now();
    const result = await trainWithEarlyStopping(model, tensors.train, tensors.val, req.train, req.seed, hooks);
    const trainDurationMs = performance.now() - started;
    const withAttention = hasAttention(req.model);
    const evaluate = (split: SplitArrays, data: SplitTensors): { metrics: ClassificationMetrics; alpha: Float32Array | null } => {
      const scores = predictLogits(model, data.x).map(sigmoid);
      const alpha = withAttention ? attentionWeights(model, data.x) : null;
      const localisation = alpha === null ? undefined : attentionLocalisation(alpha, split);
      return { metrics: classificationMetrics(split.labels, scores, localisation), alpha };
    };
    const val = evaluate(splits.val, tensors.val);
    const test = evaluate(splits.test, tensors.test);
    return {
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      didNotLearn: didNotLearn(result.epochs),
      metrics: { val: val.metrics, test: test.metrics },
      attention: test.alpha === null ? [] : attentionSamples(test.alpha, splits.test),
      backend,
      trainDurationMs,
    };
  } finally {
    model.dispose();
    for (const t of Object.values(tensors)) disposeSplitTensors(t);
  }
}
