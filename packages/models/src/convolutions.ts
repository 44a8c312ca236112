import * as tf from "@tensorflow/tfjs";
import { torchUniform } from "@tsa/kernels";
import { FusedBatchNormalization } from "./layers/batch-normalization.js";
import { Conv1DIm2col } from "./layers/conv1d-im2col.js";
import type { ModelSpec } from "./model-spec.js";

// The convolutional parts: a 'same' convolution, batch normalisation and the residual block (Wang et al.
// 2017) built from them. Each draws its initializer seeds from the run's sequence, in the order it builds.

type Symbolic = tf.SymbolicTensor;
type Init = ModelSpec["init"];
export type Seeds = () => number;

/**
 * With PyTorch's initialisation a bias gets its own draw; its seed is the layer's plus this, which no
 * other layer of the run draws (a run's sequence uses seed·1000 + a few).
 */
export const BIAS_SEED_OFFSET = 500;

export const width = (x: Symbolic): number => x.shape[x.shape.length - 1] as number;

/**
 * A 'same' convolution: Glorot-uniform kernel and zero bias (keras, as tf.keras' Conv1D), or PyTorch's
 * nn.Conv1d defaults; `activation: "relu"` fuses the ReLU that follows it.
 */
export function convolution(
  x: Symbolic,
  filters: number,
  kernelSize: number,
  seed: number,
  init: Init,
  activation: "linear" | "relu" = "linear",
): Symbolic {
  const fanIn = kernelSize * width(x);
  const initializers =
    init === "keras" ? {} : { kernelInitializer: torchUniform(fanIn, seed), biasInitializer: torchUniform(fanIn, seed + BIAS_SEED_OFFSET) };
  return new Conv1DIm2col({ filters, kernelSize, seed, activation, ...initializers }).apply(x) as Symbolic;
}

/**
 * Batch normalisation over the channels (tf.layers': γ = 1, β = 0, moving mean 0 and variance 1 to start). In
 * training (`training: true`) it normalises by the batch's mean and (biased) variance and moves the moving
 * averages towards them; in inference it normalises by the moving averages. Momentum and ε are tf.keras'
 * (0.99, 1e-3, as the FCN/ResNet of Fawaz et al. 2019 ran) or, under init: pytorch, nn.BatchNorm1d's
 * (its momentum 0.1 is 0.9 here, 1e-5). `activation: "relu"` fuses the ReLU that follows it.
 */
export function batchNormalization(x: Symbolic, init: Init, activation: "linear" | "relu" = "linear"): Symbolic {
  const settings = init === "keras" ? { momentum: 0.99, epsilon: 1e-3 } : { momentum: 0.9, epsilon: 1e-5 };
  return new FusedBatchNormalization({ ...settings, activation }).apply(x) as Symbolic;
}

const relu = (x: Symbolic) => tf.layers.activation({ activation: "relu" }).apply(x) as Symbolic;

/** Convolution → batch normalisation → ReLU (without the ReLU for a residual block's last convolution). */
export function convolutionBlock(x: Symbolic, filters: number, kernelSize: number, seeds: Seeds, init: Init, activate = true): Symbolic {
  return batchNormalization(convolution(x, filters, kernelSize, seeds(), init), init, activate ? "relu" : "linear");
}

/**
 * A residual block (Wang et al. 2017, as dl-4-tsc builds it): convolutions of `filters` with `kernelSizes`,
 * each + batch norm + ReLU but the last, whose normalised output is added to the shortcut, then ReLU. The
 * shortcut is a 1×1 convolution + batch norm where the input has other channels than `filters`, else batch
 * norm of the input alone.
 */
export function residualBlock(x: Symbolic, filters: number, kernelSizes: readonly number[], seeds: Seeds, init: Init): Symbolic {
  let path = x;
  kernelSizes.forEach((k, j) => {
    path = convolutionBlock(path, filters, k, seeds, init, j < kernelSizes.length - 1);
  });
  const shortcut = width(x) === filters ? batchNormalization(x, init) : convolutionBlock(x, filters, 1, seeds, init, false);
  return relu(tf.layers.add().apply([shortcut, path]) as Symbolic);
}
