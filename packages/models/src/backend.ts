import * as tf from "@tensorflow/tfjs";
import { UserInputError } from "@tsa/errors";
import { kernelImplementation } from "@tsa/kernels";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export type KernelImplementation = "native" | "typescript";

export interface BackendInfo {
  backend: BackendName;
  /** Which implementation of our fused kernels (@tsa/kernels) runs the recurrent models. */
  kernels: KernelImplementation;
}

// A variable specifier keeps bundlers and tsc from resolving the optional package at build time.
const TFJS_NODE = "@tensorflow/tfjs-node";

/** True when the optional @tensorflow/tfjs-node loads here (its install downloads libtensorflow). */
async function loadTensorflowBackend(): Promise<boolean> {
  try {
    await import(TFJS_NODE);
    return tf.findBackend("tensorflow") !== null;
  } catch {
    return false;
  }
}

/** The backends that work on this machine: wasm and cpu ship with tfjs; tensorflow where tfjs-node installed. */
export async function installedBackends(): Promise<BackendName[]> {
  return [...((await loadTensorflowBackend()) ? (["tensorflow"] as const) : []), "wasm", "cpu"];
}

/** Why the tensorflow backend is missing, in words a user can act on. */
export const TENSORFLOW_MISSING = "@tensorflow/tfjs-node did not install on this machine: its install step downloads libtensorflow";

/**
 * Picks the tfjs backend: `auto` prefers tfjs-node where it installed, else wasm (which ships inside
 * its npm package, so it always works). `cpu` is the pure-JS reference backend, slow but complete.
 */
export async function selectBackend(requested: BackendName | "auto" = "auto"): Promise<BackendInfo> {
  let backend: BackendName;
  if (requested === "tensorflow" || requested === "auto") {
    const available = await loadTensorflowBackend();
    if (!available && requested === "tensorflow") {
      throw new UserInputError(
        `backend 'tensorflow' is not available (${TENSORFLOW_MISSING}); use wasm, or install it where that download works`,
      );
    }
    backend = available ? "tensorflow" : "wasm";
  } else {
    backend = requested;
  }
  if (backend === "wasm") await import("@tensorflow/tfjs-backend-wasm");
  if (tf.getBackend() !== backend) {
    const ok = await tf.setBackend(backend);
    if (!ok) throw new UserInputError(`backend '${backend}' failed to initialise`);
  }
  await tf.ready();
  return { backend, kernels: kernelImplementation() };
}
