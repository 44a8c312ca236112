import { z } from "zod";

/** The four classifiers of the ablation, by the names users type in YAML. */
export const MODEL_NAMES = ["ffn", "cnn", "bilstm", "bilstm-attention"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

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
  })
  .strict();

export type TrainConfig = z.output<typeof TrainConfigSchema>;
export const TRAIN_CONFIG_FIELDS = Object.keys(TrainConfigSchema.shape) as Array<keyof TrainConfig>;

export function resolveTrainConfig(partial: unknown = {}): TrainConfig {
  return TrainConfigSchema.parse(partial ?? {});
}

/**
 * The shortest series each model can take: the CNN halves the sequence twice before its last
 * convolution; the others need only a few steps to be meaningful.
 */
export function minimumNumPoints(model: ModelName): number {
  return model === "cnn" ? 16 : 8;
}
