import { DataConfigFields } from "@tsa/data";
import { MODEL_NAMES, TrainConfigSchema } from "@tsa/models/config";
import { z } from "zod";

const unique = <T>(values: readonly T[]) => new Set(values.map((v) => JSON.stringify(v))).size === values.length;

/** A sweep axis names a field of `data` or `train`; its values are checked by that field's own schema. */
export const AXIS_PATTERN = /^(data|train)\.([A-Za-z]+)$/;

/** The experiment file (DESIGN.md, "Experiment files"). Unknown keys anywhere are errors. */
export const ExperimentSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, { message: "a name of letters, digits, '-' and '_' (it names the report file)" }),
    description: z.string().default(""),
    data: DataConfigFields.partial().strict().default({}),
    sweep: z
      .record(z.string(), z.array(z.unknown()).min(1, { message: "a non-empty list of values" }))
      .default({}),
    models: z
      .array(z.enum(MODEL_NAMES))
      .min(1, { message: "a non-empty list of models" })
      .refine(unique, { message: "each model once" }),
    seeds: z
      .array(z.number().int().min(0))
      .min(1, { message: "a non-empty list of seeds" })
      .refine(unique, { message: "each seed once" }),
    train: TrainConfigSchema.partial().strict().default({}),
  })
  .strict();

export type Experiment = z.output<typeof ExperimentSchema>;
