// What `yarn parity` compares: the PyTorch program and our bilstm-attention as shipped, with PyTorch's
// initialisation and Adam epsilon (issue 10's options), and under the trainability recipe of
// experiments/recipe/*.yaml. Each variant's results are one column of the table.
import { presetSpec, type ModelSpec, type TrainConfig } from "@tsa/models";

export const VARIANTS = ["pytorch", "tsa", "tsa-pytorch-init", "tsa-recipe"] as const;
export type Variant = (typeof VARIANTS)[number];
export type TsaVariant = Exclude<Variant, "pytorch">;

export const VARIANT_LABELS: Record<Variant, string> = {
  pytorch: "PyTorch (bench/pytorch/reference.py)",
  tsa: "tsa bilstm-attention (as shipped)",
  "tsa-pytorch-init": "tsa bilstm-attention, init: pytorch, adamEpsilon 1e-8",
  "tsa-recipe": "tsa bilstm-attention, normalize: diff, patienceFrom: learning",
};

export function isVariant(name: string): name is Variant {
  return (VARIANTS as readonly string[]).includes(name);
}

/** Our model and training config for a variant, from the experiment's training protocol. */
export function tsaVariant(variant: TsaVariant, train: TrainConfig): { model: ModelSpec; train: TrainConfig } {
  const model = presetSpec("bilstm-attention");
  switch (variant) {
    case "tsa":
      return { model, train };
    case "tsa-pytorch-init":
      return { model: { ...model, init: "pytorch" }, train: { ...train, adamEpsilon: 1e-8 } };
    case "tsa-recipe":
      // The same architecture and weights; only its input (first differences) and when patience starts to count.
      return { model: { ...model, normalize: "diff" }, train: { ...train, patienceFrom: "learning" } };
  }
}
