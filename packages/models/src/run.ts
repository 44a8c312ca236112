import { labelledSplit, makeDataset, takeSplit, type DataConfig, type LabelledSplit, type SplitName } from "@tsa/data";
import { buildModel } from "./architectures.js";
import { didNotLearn } from "./chance.js";
import { attentionLocalisation, attentionSamples, attentionWeights } from "./attention.js";
import type { BackendInfo } from "./backend.js";
import { hasAttention, type ModelSpec, type TrainConfig } from "./config.js";
import { classificationMetrics, multiclassClassificationMetrics } from "./metrics.js";
import { priorEntropy } from "./multiclass-metrics.js";
import { predictLogits, sigmoid, softmaxRows } from "./predict.js";
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
  /** The validation loss "learned" was measured against: the entropy of the training class prior. */
  chanceLoss: number;
  metrics: { val: ClassificationMetrics; test: ClassificationMetrics };
  attention: AttentionSample[];
  backend: BackendInfo;
  trainDurationMs: number;
}

/** The metrics of a split with no series (fawaz2019 trained on the whole train file): NaN, as an undefined rate. */
function emptySplitMetrics(): ClassificationMetrics {
  const nan = Number.NaN;
  const rates = { accuracy: nan, precision: nan, recall: nan, f1: nan, rocAuc: nan, balancedAccuracy: nan, logLoss: nan };
  return { n: 0, ...rates, tp: 0, fp: 0, tn: 0, fn: 0, attentionMassInWindow: null, attentionPeakInWindow: null };
}

/**
 * One run: the dataset of (data config, seed), the model initialised from the seed, trained under the
 * protocol, evaluated on validation and test, with attention maps for models that have them.
 * The backend must already be selected (selectBackend); `backend` is recorded as given.
 */
export async function trainAndEvaluate(req: RunRequest, backend: BackendInfo, hooks: RunHooks = {}): Promise<RunOutcome> {
  const dataset = makeDataset(req.data, req.seed);
  const split = (name: SplitName) => labelledSplit(takeSplit(dataset, name));
  // The generator's classes are balanced by design (a split's share differs by a few series): the
  // reference's chance line, ln 2, as every run recorded before archive problems.
  return trainAndEvaluateOn({ train: split("train"), val: split("val"), test: split("test") }, req, backend, hooks, Math.LN2);
}

/**
 * The same run on splits given by the caller instead of generated from (req.data, req.seed): an archive
 * problem (`archiveLabelledSplits` of @tsa/data), or another framework's exact series read back from files.
 * The seed still initialises the model and orders the batches. Channels and classes come from the splits;
 * "learned" is measured against `chanceLoss`, by default the entropy of the train split's class prior.
 */
export async function trainAndEvaluateOn(
  splits: Record<SplitName, LabelledSplit>,
  req: Omit<RunRequest, "data">,
  backend: BackendInfo,
  hooks: RunHooks = {},
  chanceLoss = priorEntropy(splits.train.labels, splits.train.numClasses),
): Promise<RunOutcome> {
  const tensors = { train: splitTensors(splits.train), val: splitTensors(splits.val), test: splitTensors(splits.test) };
  const { numPoints, numChannels, numClasses } = splits.train;
  const model = buildModel(req.model, { numPoints, numChannels, numClasses, seed: req.seed });
  try {
    const started = performance.now();
    const result = await trainWithEarlyStopping(model, tensors.train, tensors.val, req.train, req.seed, hooks, chanceLoss);
    const trainDurationMs = performance.now() - started;
    const withAttention = hasAttention(req.model);
    const evaluate = (split: LabelledSplit, data: SplitTensors): { metrics: ClassificationMetrics; alpha: Float32Array | null } => {
      const logits = predictLogits(model, data.x);
      const alpha = withAttention ? attentionWeights(model, data.x) : null;
      const localisation = alpha === null ? undefined : attentionLocalisation(alpha, split);
      const metrics =
        numClasses === 2
          ? classificationMetrics(split.labels, logits.map(sigmoid), localisation)
          : multiclassClassificationMetrics(split.labels, softmaxRows(logits, numClasses), numClasses, localisation);
      return { metrics, alpha };
    };
    const val = splits.val.n > 0 ? evaluate(splits.val, tensors.val) : { metrics: emptySplitMetrics(), alpha: null };
    const test = evaluate(splits.test, tensors.test);
    return {
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      didNotLearn: didNotLearn(result.epochs, chanceLoss, splits.val.n > 0 ? "valLoss" : "trainLoss"),
      chanceLoss,
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
