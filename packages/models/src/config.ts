import { z } from "zod";
import { PRESET_NAMES, isPresetName, type PresetName } from "./model-spec.js";

export * from "./model-spec.js";

/** Aliases of PRESET_NAMES / PresetName / isPresetName while other packages move to model specs. */
export const MODEL_NAMES = PRESET_NAMES;
export type ModelName = PresetName;
export const isModelName = isPresetName;

export const LR_SCHEDULES = ["constant", "cosine"] as const;
export const PATIENCE_FROM = ["start", "learning"] as const;
export const PROTOCOLS = ["early-stopping", "fawaz2019"] as const;

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
    // The trainability levers (issue 16). Each is absent in the reference protocol and has no default,
    // as startFromEpoch, so that the run ids of configs that do not set it stay what they were.
    /** Gradients rescaled so that their global L2 norm is at most this (PyTorch's clip_grad_norm_). */
    clipNorm: z.number().positive().finite().optional(),
    /** Epochs over which the learning rate rises linearly, batch by batch, from lr / steps to lr. */
    warmupEpochs: z.number().int().min(0).max(10_000).optional(),
    /** constant: lr throughout; cosine: after the warm-up, lr decays along a half cosine to 0 at `epochs`. */
    lrSchedule: z.enum(LR_SCHEDULES).optional(),
    /**
     * start: every epoch without improvement counts towards `patience` (the reference). learning: none
     * counts until the validation loss first goes below chance (the "learned" line), so a run on the
     * plateau at ln 2 keeps trying up to `epochs` instead of stopping after `patience`.
     */
    patienceFrom: z.enum(PATIENCE_FROM).optional(),
    /**
     * early-stopping (absent: the reference's): stop after `patience` epochs without a lower validation
     * loss, keep the weights of the lowest. fawaz2019 (the archive's deep baselines, Fawaz et al. 2019): run
     * every one of `epochs` (the paper: 2,000) in batches of min(batchSize, ⌊n/10⌋) (the paper: batchSize
     * 16), halve the learning rate after 50 epochs without a lower training loss (down to 1e-4), and keep
     * the weights of the lowest training loss; patience, patienceFrom, startFromEpoch, warmupEpochs and
     * lrSchedule are not used, and the validation split (which may be empty) is only recorded. No default,
     * as startFromEpoch, so that the run ids of configs that do not set it stay what they were.
     */
    protocol: z.enum(PROTOCOLS).optional(),
  })
  .strict();

export type TrainConfig = z.output<typeof TrainConfigSchema>;
export const TRAIN_CONFIG_FIELDS = Object.keys(TrainConfigSchema.shape) as Array<keyof TrainConfig>;

export function resolveTrainConfig(partial: unknown = {}): TrainConfig {
  return TrainConfigSchema.parse(partial ?? {});
}
