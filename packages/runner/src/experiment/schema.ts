import { ARCHIVE_DATA_FIELDS, ArchiveDataFields, DATA_CONFIG_FIELDS, DataConfigFields } from "@tsa/data";
import { ModelSpecSchema, PRESET_NAMES, TrainConfigSchema } from "@tsa/models/config";
import { z } from "zod";
import { TuneSchema } from "../tune/space.js";
import { BOUNDARIES } from "../sequential/spending.js";

const unique = <T>(values: readonly T[]) => new Set(values.map((v) => JSON.stringify(v))).size === values.length;

/** A sweep axis names a field of `data`, `train` or `model`; its values are checked by that field's own schema. */
export const AXIS_PATTERN = /^(data|train|model)\.([A-Za-z]+)$/;

const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * A named variant: a preset with some parts changed (`{ name: bilstm-last, preset: bilstm, pooling: last }`),
 * or a composition of its own (`{ name: cnn-attention, encoder: cnn, pooling: attention }`). Parts not
 * given come from the preset, else from the part defaults. `train` changes how this model alone is
 * trained (`{ name: bilstm-clipped, preset: bilstm, train: { clipNorm: 1 } }`), over the file's `train`:
 * one file can hold a lever's levels side by side, each compared with the same reference runs.
 */
export const VariantSchema = z
  .object(optionalWithoutDefaults(ModelSpecSchema.shape))
  .extend({
    name: z.string().regex(NAME, { message: "a name of letters, digits, '-' and '_'" }),
    preset: z.enum(PRESET_NAMES).optional(),
    train: z.object(optionalWithoutDefaults(TrainConfigSchema.shape)).strict().optional(),
  })
  .strict();
export type Variant = z.output<typeof VariantSchema>;

/**
 * Each field's own schema, optional and without its default: a part (or train key) the variant leaves
 * out stays the preset's (or the file's).
 */
function optionalWithoutDefaults<Shape extends Record<string, z.ZodType>>(shape: Shape) {
  type Fields = { [K in keyof Shape]: z.ZodOptional<z.ZodType<z.output<Shape[K]>>> };
  const entries = Object.entries(shape).map(([key, field]) => {
    const bare = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
    return [key, bare.optional()];
  });
  return Object.fromEntries(entries) as Fields;
}

/** The settings only an archive problem has (every one of them: the generator shares none). */
const ARCHIVE_ONLY: readonly string[] = ARCHIVE_DATA_FIELDS.filter((f) => !(DATA_CONFIG_FIELDS as string[]).includes(f));

/**
 * Whether a file (as written, or validated) trains on archive problems: its `data` holds an archive problem's
 * setting, or its sweep runs over one (`data.problem`, `data.validation`, …). The one rule for load, expansion
 * and the messages.
 */
export function namesArchiveProblem(spec: object): boolean {
  const { data, sweep } = spec as { data?: unknown; sweep?: unknown };
  const keysOf = (value: unknown) => (value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : []);
  return (
    keysOf(data).some((key) => ARCHIVE_ONLY.includes(key)) || keysOf(sweep).some((axis) => ARCHIVE_ONLY.some((f) => axis === `data.${f}`))
  );
}

/** An archive problem's `data:` as a file writes it (the problem may come from a `data.problem` axis instead). */
export const ArchiveSectionSchema = z.object(optionalWithoutDefaults(ArchiveDataFields.shape)).strict();

export const ModelEntrySchema = z.union([z.enum(PRESET_NAMES), VariantSchema]);
export type ModelEntry = z.output<typeof ModelEntrySchema>;

export const modelEntryName = (entry: ModelEntry): string => (typeof entry === "string" ? entry : entry.name);

/** What the report's headline compares, by model (variant) name or sweep level; absent = attention vs the best baseline. */
export const CompareSchema = z
  .object({
    treatment: z.union([z.string(), z.number()]),
    control: z.union([z.string(), z.number()]),
    /** The `model.*` axis the two are levels of; absent when they name models. */
    axis: z.string().optional(),
  })
  .strict();

/** Metrics a sequential comparison may test (the report's headline metrics, higher is better). */
export const SEQUENTIAL_METRICS = ["f1", "accuracy", "roc_auc", "balanced_accuracy"] as const;

/**
 * Seeds until decided (`seeds: { looks: [5, 10, 20], … }` in a file): the evaluation seeds come in looks, and
 * after each look every comparison is tested against its share of `alpha`, spent over the looks by
 * `boundary`; decided comparisons stop, the others get the next look's seeds. `margin`: a difference within
 * ±margin is "level" (0: never). The seeds are `first`, `first + 1`, … up to the last look's count.
 */
export const SequentialSchema = z
  .object({
    looks: z
      .array(z.number().int().min(2))
      .min(1)
      .refine((looks) => looks.every((n, i) => i === 0 || n > looks[i - 1]!), { message: "increasing seed counts, e.g. [5, 10, 20]" }),
    alpha: z.number().gt(0).lt(1).default(0.05),
    boundary: z.enum(BOUNDARIES).default("obrien-fleming"),
    margin: z.number().min(0).default(0),
    metric: z.enum(SEQUENTIAL_METRICS).default("f1"),
  })
  .strict();
export type Sequential = z.output<typeof SequentialSchema>;

/** `seeds:` as a file may write it for sequential seeds: the looks, and where the seeds start. */
export const SequentialSeedsSchema = SequentialSchema.extend({ first: z.number().int().min(0).default(1) }).strict();

/** The experiment file (DESIGN.md, "Experiment files"). Unknown keys anywhere are errors. */
export const ExperimentSchema = z
  .object({
    name: z.string().regex(NAME, { message: "a name of letters, digits, '-' and '_' (it names the report file)" }),
    description: z.string().default(""),
    /**
     * The generator's settings, or an archive problem's (`problem`, `folder`, `validation`, `zNormalize`). Which
     * one a file means is checked at load, with messages in the words of the one it means (load.ts).
     */
    data: z.union([DataConfigFields.partial().strict(), ArchiveSectionSchema]).default({}),
    sweep: z.record(z.string(), z.array(z.unknown()).min(1, { message: "a non-empty list of values" })).default({}),
    models: z
      .array(ModelEntrySchema)
      .min(1, { message: "a non-empty list of models" })
      .refine((models) => unique(models.map(modelEntryName)), { message: "each model once (variants by their name)" }),
    seeds: z.array(z.number().int().min(0)).min(1, { message: "a non-empty list of seeds" }).refine(unique, { message: "each seed once" }),
    train: TrainConfigSchema.partial().strict().default({}),
    /** Parts every model of the file takes over its preset's (a variant's own parts and the point's win). */
    model: z.object(optionalWithoutDefaults(ModelSpecSchema.shape)).strict().default({}),
    compare: CompareSchema.optional(),
    /** Every model tuned over the same space and budget on the tuning seeds, chosen on validation, evaluated on `seeds`. */
    tune: TuneSchema.optional(),
    /** Sequential evaluation seeds: `seeds` are then every seed the last look may use (load writes both from `seeds: { looks }`). */
    sequential: SequentialSchema.optional(),
  })
  .strict();

export type Experiment = z.output<typeof ExperimentSchema>;
