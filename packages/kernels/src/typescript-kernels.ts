import type {
  AttentionForward,
  AttentionGradients,
  AttentionParamsArrays,
  AttentionShape,
  Conv1dGradients,
  KernelImplementationApi,
  LstmGradients,
  LstmParams,
  LstmShape,
  LstmTape,
} from "./implementation.js";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The kernels in plain TypeScript: the same algorithms as native/ (see kernels.h), used where the addon
 * cannot build or load. About 20 times slower than the addon; exact to float32 rounding.
 */
export const typescriptKernels: KernelImplementationApi = {
  name: "typescript",
  gemm: "typescript loops",

  lstmForward(shape, x, fwd, bwd) {
    const { batch: B, steps: T, units: H } = shape;
    const y = new Float32Array(B * T * 2 * H);
    const tape: LstmTape = {
      gates: [new Float32Array(T * B * 4 * H), new Float32Array(T * B * 4 * H)],
      cells: [new Float32Array(T * B * H), new Float32Array(T * B * H)],
    };
    lstmDirectionForward(shape, x, fwd, 0, y, tape.gates[0], tape.cells[0]);
    lstmDirectionForward(shape, x, bwd, 1, y, tape.gates[1], tape.cells[1]);
    return { y, tape };
  },

  lstmBackward(shape, x, fwd, bwd, tape, y, dy) {
    const { batch: B, steps: T, features: F } = shape;
    const dx = new Float32Array(B * T * F);
    const forward = lstmDirectionBackward(shape, x, fwd, 0, tape.gates[0], tape.cells[0], y, dy, dx);
    const backward = lstmDirectionBackward(shape, x, bwd, 1, tape.gates[1], tape.cells[1], y, dy, dx);
    return { dx, forward, backward } satisfies LstmGradients;
  },

  lstmForwardOne(shape, x, p) {
    const { batch: B, steps: T, units: H } = shape;
    const y = new Float32Array(B * T * H);
    const tape = { gates: new Float32Array(T * B * 4 * H), cells: new Float32Array(T * B * H) };
    lstmDirectionForward(shape, x, p, 0, y, tape.gates, tape.cells, 1);
    return { y, tape };
  },

  lstmBackwardOne(shape, x, p, tape, y, dy) {
    const dx = new Float32Array(shape.batch * shape.steps * shape.features);
    const params = lstmDirectionBackward(shape, x, p, 0, tape.gates, tape.cells, y, dy, dx, 1);
    return { dx, params };
  },

  attentionForward(shape, h, p) {
    return attentionForwardRange(shape, h, p, 0, shape.batch);
  },

  attentionBackward(shape, h, p, forward, dContext, dh) {
    return attentionBackwardRange(shape, h, p, forward, dContext, dh);
  },

  conv1dForward(
    { batch: B, steps: T, channels: C, filters: F, kernelSize: K },
    x,
    kernel,
    bias,
    relu = false,
    out = new Float32Array(B * T * F),
  ) {
    const left = Math.floor((K - 1) / 2);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * F;
        out.set(bias, o);
        for (let i = 0; i < K; i++) {
          const s = t + i - left;
          if (s < 0 || s >= T) continue;
          for (let c = 0; c < C; c++) {
            const xv = x[(b * T + s) * C + c] as number;
            const w = (i * C + c) * F;
            for (let f = 0; f < F; f++) out[o + f]! += xv * (kernel[w + f] as number);
          }
        }
      }
    }
    if (relu) for (let i = 0; i < out.length; i++) if ((out[i] as number) < 0) out[i] = 0;
    return out;
  },

  conv1dBackward({ batch: B, steps: T, channels: C, filters: F, kernelSize: K }, x, kernel, dOutGiven, reluOut, into) {
    const dOut = reluOut === undefined ? dOutGiven : dOutGiven.map((g, i) => ((reluOut[i] as number) > 0 ? g : 0));
    const grads: Conv1dGradients = into ?? {
      dx: new Float32Array(B * T * C),
      kernel: new Float32Array(K * C * F),
      bias: new Float32Array(F),
    };
    const left = Math.floor((K - 1) / 2);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * F;
        for (let f = 0; f < F; f++) grads.bias[f]! += dOut[o + f] as number;
        for (let i = 0; i < K; i++) {
          const s = t + i - left;
          if (s < 0 || s >= T) continue;
          for (let c = 0; c < C; c++) {
            const xi = (b * T + s) * C + c;
            const xv = x[xi] as number;
            const w = (i * C + c) * F;
            let acc = 0;
            for (let f = 0; f < F; f++) {
              const g = dOut[o + f] as number;
              grads.kernel[w + f]! += xv * g;
              acc += g * (kernel[w + f] as number);
            }
            grads.dx[xi]! += acc;
          }
        }
      }
    }
    return grads;
  },

  maxPoolForward(
    { batch: B, steps: T, channels: C, poolSize: P },
    x,
    out = new Float32Array(B * Math.floor(T / P) * C),
    mask = new Uint8Array(B * T * C),
  ) {
    const W = Math.floor(T / P);
    mask.fill(0);
    for (let b = 0; b < B; b++) {
      for (let w = 0; w < W; w++) {
        const o = (b * W + w) * C;
        const first = (b * T + w * P) * C;
        for (let c = 0; c < C; c++) {
          let max = x[first + c] as number;
          for (let s = 1; s < P; s++) {
            const v = x[first + s * C + c] as number;
            if (v > max || Number.isNaN(v)) max = v;
          }
          out[o + c] = max;
          for (let s = 0; s < P; s++) if (x[first + s * C + c] === max) mask[first + s * C + c] = 1;
        }
      }
    }
    return { out, mask };
  },

  maxPoolBackward({ batch: B, steps: T, channels: C, poolSize: P }, mask, dOut, dx = new Float32Array(B * T * C)) {
    const W = Math.floor(T / P);
    dx.fill(0);
    for (let b = 0; b < B; b++) {
      for (let w = 0; w < W; w++) {
        const o = (b * W + w) * C;
        for (let s = 0; s < P; s++) {
          const row = (b * T + w * P + s) * C;
          for (let c = 0; c < C; c++) if (mask[row + c] === 1) dx[row + c] = dOut[o + c] as number;
        }
      }
    }
    return dx;
  },
  batchNormForward({ rows: N, channels: C, epsilon }, x, gamma, beta, relu, into) {
    const out = into ?? { y: new Float32Array(N * C), mean: new Float32Array(C), variance: new Float32Array(C) };
    const sum = new Float64Array(C);
    const squares = new Float64Array(C);
    for (let r = 0; r < N; r++) for (let c = 0; c < C; c++) sum[c]! += x[r * C + c] as number;
    for (let c = 0; c < C; c++) out.mean[c] = (sum[c] as number) / N;
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < C; c++) {
        const d = (x[r * C + c] as number) - (out.mean[c] as number);
        squares[c]! += d * d;
      }
    }
    for (let c = 0; c < C; c++) {
      out.variance[c] = (squares[c] as number) / N;
      const scale = Math.fround((gamma[c] as number) / Math.sqrt((out.variance[c] as number) + epsilon));
      const shift = (beta[c] as number) - (out.mean[c] as number) * scale;
      for (let r = 0; r < N; r++) {
        const v = (x[r * C + c] as number) * scale + shift;
        out.y[r * C + c] = relu && v < 0 ? 0 : v;
      }
    }
    return out;
  },

  batchNormBackward({ rows: N, channels: C, epsilon }, x, gamma, { mean, variance }, reluOut, dy, into) {
    const grads = into ?? { dx: new Float32Array(N * C), gamma: new Float32Array(C), beta: new Float32Array(C) };
    const passed = (i: number) => (reluOut === undefined || (reluOut[i] as number) > 0 ? (dy[i] as number) : 0);
    for (let c = 0; c < C; c++) {
      const invstd = 1 / Math.sqrt((variance[c] as number) + epsilon);
      const xhat = (i: number) => ((x[i] as number) - (mean[c] as number)) * invstd;
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let r = 0; r < N; r++) {
        sumDy += passed(r * C + c);
        sumDyXhat += passed(r * C + c) * xhat(r * C + c);
      }
      grads.gamma[c] = sumDyXhat;
      grads.beta[c] = sumDy;
      // dx = γ σ⁻¹ (dy − mean(dy) − x̂ · mean(dy · x̂)): the batch's statistics depend on every row.
      const k = (gamma[c] as number) * invstd;
      for (let r = 0; r < N; r++) grads.dx[r * C + c] = k * (passed(r * C + c) - sumDy / N - xhat(r * C + c) * (sumDyXhat / N));
    }
    return grads;
  },
};

/**
 * One direction (0 forward in time, 1 backward) over all steps; writes its part of y [B, T, D·H] (D
 * directions side by side: 2 for the BiLSTM, 1 for a single LSTM) and its tape.
 */
function lstmDirectionForward(
  { batch: B, steps: T, features: F, units: H }: LstmShape,
  x: Float32Array,
  p: LstmParams,
  direction: 0 | 1,
  y: Float32Array,
  gates: Float32Array,
  cells: Float32Array,
  directions: 1 | 2 = 2,
): void {
  const G = 4 * H;
  const z = new Float32Array(G);
  for (let s = 0; s < T; s++) {
    const t = direction === 0 ? s : T - 1 - s;
    const prev = direction === 0 ? t - 1 : t + 1;
    const hasPrev = s > 0;
    for (let b = 0; b < B; b++) {
      z.set(p.bias);
      const xRow = (b * T + t) * F;
      for (let f = 0; f < F; f++) {
        const xv = x[xRow + f] as number;
        const wRow = f * G;
        for (let g = 0; g < G; g++) z[g]! += xv * (p.kernel[wRow + g] as number);
      }
      if (hasPrev) {
        const hRow = (b * T + prev) * directions * H + direction * H;
        for (let k = 0; k < H; k++) {
          const hv = y[hRow + k] as number;
          const uRow = k * G;
          for (let g = 0; g < G; g++) z[g]! += hv * (p.recurrent[uRow + g] as number);
        }
      }
      const gRow = (t * B + b) * G;
      const cRow = (t * B + b) * H;
      const cPrevRow = (prev * B + b) * H;
      const outRow = (b * T + t) * directions * H + direction * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(z[j] as number);
        const f = sigmoid(z[H + j] as number);
        const g = Math.tanh(z[2 * H + j] as number);
        const o = sigmoid(z[3 * H + j] as number);
        const c = f * (hasPrev ? (cells[cPrevRow + j] as number) : 0) + i * g;
        gates[gRow + j] = i;
        gates[gRow + H + j] = f;
        gates[gRow + 2 * H + j] = g;
        gates[gRow + 3 * H + j] = o;
        cells[cRow + j] = c;
        y[outRow + j] = o * Math.tanh(c);
      }
    }
  }
}

/** BPTT for one direction; accumulates into dx and returns the parameter gradients. */
function lstmDirectionBackward(
  { batch: B, steps: T, features: F, units: H }: LstmShape,
  x: Float32Array,
  p: LstmParams,
  direction: 0 | 1,
  gates: Float32Array,
  cells: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  directions: 1 | 2 = 2,
): LstmParams {
  const G = 4 * H;
  const grads: LstmParams = {
    kernel: new Float32Array(F * G),
    recurrent: new Float32Array(H * G),
    bias: new Float32Array(G),
  };
  const dhNext = new Float32Array(B * H);
  const dcNext = new Float32Array(B * H);
  const dz = new Float32Array(G);
  for (let s = T - 1; s >= 0; s--) {
    const t = direction === 0 ? s : T - 1 - s;
    const prev = direction === 0 ? t - 1 : t + 1;
    const hasPrev = s > 0;
    for (let b = 0; b < B; b++) {
      const gRow = (t * B + b) * G;
      const cRow = (t * B + b) * H;
      const cPrevRow = (prev * B + b) * H;
      const yRow = (b * T + t) * directions * H + direction * H;
      for (let j = 0; j < H; j++) {
        const i = gates[gRow + j] as number;
        const f = gates[gRow + H + j] as number;
        const g = gates[gRow + 2 * H + j] as number;
        const o = gates[gRow + 3 * H + j] as number;
        const tc = Math.tanh(cells[cRow + j] as number);
        const dh = (dy[yRow + j] as number) + (dhNext[b * H + j] as number);
        const dc = dh * o * (1 - tc * tc) + (dcNext[b * H + j] as number);
        const cPrev = hasPrev ? (cells[cPrevRow + j] as number) : 0;
        dz[j] = dc * g * i * (1 - i);
        dz[H + j] = dc * cPrev * f * (1 - f);
        dz[2 * H + j] = dc * i * (1 - g * g);
        dz[3 * H + j] = dh * tc * o * (1 - o);
        dcNext[b * H + j] = dc * f;
      }
      for (let g = 0; g < G; g++) grads.bias[g]! += dz[g] as number;
      const xRow = (b * T + t) * F;
      for (let f = 0; f < F; f++) {
        const xv = x[xRow + f] as number;
        const wRow = f * G;
        let acc = 0;
        for (let g = 0; g < G; g++) {
          grads.kernel[wRow + g]! += xv * (dz[g] as number);
          acc += (dz[g] as number) * (p.kernel[wRow + g] as number);
        }
        dx[xRow + f]! += acc;
      }
      const hPrevRow = (b * T + prev) * directions * H + direction * H;
      for (let k = 0; k < H; k++) {
        const hv = hasPrev ? (y[hPrevRow + k] as number) : 0;
        const uRow = k * G;
        let acc = 0;
        for (let g = 0; g < G; g++) {
          if (hasPrev) grads.recurrent[uRow + g]! += hv * (dz[g] as number);
          acc += (dz[g] as number) * (p.recurrent[uRow + g] as number);
        }
        dhNext[b * H + k] = acc;
      }
    }
  }
  return grads;
}

function attentionForwardRange(
  { batch: B, steps: T, features: D, units: A }: AttentionShape,
  h: Float32Array,
  p: AttentionParamsArrays,
  from: number,
  to: number,
): AttentionForward {
  const hidden = new Float32Array(B * T * A);
  const alpha = new Float32Array(B * T);
  const context = new Float32Array(B * D);
  const b2 = p.b2[0] as number;
  for (let b = from; b < to; b++) {
    let max = -Infinity;
    for (let t = 0; t < T; t++) {
      const hRow = (b * T + t) * D;
      const uRow = (b * T + t) * A;
      for (let a = 0; a < A; a++) hidden[uRow + a] = p.b1[a] as number;
      for (let d = 0; d < D; d++) {
        const hv = h[hRow + d] as number;
        const wRow = d * A;
        for (let a = 0; a < A; a++) hidden[uRow + a]! += hv * (p.w1[wRow + a] as number);
      }
      let score = b2;
      for (let a = 0; a < A; a++) {
        const u = Math.tanh(hidden[uRow + a] as number);
        hidden[uRow + a] = u;
        score += u * (p.w2[a] as number);
      }
      alpha[b * T + t] = score;
      if (score > max) max = score;
    }
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const e = Math.exp((alpha[b * T + t] as number) - max);
      alpha[b * T + t] = e;
      sum += e;
    }
    for (let t = 0; t < T; t++) {
      const a = (alpha[b * T + t] as number) / sum;
      alpha[b * T + t] = a;
      const hRow = (b * T + t) * D;
      for (let d = 0; d < D; d++) context[b * D + d]! += a * (h[hRow + d] as number);
    }
  }
  return { context, alpha, hidden };
}

function attentionBackwardRange(
  { batch: B, steps: T, features: D, units: A }: AttentionShape,
  h: Float32Array,
  p: AttentionParamsArrays,
  { alpha, hidden }: AttentionForward,
  dContext: Float32Array,
  dh: Float32Array = new Float32Array(B * T * D),
): AttentionGradients {
  const grads: AttentionGradients = {
    dh,
    w1: new Float32Array(D * A),
    b1: new Float32Array(A),
    w2: new Float32Array(A),
    b2: new Float32Array(1),
  };
  const dAlpha = new Float32Array(T);
  const dPre = new Float32Array(A);
  for (let b = 0; b < B; b++) {
    // dα_t = dctx · h_t; the softmax Jacobian turns it into ds_t = α_t (dα_t − Σ α dα).
    let weighted = 0;
    for (let t = 0; t < T; t++) {
      const hRow = (b * T + t) * D;
      let acc = 0;
      for (let d = 0; d < D; d++) acc += (dContext[b * D + d] as number) * (h[hRow + d] as number);
      dAlpha[t] = acc;
      weighted += (alpha[b * T + t] as number) * acc;
    }
    for (let t = 0; t < T; t++) {
      const a = alpha[b * T + t] as number;
      const ds = a * ((dAlpha[t] as number) - weighted);
      const hRow = (b * T + t) * D;
      const uRow = (b * T + t) * A;
      grads.b2[0]! += ds;
      for (let k = 0; k < A; k++) {
        const u = hidden[uRow + k] as number;
        grads.w2[k]! += u * ds;
        dPre[k] = ds * (p.w2[k] as number) * (1 - u * u);
        grads.b1[k]! += dPre[k] as number;
      }
      for (let d = 0; d < D; d++) {
        const hv = h[hRow + d] as number;
        const wRow = d * A;
        let acc = a * (dContext[b * D + d] as number);
        for (let k = 0; k < A; k++) {
          grads.w1[wRow + k]! += hv * (dPre[k] as number);
          acc += (dPre[k] as number) * (p.w1[wRow + k] as number);
        }
        grads.dh[hRow + d] = acc;
      }
    }
  }
  return grads;
}
