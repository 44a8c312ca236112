import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { KernelImplementationApi } from "./implementation.js";

type F32 = Float32Array;
interface Addon {
  lstmForward(...args: Array<number | F32>): void;
  lstmBackward(...args: Array<number | F32>): void;
  attentionForward(...args: Array<number | F32>): void;
  attentionBackward(...args: Array<number | F32>): void;
}

const ADDON_PATH = fileURLToPath(new URL("../build/Release/tsa_kernels.node", import.meta.url));

/** Loads the compiled addon; the error says why not (not built, wrong ABI) for the fallback's message. */
export function loadAddon(): { addon: Addon } | { error: string } {
  try {
    return { addon: createRequire(import.meta.url)(ADDON_PATH) as Addon };
  } catch (e) {
    return { error: e instanceof Error ? e.message.split("\n")[0]! : String(e) };
  }
}

/**
 * Threads a kernel call may use: TSA_KERNEL_THREADS, else the machine's cores (at most 2 are used:
 * one per LSTM direction). The runner lowers it when several workers share the cores.
 */
export function kernelThreads(): number {
  const fromEnv = Number.parseInt(process.env.TSA_KERNEL_THREADS ?? "", 10);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

export function nativeKernels(addon: Addon): KernelImplementationApi {
  return {
    name: "native",
    lstmForward({ batch: B, steps: T, features: F, units: H }, x, fwd, bwd) {
      const y = new Float32Array(B * T * 2 * H);
      const gates: [F32, F32] = [new Float32Array(T * B * 4 * H), new Float32Array(T * B * 4 * H)];
      const cells: [F32, F32] = [new Float32Array(T * B * H), new Float32Array(T * B * H)];
      addon.lstmForward(B, T, F, H, x, fwd.kernel, fwd.recurrent, fwd.bias, bwd.kernel, bwd.recurrent, bwd.bias,
        y, gates[0], gates[1], cells[0], cells[1], kernelThreads());
      return { y, tape: { gates, cells } };
    },
    lstmBackward({ batch: B, steps: T, features: F, units: H }, x, fwd, bwd, tape, y, dy) {
      const G = 4 * H;
      const dx = new Float32Array(B * T * F);
      const forward = { kernel: new Float32Array(F * G), recurrent: new Float32Array(H * G), bias: new Float32Array(G) };
      const backward = { kernel: new Float32Array(F * G), recurrent: new Float32Array(H * G), bias: new Float32Array(G) };
      addon.lstmBackward(B, T, F, H, x, fwd.kernel, fwd.recurrent, bwd.kernel, bwd.recurrent,
        tape.gates[0], tape.gates[1], tape.cells[0], tape.cells[1], y, dy, dx,
        forward.kernel, forward.recurrent, forward.bias, backward.kernel, backward.recurrent, backward.bias, kernelThreads());
      return { dx, forward, backward };
    },
    attentionForward({ batch: B, steps: T, features: D, units: A }, h, p) {
      const hidden = new Float32Array(B * T * A);
      const alpha = new Float32Array(B * T);
      const context = new Float32Array(B * D);
      addon.attentionForward(B, T, D, A, h, p.w1, p.b1, p.w2, p.b2, hidden, alpha, context, kernelThreads());
      return { context, alpha, hidden };
    },
    attentionBackward({ batch: B, steps: T, features: D, units: A }, h, p, forward, dContext) {
      const grads = {
        dh: new Float32Array(B * T * D),
        w1: new Float32Array(D * A),
        b1: new Float32Array(A),
        w2: new Float32Array(A),
        b2: new Float32Array(1),
      };
      addon.attentionBackward(B, T, D, A, h, p.w1, p.w2, forward.hidden, forward.alpha, dContext,
        grads.dh, grads.w1, grads.b1, grads.w2, grads.b2, kernelThreads());
      return grads;
    },
  };
}
