import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { ArrayPool } from "./array-pool.js";
import type { KernelImplementationApi } from "./implementation.js";

type F32 = Float32Array;
interface Addon {
  /** Absent in an addon built before it was added: then it has the hand loops. */
  gemmLibrary?: string;
  lstmForward(...args: Array<number | F32>): void;
  lstmBackward(...args: Array<number | F32>): void;
  lstmForwardOne(...args: Array<number | F32>): void;
  lstmBackwardOne(...args: Array<number | F32>): void;
  attentionForward(...args: Array<number | F32>): void;
  attentionBackward(...args: Array<number | F32>): void;
  conv1dForward(...args: Array<number | F32>): void;
  conv1dBackward(...args: Array<number | F32 | null>): void;
  maxPoolForward(...args: Array<number | F32 | Uint8Array>): void;
  maxPoolBackward(...args: Array<number | F32 | Uint8Array>): void;
  batchNormForward(...args: Array<number | F32>): void;
  batchNormBackward(...args: Array<number | F32 | null>): void;
}

export const ADDON_PATH = fileURLToPath(new URL("../build/Release/tsa_kernels.node", import.meta.url));

/**
 * Loads the compiled addon; the error says why not (not built, wrong ABI, built from older sources) for
 * the fallback's message. An addon older than its newest entry point would ignore arguments it does not
 * know (a fused ReLU), so it is refused rather than used.
 */
export function loadAddon(): { addon: Addon } | { error: string } {
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as Partial<Addon>;
    if (typeof addon.maxPoolForward !== "function") {
      return {
        error: `${ADDON_PATH} was built from older sources (no maxPoolForward); rebuild it with 'yarn workspace @tsa/kernels build'`,
      };
    }
    return { addon: addon as Addon };
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
  // The tape's big arrays (tens of MB a batch) and the BiLSTM's states come back after the backward pass.
  const pool = new ArrayPool<F32>((n) => new Float32Array(n), 2);
  return {
    name: "native",
    gemm: addon.gemmLibrary ?? "hand loops",
    lstmForward({ batch: B, steps: T, features: F, units: H }, x, fwd, bwd, keepTape = true) {
      // With a tape, y comes back with it in lstmBackward; without, the caller keeps it.
      const y = keepTape ? pool.take(B * T * 2 * H) : new Float32Array(B * T * 2 * H);
      const kept = keepTape ? T : 2;
      const gates: [F32, F32] = [pool.take(kept * B * 4 * H), pool.take(kept * B * 4 * H)];
      const cells: [F32, F32] = [pool.take(kept * B * H), pool.take(kept * B * H)];
      addon.lstmForward(
        B,
        T,
        F,
        H,
        x,
        fwd.kernel,
        fwd.recurrent,
        fwd.bias,
        bwd.kernel,
        bwd.recurrent,
        bwd.bias,
        y,
        gates[0],
        gates[1],
        cells[0],
        cells[1],
        kernelThreads(),
        keepTape ? 1 : 0,
      );
      if (keepTape) return { y, tape: { gates, cells } };
      pool.give(...gates, ...cells);
      return { y, tape: null };
    },
    lstmBackward({ batch: B, steps: T, features: F, units: H }, x, fwd, bwd, tape, y, dy) {
      const G = 4 * H;
      const dx = new Float32Array(B * T * F);
      const forward = { kernel: new Float32Array(F * G), recurrent: new Float32Array(H * G), bias: new Float32Array(G) };
      const backward = { kernel: new Float32Array(F * G), recurrent: new Float32Array(H * G), bias: new Float32Array(G) };
      addon.lstmBackward(
        B,
        T,
        F,
        H,
        x,
        fwd.kernel,
        fwd.recurrent,
        bwd.kernel,
        bwd.recurrent,
        tape.gates[0],
        tape.gates[1],
        tape.cells[0],
        tape.cells[1],
        y,
        dy,
        dx,
        forward.kernel,
        forward.recurrent,
        forward.bias,
        backward.kernel,
        backward.recurrent,
        backward.bias,
        kernelThreads(),
      );
      pool.give(...tape.gates, ...tape.cells, y);
      return { dx, forward, backward };
    },
    lstmForwardOne({ batch: B, steps: T, features: F, units: H }, x, p, keepTape = true) {
      const y = keepTape ? pool.take(B * T * H) : new Float32Array(B * T * H);
      const kept = keepTape ? T : 2;
      const tape = { gates: pool.take(kept * B * 4 * H), cells: pool.take(kept * B * H) };
      addon.lstmForwardOne(B, T, F, H, x, p.kernel, p.recurrent, p.bias, y, tape.gates, tape.cells, keepTape ? 1 : 0);
      if (keepTape) return { y, tape };
      pool.give(tape.gates, tape.cells);
      return { y, tape: null };
    },
    lstmBackwardOne({ batch: B, steps: T, features: F, units: H }, x, p, tape, y, dy) {
      const G = 4 * H;
      const dx = new Float32Array(B * T * F);
      const params = { kernel: new Float32Array(F * G), recurrent: new Float32Array(H * G), bias: new Float32Array(G) };
      addon.lstmBackwardOne(
        B,
        T,
        F,
        H,
        x,
        p.kernel,
        p.recurrent,
        tape.gates,
        tape.cells,
        y,
        dy,
        dx,
        params.kernel,
        params.recurrent,
        params.bias,
      );
      pool.give(tape.gates, tape.cells, y);
      return { dx, params };
    },
    attentionForward({ batch: B, steps: T, features: D, units: A }, h, p) {
      const hidden = pool.take(B * T * A);
      const alpha = new Float32Array(B * T);
      const context = new Float32Array(B * D);
      addon.attentionForward(B, T, D, A, h, p.w1, p.b1, p.w2, p.b2, hidden, alpha, context, kernelThreads());
      return { context, alpha, hidden };
    },
    attentionBackward({ batch: B, steps: T, features: D, units: A }, h, p, forward, dContext, dh = new Float32Array(B * T * D)) {
      const grads = {
        dh,
        w1: new Float32Array(D * A),
        b1: new Float32Array(A),
        w2: new Float32Array(A),
        b2: new Float32Array(1),
      };
      addon.attentionBackward(
        B,
        T,
        D,
        A,
        h,
        p.w1,
        p.w2,
        forward.hidden,
        forward.alpha,
        dContext,
        grads.dh,
        grads.w1,
        grads.b1,
        grads.w2,
        grads.b2,
        kernelThreads(),
      );
      pool.give(forward.hidden);
      return grads;
    },
    conv1dForward(
      { batch: B, steps: T, channels: C, filters: F, kernelSize: K },
      x,
      kernel,
      bias,
      relu = false,
      out = new Float32Array(B * T * F),
    ) {
      addon.conv1dForward(B, T, C, F, K, x, kernel, bias, out, kernelThreads(), relu ? 1 : 0);
      return out;
    },
    conv1dBackward({ batch: B, steps: T, channels: C, filters: F, kernelSize: K }, x, kernel, dOut, reluOut, into) {
      const grads = into ?? { dx: new Float32Array(B * T * C), kernel: new Float32Array(K * C * F), bias: new Float32Array(F) };
      addon.conv1dBackward(B, T, C, F, K, x, kernel, dOut, grads.dx, grads.kernel, grads.bias, kernelThreads(), reluOut ?? null);
      return grads;
    },
    maxPoolForward(
      { batch: B, steps: T, channels: C, poolSize: P },
      x,
      out = new Float32Array(B * Math.floor(T / P) * C),
      mask = new Uint8Array(B * T * C),
    ) {
      addon.maxPoolForward(B, T, C, P, x, out, mask);
      return { out, mask };
    },
    maxPoolBackward({ batch: B, steps: T, channels: C, poolSize: P }, mask, dOut, dx = new Float32Array(B * T * C)) {
      addon.maxPoolBackward(B, T, C, P, mask, dOut, dx);
      return dx;
    },
    batchNormForward({ rows: N, channels: C, epsilon }, x, gamma, beta, relu, into) {
      const out = into ?? { y: new Float32Array(N * C), mean: new Float32Array(C), variance: new Float32Array(C) };
      addon.batchNormForward(N, C, x, gamma, beta, epsilon, relu ? 1 : 0, out.y, out.mean, out.variance);
      return out;
    },
    batchNormBackward({ rows: N, channels: C, epsilon }, x, gamma, { mean, variance }, reluOut, dy, into) {
      const grads = into ?? { dx: new Float32Array(N * C), gamma: new Float32Array(C), beta: new Float32Array(C) };
      addon.batchNormBackward(N, C, x, gamma, mean, variance, epsilon, reluOut ?? null, dy, grads.dx, grads.gamma, grads.beta);
      return grads;
    },
  };
}
