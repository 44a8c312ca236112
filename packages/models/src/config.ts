import { z } from "zod";
import { PRESET_NAMES, isPresetName, type PresetName } from "./model-spec.js";

export * from "./model-spec.js";

/** Aliases of PRESET_NAMES / PresetName / isPresetName while other packages move to model specs. */
export const MODEL_NAMES = PRESET_NAMES;
export type ModelName = PresetName;
export const isModelName = isPresetName;

/** The reference's training protocol: Adam 1e-3, batch 32, at most 50 epochs, patience 5 on val loss. */
export const TrainConfigSchema = z
  .object({
    epochs: z.number().int().min(1).max(10_000).default(50),
    patience: z.number().int().min(0).max(10_000).default(5),
    batchSize: z.number().int().min(1).max(65_536).default(32),
    lr: z.number().positive().finite().default(0.001),
    // Keras' start_from_epoch: a warm-up in which no epoch counts towards `patience` (the best weights are
    // still tracked). Absent means the reference (0); it has no default so that run ids of configs that
    // do not set it stay what they were.
    startFromEpoch: z.number().int().min(0).max(10_000).optional(),
    // Adam's epsilon. Absent means tfjs' default (1e-7); PyTorch's is 1e-8. No default, as startFromEpoch.
    adamEpsilon: z.number().positive().max(1).optional(),
  })
  .strict();

export type TrainConfig = z.output<typeof TrainConfigSchema>;
export const TRAIN_CONFIG_FIELDS = Object.keys(TrainConfigSchema.shape) as Array<keyof TrainConfig>;

export function resolveTrainConfig(partial: unknown = {}): TrainConfig {
  return TrainConfigSchema.parse(partial ?? {});
}
