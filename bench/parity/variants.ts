// What `yarn parity` compares: the PyTorch program and our bilstm-attention as today and with PyTorch's
// initialisation and Adam epsilon (issue 10's options). Each variant's results are one column of the table.
import { presetSpec, type ModelSpec, type TrainConfig } from "@tsa/models";

export const VARIANTS = ["pytorch", "tsa", "tsa-pytorch-init"] as const;
export type Variant = (typeof VARIANTS)[number];
export type TsaVariant = Exclude<Variant, "pytorch">;

export const VARIANT_LABELS: Record<Variant, string> = {
  pytorch: "PyTorch (bench/pytorch/reference.py)",
  tsa: "tsa bilstm-attention (as today)",
  "tsa-pytorch-init": "tsa bilstm-attention, init: pytorch, adamEpsilon 1e-8",
};

export function isVariant(name: string): name is Variant {
  return (VARIANTS as readonly string[]).includes(name);
}

/** Our model and training config for a variant, from the experiment's training protocol. */
export function tsaVariant(variant: TsaVariant, train: TrainConfig): { model: ModelSpec; train: TrainConfig } {
  const model = presetSpec("bilstm-attention");
  if (variant === "tsa") return { model, train };
  return { model: { ...model, init: "pytorch" }, train: { ...train, adamEpsilon: 1e-8 } };
}
