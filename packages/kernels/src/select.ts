import type { KernelImplementationApi } from "./implementation.js";
import { loadAddon, nativeKernels } from "./native-kernels.js";
import { typescriptKernels } from "./typescript-kernels.js";

export type KernelImplementationName = "native" | "typescript";

/** Thrown when TSA_KERNELS asks for something this machine cannot give. */
export class KernelUnavailableError extends Error {
  override name = "KernelUnavailableError";
}

let selected: KernelImplementationApi | null = null;

/**
 * The implementation in use: the native addon when it loads, else TypeScript. `TSA_KERNELS=native`
 * or `=typescript` forces one (native when the addon is missing is an error, never a silent fallback).
 */
export function kernels(): KernelImplementationApi {
  if (selected !== null) return selected;
  const forced = process.env.TSA_KERNELS?.trim();
  if (forced !== undefined && forced !== "" && forced !== "native" && forced !== "typescript") {
    throw new KernelUnavailableError(`TSA_KERNELS must be 'native' or 'typescript', got '${forced}'`);
  }
  if (forced === "typescript") return (selected = typescriptKernels);
  const loaded = loadAddon();
  if ("addon" in loaded) return (selected = nativeKernels(loaded.addon));
  if (forced === "native") {
    throw new KernelUnavailableError(
      `TSA_KERNELS=native but the addon did not load (${loaded.error}); build it with 'yarn workspace @tsa/kernels build'`,
    );
  }
  return (selected = typescriptKernels);
}

/** Which implementation runs the fused ops; recorded with every run. */
export function kernelImplementation(): KernelImplementationName {
  return kernels().name;
}

/** For tests: run `fn` with a given implementation, then restore the selection. */
export function withKernels<T>(implementation: KernelImplementationApi, fn: () => T): T {
  const previous = selected;
  selected = implementation;
  try {
    return fn();
  } finally {
    selected = previous;
  }
}
