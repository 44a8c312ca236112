import { z } from "zod";

/** A [min, max] range as fractions of the series length, 0 <= min < max <= 1. */
const fractionRange = z
  .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
  .refine(([min, max]) => min < max, { message: "expected [min, max] with 0 <= min < max <= 1" });

/** A [min, max] range of positive reals (frequency, amplitude). */
const positiveRange = z
  .tuple([z.number().positive(), z.number().positive()])
  .refine(([min, max]) => min < max, { message: "expected [min, max] with 0 < min < max" });

const splitSchema = z
  .object({
    train: z.number().positive().max(1).default(0.7),
    val: z.number().positive().max(1).default(0.1),
    test: z.number().positive().max(1).default(0.2),
  })
  .strict()
  .refine((s) => Math.abs(s.train + s.val + s.test - 1) < 1e-9, {
    message: "expected train + val + test = 1",
  });

/**
 * A dataset config. Every default is the reference article's (`default_dataset.json`), except `noise`,
 * the new axis: Gaussian noise with std `noise * amp`, added after flattening (0 = the reference).
 */
export const DataConfigFields = z
  .object({
    size: z.number().int().min(10).max(1_000_000).default(10_000),
    numPoints: z.number().int().min(8).max(100_000).default(500),
    anomalyRatio: z.number().min(0).max(1).default(0.5),
    location: fractionRange.default([0.0, 0.9]),
    length: fractionRange.default([0.1, 0.5]),
    noise: z.number().min(0).max(10).default(0),
    freq: positiveRange.default([1, 4]),
    amp: positiveRange.default([1, 10]),
    split: splitSchema.default({ train: 0.7, val: 0.1, test: 0.2 }),
  })
  .strict();

/** The fields plus the checks that span several of them. */
export const DataConfigSchema = DataConfigFields.superRefine((config, ctx) => {
  // A flat segment shorter than one point is no anomaly at all: its series would be mislabelled.
  if (Math.floor(config.length[0] * config.numPoints) < 1) {
    ctx.addIssue({
      code: "custom",
      path: ["length"],
      message: `expected length.min * numPoints >= 1 (a flat segment of at least one point), got ${config.length[0]} * ${config.numPoints}`,
    });
  }
});

export type DataConfig = z.output<typeof DataConfigSchema>;
export type DataConfigInput = z.input<typeof DataConfigSchema>;

/** The fields of a DataConfig, for code that validates `data.<field>` keys (sweep axes). */
export const DATA_CONFIG_FIELDS = Object.keys(DataConfigFields.shape) as Array<keyof DataConfig>;

/** Parses a partial config, filling the reference defaults. Throws zod's error on bad input. */
export function resolveDataConfig(partial: unknown = {}): DataConfig {
  return DataConfigSchema.parse(partial ?? {});
}

/** A problem's name as the archive spells it (`GunPoint`, `ItalyPowerDemand`): its folder and its files' prefix. */
export const PROBLEM_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * An archive problem as a run's data (UCR/UEA: its own train and test files). `validation`: the share of each
 * class of the train file held out, seeded, for early stopping and tuning (0 trains on the whole file, as the
 * archive's papers do). `zNormalize`: each channel of each case to mean 0, std 1 before training (the archive's
 * series are mostly, not all, normalised already). `folder`: where the problem's folder is, default the project's
 * `datasets/`; where the files are is not what the run is, so a run's identity leaves it out.
 */
export const ArchiveDataFields = z
  .object({
    problem: z.string().regex(PROBLEM_NAME, { message: "a problem's name, e.g. GunPoint (letters, digits, '-' and '_')" }),
    folder: z.string().min(1).optional(),
    validation: z.number().min(0).max(0.5).default(0.2),
    zNormalize: z.boolean().default(false),
  })
  .strict();

export type ArchiveDataConfig = z.output<typeof ArchiveDataFields>;

/** What a run trains on: the generated anomaly task, or an archive problem. */
export type DataSourceConfig = DataConfig | ArchiveDataConfig;

export const isArchiveData = (data: object): data is ArchiveDataConfig => "problem" in data;

/** The fields of an archive problem's data, for sweep axes and query keys. */
export const ARCHIVE_DATA_FIELDS = Object.keys(ArchiveDataFields.shape) as Array<keyof ArchiveDataConfig>;

/**
 * Parses a partial data section: an archive problem where it names one, else the generated task with the
 * reference defaults. Throws zod's error on bad input (a generator key beside `problem` is an unknown key).
 */
export function resolveDataSource(partial: Record<string, unknown> = {}): DataSourceConfig {
  return "problem" in partial ? ArchiveDataFields.parse(partial) : resolveDataConfig(partial);
}
