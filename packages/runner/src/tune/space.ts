import { ModelSpecSchema, TrainConfigSchema } from "@tsa/models/config";
import { z } from "zod";

/** A tuned key: a `model.*` part or a `train.*` setting, as sweep axes name them. */
export const TUNE_KEY = /^(model|train)\.([A-Za-z]+)$/;

/** Numeric ranges are sampled uniformly (`range`) or uniformly in the logarithm (`log`, for learning rates). */
const RangeSchema = z.union([
  z.object({ log: z.tuple([z.number().positive(), z.number().positive()]) }).strict(),
  z.object({ range: z.tuple([z.number(), z.number()]) }).strict(),
]);
export type TuneRange = z.output<typeof RangeSchema>;
export type TuneValues = unknown[] | TuneRange;

export const SELECT_METRICS = ["val_loss", "val_f1", "val_roc_auc"] as const;
export type SelectMetric = (typeof SELECT_METRICS)[number];

/**
 * The `tune:` block of an experiment file: the space every model is tuned over, the same budget for every
 * model (the file cannot favour one), what selection looks at (validation only), the tuning seeds (disjoint
 * from the evaluation seeds, checked with the file's `seeds`), and whether a model is tuned at every sweep
 * point or once across the sweep.
 */
export const TuneSchema = z
  .object({
    space: z
      .record(z.string().regex(TUNE_KEY, { message: "a model.* or train.* key" }), z.union([z.array(z.unknown()).min(1), RangeSchema]))
      .refine((space) => Object.keys(space).length > 0, { message: "at least one key to tune" }),
    budget: z.number().int().min(1),
    select: z.enum(SELECT_METRICS).default("val_loss"),
    seeds: z.array(z.number().int().min(0)).min(1),
    per: z.enum(["point", "experiment"]).default("point"),
  })
  .strict();
export type Tune = z.output<typeof TuneSchema>;

/** The field schema a tuned key's values must satisfy; null for a key no model or train field has. */
export function fieldSchema(key: string): z.ZodType | null {
  const match = TUNE_KEY.exec(key);
  if (match === null) return null;
  const shape: Record<string, z.ZodType> = match[1] === "model" ? ModelSpecSchema.shape : TrainConfigSchema.shape;
  return shape[match[2]!] ?? null;
}

/** Problems of a parsed `tune:` block, as key paths below `tune` and what was expected there. */
export function tuneProblems(tune: Tune, evaluationSeeds: readonly number[]): { path: string; expected: string; found: string }[] {
  const problems: { path: string; expected: string; found: string }[] = [];
  for (const [key, values] of Object.entries(tune.space)) {
    const schema = fieldSchema(key);
    if (schema === null) {
      problems.push({ path: `space.${key}`, expected: "a model part or train setting", found: JSON.stringify(key) });
      continue;
    }
    const samples = Array.isArray(values) ? values : "log" in values ? values.log : values.range;
    if (!Array.isArray(values) && !(samples[0]! < samples[1]!))
      problems.push({ path: `space.${key}`, expected: "[low, high] with low < high", found: JSON.stringify(samples) });
    samples.forEach((value, i) => {
      if (!schema.safeParse(value).success)
        problems.push({ path: `space.${key}[${i}]`, expected: `a valid ${key}`, found: JSON.stringify(value) });
    });
    if (Array.isArray(values) && new Set(values.map((v) => JSON.stringify(v))).size !== values.length)
      problems.push({
        path: `space.${key}`,
        expected: "each value once (a repeated value is the same trial twice)",
        found: JSON.stringify(values),
      });
    // A drawn value must be valid too: a range over an integer setting draws fractions.
    const [low, high] = samples as [number, number];
    if (!Array.isArray(values) && !schema.safeParse(low + (high - low) / Math.PI).success)
      problems.push({
        path: `space.${key}`,
        expected: `a list of values (a range draws values a valid ${key} cannot take)`,
        found: JSON.stringify(values),
      });
  }
  const shared = tune.seeds.filter((seed) => evaluationSeeds.includes(seed));
  if (shared.length > 0)
    problems.push({ path: "seeds", expected: "tuning seeds disjoint from the evaluation seeds", found: `${shared.join(", ")} in both` });
  if (new Set(tune.seeds).size !== tune.seeds.length)
    problems.push({ path: "seeds", expected: "each seed once", found: JSON.stringify(tune.seeds) });
  return problems;
}
