export {
  MODEL_NAMES,
  TRAIN_CONFIG_FIELDS,
  TrainConfigSchema,
  isModelName,
  resolveTrainConfig,
  ENCODERS,
  POOLINGS,
  NORMALIZATIONS,
  INITS,
  ModelSpecSchema,
  modelSpecProblem,
  parseModelSpec,
  MODEL_SPEC_KEYS,
  PRESETS,
  PRESET_NAMES,
  isPresetName,
  presetSpec,
  hasAttention,
  minimumNumPoints,
  describeSpec,
  modelCodeVersion,
  expectedEpochSeconds,
  encoderChannels,
} from "./config.js";
export type {
  Encoder,
  ModelName,
  ModelSpec,
  ModelSpecInput,
  ModelSpecProblem,
  Pooling,
  PresetName,
  PresetRole,
  TrainConfig,
} from "./config.js";
export { installedBackends, selectBackend, TENSORFLOW_MISSING } from "./backend.js";
export type { BackendInfo, BackendName, KernelImplementation } from "./backend.js";
export { buildModel, logitCount, parameterCount, ATTENTION_LAYER, ENCODER_LAYER } from "./architectures.js";
export type { ModelOptions } from "./architectures.js";
export { classificationMetrics, multiclassClassificationMetrics, logLoss, rocAuc } from "./metrics.js";
export { argmaxRows, multiclassMetrics, priorEntropy } from "./multiclass-metrics.js";
export type { MulticlassMetrics } from "./multiclass-metrics.js";
export { attentionWeights, attentionLocalisation, modelHasAttention } from "./attention.js";
export { disposeSplitTensors, splitTensors, trainWithEarlyStopping } from "./train.js";
export type { SplitTensors, TrainHooks, TrainResult } from "./train.js";
export { trainAndEvaluate, trainAndEvaluateOn, didNotLearn, isBelowChance, CHANCE_LOSS_MARGIN } from "./run.js";
export type { RunHooks, RunOutcome, RunRequest } from "./run.js";
export type { AttentionSample, ClassificationMetrics, EpochRecord } from "./types.js";
export { Conv1DIm2col } from "./layers/conv1d-im2col.js";
