import { z } from "zod";

// A model is a composition of parts: normalize → encoder → pooling → [hidden] → one logit. This module
// holds everything known about a spec without building it (no tfjs): the runner's validator imports it.

/**
 * What turns the series [T, C] into states [T', C']: none (the raw series), 1-D CNN, LSTM, BiLSTM, or
 * residual blocks of convolutions (resnet, Wang et al. 2017).
 */
export const ENCODERS = ["none", "cnn", "lstm", "bilstm", "resnet"] as const;
/** How states [T', C] become one vector. */
export const POOLINGS = ["flatten", "mean", "max", "last", "attention", "max-mean"] as const;
export const NORMALIZATIONS = ["none", "zscore", "diff"] as const;
export const INITS = ["keras", "pytorch"] as const;

export type Encoder = (typeof ENCODERS)[number];
export type Pooling = (typeof POOLINGS)[number];

const size = (max: number) => z.number().int().min(1).max(max);

export const ModelSpecSchema = z
  .object({
    encoder: z.enum(ENCODERS),
    pooling: z.enum(POOLINGS),
    /** Recurrent units per direction (lstm, bilstm); the reference's 32. */
    units: size(1024).default(32),
    /** Width of the attention score MLP's hidden layer; the reference's 64. */
    attentionUnits: size(1024).default(64),
    /** A dense ReLU layer of this many units before the logit; 0 = none (the ffn preset has 24). */
    hidden: z.number().int().min(0).max(4096).default(0),
    /**
     * cnn: filters of each convolution block ('same' padding, ReLU); one block per entry. resnet: filters of
     * each residual block (every convolution of the block has them).
     */
    filters: z
      .array(size(1024))
      .min(1)
      .max(8)
      .default(() => [16, 32, 48]),
    /** cnn: kernel size of each block, as many as `filters`. resnet: the kernel sizes of one block's convolutions, in order. */
    kernelSizes: z
      .array(size(255))
      .min(1)
      .max(8)
      .default(() => [7, 5, 5]),
    /** cnn, resnet: max pooling window (and stride) between consecutive blocks; 1 = no pooling. */
    poolSize: size(16).default(2),
    /**
     * What the encoder sees, inside the model (no weights): the series itself (none), each series
     * standardised over its own steps (zscore), or its first difference (diff: x[t] − x[t−1], 0 at t = 0).
     */
    normalize: z.enum(NORMALIZATIONS).default("none"),
    /**
     * keras: today's (Glorot-uniform dense and conv kernels with zero biases; LSTM and attention weights
     * uniform ±1/√fan as PyTorch). pytorch: every part as PyTorch's defaults, down to nn.LSTM's two
     * trained bias vectors per direction (the reference model's 13,250 parameters).
     */
    init: z.enum(INITS).default("keras"),
    /**
     * cnn: batch normalisation after each convolution, before its ReLU (the FCN of Wang et al. 2017). Absent
     * means none; it has no default so that the run ids of specs that do not set it stay what they were.
     * (resnet's blocks always normalise.)
     */
    batchNorm: z.boolean().optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const problem = modelSpecProblem(spec);
    if (problem !== null) ctx.addIssue({ code: "custom", path: [problem.path], message: `expected ${problem.expected}`, input: spec });
  });

export type ModelSpec = z.output<typeof ModelSpecSchema>;
export type ModelSpecInput = z.input<typeof ModelSpecSchema>;

/** Why a spec cannot be built, in the user's words: the key, what it should be, what it is. */
export interface ModelSpecProblem {
  /** A key of the spec ("pooling"), or "" for the spec as a whole. */
  path: string;
  expected: string;
  found: string;
}

const isRecurrent = (encoder: Encoder) => encoder === "lstm" || encoder === "bilstm";
const isConvolutional = (encoder: Encoder) => encoder === "cnn" || encoder === "resnet";

/**
 * The cross-field check, null when the spec builds. Rejected: `last` over the raw series or a CNN (the
 * final step of a series or of 'same'-padded features says nothing about a segment elsewhere; only a
 * recurrent state summarises what came before), and `mean`/`max`/`max-mean` over the raw series (one
 * channel reduced to one or two numbers: the mean after zscore is always 0, and amplitude is not the
 * anomaly). `flatten` and `attention` go with any encoder.
 */
export function modelSpecProblem(spec: ModelSpec): ModelSpecProblem | null {
  if (spec.batchNorm !== undefined && spec.encoder !== "cnn") {
    return {
      path: "batchNorm",
      expected: `no batchNorm for encoder '${spec.encoder}' (it normalises a cnn's convolutions; resnet's blocks always do)`,
      found: String(spec.batchNorm),
    };
  }
  if (spec.pooling === "last" && !isRecurrent(spec.encoder)) {
    return {
      path: "pooling",
      expected: `a pooling other than 'last' for encoder '${spec.encoder}' ('last' needs a recurrent encoder: lstm or bilstm)`,
      found: "'last'",
    };
  }
  if (spec.encoder === "none" && (spec.pooling === "mean" || spec.pooling === "max" || spec.pooling === "max-mean")) {
    return {
      path: "pooling",
      expected: "'flatten' or 'attention' over encoder 'none' (pooling the raw series over time leaves one or two numbers)",
      found: `'${spec.pooling}'`,
    };
  }
  if (spec.encoder === "cnn" && spec.kernelSizes.length !== spec.filters.length) {
    return {
      path: "kernelSizes",
      expected: `one kernel size per convolution block (${spec.filters.length}, as filters)`,
      found: `${spec.kernelSizes.length}`,
    };
  }
  return null;
}

/**
 * A validated spec with every default filled in, or the first problem (zod's or the cross-field check's).
 * The runner may instead nest ModelSpecSchema in its own schema: the cross-field check is a custom issue
 * at the offending key whose message is "expected …".
 */
export function parseModelSpec(input: unknown): { spec: ModelSpec } | { problem: ModelSpecProblem } {
  const result = ModelSpecSchema.safeParse(input);
  if (result.success) return { spec: result.data };
  const issue = result.error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    return { problem: { path: key, expected: `no key '${key}' (a model has ${MODEL_SPEC_KEYS.join(", ")})`, found: `key '${key}'` } };
  }
  const path = String(issue.path[0] ?? "");
  const value = typeof input === "object" && input !== null && path !== "" ? (input as Record<string, unknown>)[path] : input;
  const expected =
    issue.code === "invalid_value"
      ? `one of ${issue.values.map((v) => `'${String(v)}'`).join(", ")}`
      : issue.message.replace(/^(Invalid input|Invalid option|Too small|Too big): /, "").replace(/^expected /, "");
  return { problem: { path, expected, found: describe(value) } };
}

/** The keys of a model spec, in the schema's order. */
export const MODEL_SPEC_KEYS = Object.keys(ModelSpecSchema.shape) as Array<keyof ModelSpec>;

function describe(value: unknown): string {
  return value === undefined ? "nothing" : typeof value === "string" ? `'${value}'` : JSON.stringify(value);
}

// ---- the catalogue -----------------------------------------------------------------------------------

export type PresetRole = "baseline" | "subject";

interface Preset {
  spec: ModelSpec;
  role: PresetRole;
  description: string;
}

const preset = (spec: ModelSpecInput, role: PresetRole, description: string): Preset => ({
  spec: ModelSpecSchema.parse(spec),
  role,
  description,
});

/**
 * The models by the names users type in YAML: named points of the spec space. The ablation's four, then the
 * archive's standard baselines (Wang et al. 2017, as Fawaz et al. 2019 ran them).
 */
export const PRESETS = {
  ffn: preset(
    { encoder: "none", pooling: "flatten", hidden: 24 },
    "baseline",
    "flatten → 24 ReLU → logit: every step weighted by its position",
  ),
  cnn: preset(
    { encoder: "cnn", pooling: "max-mean" },
    "baseline",
    "three 'same' convolutions (16, 32, 48) with max pooling → global max and mean → logit",
  ),
  bilstm: preset(
    { encoder: "bilstm", pooling: "mean" },
    "baseline",
    "BiLSTM 32/direction → mean over time → logit: attention with uniform weights",
  ),
  "bilstm-attention": preset(
    { encoder: "bilstm", pooling: "attention" },
    "subject",
    "the reference: BiLSTM 32/direction → score MLP 64 → softmax over time → Σ α·h → logit",
  ),
  fcn: preset(
    { encoder: "cnn", pooling: "mean", filters: [128, 256, 128], kernelSizes: [8, 5, 3], poolSize: 1, batchNorm: true },
    "baseline",
    "the FCN of Wang et al. 2017: convolutions 128/k8, 256/k5, 128/k3, each + batch norm + ReLU → global mean → head",
  ),
  resnet: preset(
    { encoder: "resnet", pooling: "mean", filters: [64, 128, 128], kernelSizes: [8, 5, 3], poolSize: 1 },
    "baseline",
    "the ResNet of Wang et al. 2017: three residual blocks (64, 128, 128) of convolutions k8, k5, k3 with batch norm → global mean → head",
  ),
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(PRESETS, name);
}

/** The spec of a preset (a fresh copy: callers may change it). */
export function presetSpec(name: PresetName): ModelSpec {
  return structuredClone(PRESETS[name].spec);
}

// ---- facts derived from a spec -------------------------------------------------------------------------

export function hasAttention(spec: ModelSpec): boolean {
  return spec.pooling === "attention";
}

/**
 * The shortest series a spec can take: the CNN (and resnet) pools between blocks (today's three blocks
 * halve the series twice: 16) and keeps at least 4 steps for its last convolution; others need a few steps
 * to mean anything.
 */
export function minimumNumPoints(spec: ModelSpec): number {
  return isConvolutional(spec.encoder) ? Math.max(8, 4 * spec.poolSize ** (spec.filters.length - 1)) : 8;
}

/**
 * A short label: `bilstm→last`, `zscore→none→attention→dense24`; sizes that differ from the defaults in
 * brackets (`bilstm(64)→attention(32)`, `cnn(8,16/k5,5)`), `+bn` for batch normalisation, then `, pytorch init`.
 */
export function describeSpec(spec: ModelSpec): string {
  const defaults = ModelSpecSchema.parse({ encoder: spec.encoder, pooling: spec.pooling });
  const sized = (label: string, sizes: string, same: boolean) => (same ? label : `${label}(${sizes})`);
  const cnnSizes = [
    spec.filters.join(","),
    `k${spec.kernelSizes.join(",")}`,
    ...(spec.poolSize === defaults.poolSize ? [] : [`pool${spec.poolSize}`]),
  ].join("/");
  const encoder = isConvolutional(spec.encoder)
    ? sized(
        spec.encoder,
        cnnSizes,
        JSON.stringify([spec.filters, spec.kernelSizes, spec.poolSize]) ===
          JSON.stringify([defaults.filters, defaults.kernelSizes, defaults.poolSize]),
      )
    : spec.encoder === "none"
      ? "none"
      : sized(spec.encoder, String(spec.units), spec.units === defaults.units);
  const normalised = spec.batchNorm === true ? `${encoder}+bn` : encoder;
  const pooling =
    spec.pooling === "attention"
      ? sized("attention", String(spec.attentionUnits), spec.attentionUnits === defaults.attentionUnits)
      : spec.pooling;
  const parts = [
    ...(spec.normalize === "none" ? [] : [spec.normalize]),
    normalised,
    pooling,
    ...(spec.hidden > 0 ? [`dense${spec.hidden}`] : []),
  ];
  return parts.join("→") + (spec.init === "keras" ? "" : `, ${spec.init} init`);
}

/**
 * The version of each part's computation. Bump a part's number when what it computes (or how it is
 * initialised) changes: every spec using it gets a new modelCodeVersion, and a resumed sweep re-runs
 * its completed runs.
 */
const PART_VERSIONS = {
  encoder: { none: 1, cnn: 1, lstm: 1, bilstm: 1, resnet: 1 },
  /** A cnn's batch normalisation (batchNorm: true). */
  batchNorm: 1,
  pooling: { flatten: 1, mean: 1, max: 1, last: 1, attention: 1, "max-mean": 1 },
  normalize: { none: 1, zscore: 1, diff: 1 },
  init: { keras: 1, pytorch: 1 },
  /** An LSTM under init: pytorch. 2: its second bias vector is trained (1 summed it into the first at initialisation). */
  pytorchLstmBiases: 2,
  /** The dense ReLU layer and the logit. */
  head: 1,
} as const;

/** 1 while no part the spec uses has changed; grows by one with every bump of one of them. */
export function modelCodeVersion(spec: ModelSpec): number {
  const used = [
    PART_VERSIONS.encoder[spec.encoder],
    PART_VERSIONS.pooling[spec.pooling],
    PART_VERSIONS.normalize[spec.normalize],
    PART_VERSIONS.init[spec.init],
    ...(spec.init === "pytorch" && isRecurrent(spec.encoder) ? [PART_VERSIONS.pytorchLstmBiases] : []),
    ...(spec.batchNorm === true ? [PART_VERSIONS.batchNorm] : []),
    PART_VERSIONS.head,
  ];
  return 1 + used.reduce((sum: number, v) => sum + v - 1, 0);
}

/**
 * Seconds per epoch at the reference scale (10,000 × 500) on a 2-core machine, relative costs for the
 * scheduler. `yarn bench` measured the presets at ffn 0.53, cnn 3.77, bilstm 5.98, bilstm-attention
 * 6.51: a base (data, dense head, loop) plus each part, each part scaled by its size over the preset's.
 */
export function expectedEpochSeconds(spec: ModelSpec): number {
  return EPOCH_BASE_SECONDS + encoderSeconds(spec) + (spec.pooling === "attention" ? attentionSeconds(spec) : 0);
}

const EPOCH_BASE_SECONDS = 0.5;
const BILSTM_SECONDS = 5.5;
const CNN_SECONDS = 3.3;
const ATTENTION_SECONDS = 0.5;

/** Multiply-adds per series step of each CNN block, the pooling between blocks shortening later ones. */
function cnnWork(filters: readonly number[], kernelSizes: readonly number[], poolSize: number): number {
  let channels = 1;
  return filters.reduce((sum, f, i) => {
    const work = ((kernelSizes[i] ?? 1) * channels * f) / poolSize ** i;
    channels = f;
    return sum + work;
  }, 0);
}

/** Multiply-adds per series step of each residual block: its convolutions and, where widths differ, its 1×1 shortcut. */
function resnetWork(filters: readonly number[], kernelSizes: readonly number[], poolSize: number): number {
  let channels = 1;
  return filters.reduce((sum, f, i) => {
    const convolutions = kernelSizes.reduce((s, k, j) => s + k * (j === 0 ? channels : f) * f, 0);
    const shortcut = channels === f ? 0 : channels * f;
    channels = f;
    return sum + (convolutions + shortcut) / poolSize ** i;
  }, 0);
}

const lstmWork = (units: number) => units * (units + 1);
const REFERENCE = PRESETS["bilstm-attention"].spec;

function encoderSeconds(spec: ModelSpec): number {
  switch (spec.encoder) {
    case "none":
      return 0;
    case "cnn":
      return (
        CNN_SECONDS *
        (cnnWork(spec.filters, spec.kernelSizes, spec.poolSize) / cnnWork(REFERENCE.filters, REFERENCE.kernelSizes, REFERENCE.poolSize))
      );
    case "resnet":
      return (
        CNN_SECONDS *
        (resnetWork(spec.filters, spec.kernelSizes, spec.poolSize) / cnnWork(REFERENCE.filters, REFERENCE.kernelSizes, REFERENCE.poolSize))
      );
    case "lstm":
    case "bilstm":
      return BILSTM_SECONDS * (spec.encoder === "lstm" ? 0.5 : 1) * (lstmWork(spec.units) / lstmWork(REFERENCE.units));
  }
}

/** Channels the encoder gives the pooling. */
export function encoderChannels(spec: ModelSpec): number {
  switch (spec.encoder) {
    case "none":
      return 1;
    case "cnn":
    case "resnet":
      return spec.filters[spec.filters.length - 1]!;
    case "lstm":
      return spec.units;
    case "bilstm":
      return 2 * spec.units;
  }
}

function attentionSeconds(spec: ModelSpec): number {
  // Per step: the score MLP (C·A) and the weighted sum (C), over the reference's 64 channels × 64 (ratios
  // of equal numbers are exactly 1, so the presets get their measured costs exactly).
  const work = (channels: number, units: number) => channels * units + channels + units;
  return ATTENTION_SECONDS * (work(encoderChannels(spec), spec.attentionUnits) / work(2 * REFERENCE.units, REFERENCE.attentionUnits));
}
