// Fused BiLSTM and attention-pooling kernels, forward and backward, for tsa-lab.
// Same algorithms as src/typescript-kernels.ts. Loops are ordered so the innermost one runs over a
// contiguous row (gates, attention units, features) and the compiler vectorises it (-O3 -march=native);
// transposed copies of the weights keep the backward products contiguous too. The two LSTM directions,
// and the two halves of an attention batch, run on separate threads.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

namespace {

inline float sigmoidf(float z) { return 1.0f / (1.0f + std::exp(-z)); }

struct LstmDims {
  int B, T, F, H;
};

// y: [B, T, 2H]; gates: [T, B, 4H]; cells: [T, B, H].
void lstm_direction_forward(const LstmDims& d, const float* x, const float* W, const float* U, const float* bias,
                            int dir, float* y, float* gates, float* cells) {
  const int B = d.B, T = d.T, F = d.F, H = d.H, G = 4 * H;
  std::vector<float> z(static_cast<size_t>(B) * G);
  for (int s = 0; s < T; ++s) {
    const int t = dir == 0 ? s : T - 1 - s;
    const int prev = dir == 0 ? t - 1 : t + 1;
    const bool has_prev = s > 0;
    for (int b = 0; b < B; ++b) {
      float* zr = &z[static_cast<size_t>(b) * G];
      std::memcpy(zr, bias, sizeof(float) * G);
      const float* xr = x + (static_cast<size_t>(b) * T + t) * F;
      for (int f = 0; f < F; ++f) {
        const float xv = xr[f];
        const float* wr = W + static_cast<size_t>(f) * G;
        for (int g = 0; g < G; ++g) zr[g] += xv * wr[g];
      }
      if (has_prev) {
        const float* hr = y + (static_cast<size_t>(b) * T + prev) * 2 * H + dir * H;
        for (int k = 0; k < H; ++k) {
          const float hv = hr[k];
          const float* ur = U + static_cast<size_t>(k) * G;
          for (int g = 0; g < G; ++g) zr[g] += hv * ur[g];
        }
      }
      float* gr = gates + (static_cast<size_t>(t) * B + b) * G;
      float* cr = cells + (static_cast<size_t>(t) * B + b) * H;
      const float* cpr = has_prev ? cells + (static_cast<size_t>(prev) * B + b) * H : nullptr;
      float* out = y + (static_cast<size_t>(b) * T + t) * 2 * H + dir * H;
      for (int j = 0; j < H; ++j) {
        const float i = sigmoidf(zr[j]);
        const float f = sigmoidf(zr[H + j]);
        const float g = std::tanh(zr[2 * H + j]);
        const float o = sigmoidf(zr[3 * H + j]);
        const float c = f * (cpr ? cpr[j] : 0.0f) + i * g;
        gr[j] = i;
        gr[H + j] = f;
        gr[2 * H + j] = g;
        gr[3 * H + j] = o;
        cr[j] = c;
        out[j] = o * std::tanh(c);
      }
    }
  }
}

void transpose(const float* src, int rows, int cols, float* dst) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) dst[static_cast<size_t>(c) * rows + r] = src[static_cast<size_t>(r) * cols + c];
}

void lstm_direction_backward(const LstmDims& d, const float* x, const float* W, const float* U, int dir,
                             const float* gates, const float* cells, const float* y, const float* dy, float* dx,
                             float* dW, float* dU, float* dbias) {
  const int B = d.B, T = d.T, F = d.F, H = d.H, G = 4 * H;
  std::vector<float> WT(static_cast<size_t>(G) * F), UT(static_cast<size_t>(G) * H);
  transpose(W, F, G, WT.data());
  transpose(U, H, G, UT.data());
  std::vector<float> dh_next(static_cast<size_t>(B) * H, 0.0f), dc_next(static_cast<size_t>(B) * H, 0.0f);
  std::vector<float> dz(static_cast<size_t>(B) * G);
  std::vector<float> dh_new(static_cast<size_t>(B) * H);
  for (int s = T - 1; s >= 0; --s) {
    const int t = dir == 0 ? s : T - 1 - s;
    const int prev = dir == 0 ? t - 1 : t + 1;
    const bool has_prev = s > 0;
    for (int b = 0; b < B; ++b) {
      const float* gr = gates + (static_cast<size_t>(t) * B + b) * G;
      const float* cr = cells + (static_cast<size_t>(t) * B + b) * H;
      const float* cpr = has_prev ? cells + (static_cast<size_t>(prev) * B + b) * H : nullptr;
      const float* dyr = dy + (static_cast<size_t>(b) * T + t) * 2 * H + dir * H;
      float* dzr = &dz[static_cast<size_t>(b) * G];
      float* dhn = &dh_next[static_cast<size_t>(b) * H];
      float* dcn = &dc_next[static_cast<size_t>(b) * H];
      for (int j = 0; j < H; ++j) {
        const float i = gr[j], f = gr[H + j], g = gr[2 * H + j], o = gr[3 * H + j];
        const float tc = std::tanh(cr[j]);
        const float dh = dyr[j] + dhn[j];
        const float dc = dh * o * (1.0f - tc * tc) + dcn[j];
        const float cprev = cpr ? cpr[j] : 0.0f;
        dzr[j] = dc * g * i * (1.0f - i);
        dzr[H + j] = dc * cprev * f * (1.0f - f);
        dzr[2 * H + j] = dc * i * (1.0f - g * g);
        dzr[3 * H + j] = dh * tc * o * (1.0f - o);
        dcn[j] = dc * f;
      }
      for (int g = 0; g < G; ++g) dbias[g] += dzr[g];
      const float* xr = x + (static_cast<size_t>(b) * T + t) * F;
      float* dxr = dx + (static_cast<size_t>(b) * T + t) * F;
      for (int f = 0; f < F; ++f) {
        const float xv = xr[f];
        float* dwr = dW + static_cast<size_t>(f) * G;
        for (int g = 0; g < G; ++g) dwr[g] += xv * dzr[g];
      }
      for (int g = 0; g < G; ++g) {
        const float dzv = dzr[g];
        const float* wt = &WT[static_cast<size_t>(g) * F];
        for (int f = 0; f < F; ++f) dxr[f] += dzv * wt[f];
      }
      float* dhr = &dh_new[static_cast<size_t>(b) * H];
      std::fill(dhr, dhr + H, 0.0f);
      for (int g = 0; g < G; ++g) {
        const float dzv = dzr[g];
        const float* ut = &UT[static_cast<size_t>(g) * H];
        for (int k = 0; k < H; ++k) dhr[k] += dzv * ut[k];
      }
      if (has_prev) {
        const float* hpr = y + (static_cast<size_t>(b) * T + prev) * 2 * H + dir * H;
        for (int k = 0; k < H; ++k) {
          const float hv = hpr[k];
          float* dur = dU + static_cast<size_t>(k) * G;
          for (int g = 0; g < G; ++g) dur[g] += hv * dzr[g];
        }
      }
    }
    dh_next.swap(dh_new);
  }
}

struct AttnDims {
  int B, T, D, A;
};

// Rows [b0, b1) of the batch.
void attention_forward_rows(const AttnDims& d, const float* h, const float* w1, const float* b1, const float* w2,
                            float b2, float* hidden, float* alpha, float* context, int b0, int bend) {
  const int T = d.T, D = d.D, A = d.A;
  for (int b = b0; b < bend; ++b) {
    float max = -INFINITY;
    for (int t = 0; t < T; ++t) {
      const float* hr = h + (static_cast<size_t>(b) * T + t) * D;
      float* ur = hidden + (static_cast<size_t>(b) * T + t) * A;
      std::memcpy(ur, b1, sizeof(float) * A);
      for (int k = 0; k < D; ++k) {
        const float hv = hr[k];
        const float* wr = w1 + static_cast<size_t>(k) * A;
        for (int a = 0; a < A; ++a) ur[a] += hv * wr[a];
      }
      float score = b2;
      for (int a = 0; a < A; ++a) {
        const float u = std::tanh(ur[a]);
        ur[a] = u;
        score += u * w2[a];
      }
      alpha[static_cast<size_t>(b) * T + t] = score;
      max = std::max(max, score);
    }
    float* ar = alpha + static_cast<size_t>(b) * T;
    float sum = 0.0f;
    for (int t = 0; t < T; ++t) {
      ar[t] = std::exp(ar[t] - max);
      sum += ar[t];
    }
    float* cr = context + static_cast<size_t>(b) * D;
    std::fill(cr, cr + D, 0.0f);
    for (int t = 0; t < T; ++t) {
      ar[t] /= sum;
      const float a = ar[t];
      const float* hr = h + (static_cast<size_t>(b) * T + t) * D;
      for (int k = 0; k < D; ++k) cr[k] += a * hr[k];
    }
  }
}

struct AttnGrads {
  std::vector<float> w1, b1, w2;
  float b2 = 0.0f;
};

void attention_backward_rows(const AttnDims& d, const float* h, const float* w1t, const float* w2,
                             const float* hidden, const float* alpha, const float* dctx, float* dh, AttnGrads& g,
                             int b0, int bend) {
  const int T = d.T, D = d.D, A = d.A;
  std::vector<float> dalpha(T), dpre(A);
  for (int b = b0; b < bend; ++b) {
    const float* dcr = dctx + static_cast<size_t>(b) * D;
    float weighted = 0.0f;
    for (int t = 0; t < T; ++t) {
      const float* hr = h + (static_cast<size_t>(b) * T + t) * D;
      float acc = 0.0f;
      for (int k = 0; k < D; ++k) acc += dcr[k] * hr[k];
      dalpha[t] = acc;
      weighted += alpha[static_cast<size_t>(b) * T + t] * acc;
    }
    for (int t = 0; t < T; ++t) {
      const float a = alpha[static_cast<size_t>(b) * T + t];
      const float ds = a * (dalpha[t] - weighted);
      const float* hr = h + (static_cast<size_t>(b) * T + t) * D;
      const float* ur = hidden + (static_cast<size_t>(b) * T + t) * A;
      float* dhr = dh + (static_cast<size_t>(b) * T + t) * D;
      g.b2 += ds;
      for (int k = 0; k < A; ++k) {
        const float u = ur[k];
        g.w2[k] += u * ds;
        dpre[k] = ds * w2[k] * (1.0f - u * u);
        g.b1[k] += dpre[k];
      }
      for (int k = 0; k < D; ++k) {
        const float hv = hr[k];
        float* gw = &g.w1[static_cast<size_t>(k) * A];
        for (int m = 0; m < A; ++m) gw[m] += hv * dpre[m];
      }
      for (int k = 0; k < D; ++k) dhr[k] = a * dcr[k];
      for (int m = 0; m < A; ++m) {
        const float dp = dpre[m];
        const float* wt = w1t + static_cast<size_t>(m) * D;
        for (int k = 0; k < D; ++k) dhr[k] += dp * wt[k];
      }
    }
  }
}

// ---- N-API glue -------------------------------------------------------------------------------------

float* F32(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Float32Array>().Data();
}
int I32(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// Runs fn(part) for part in [0, parts) on `parts` threads (the calling thread takes part 0).
template <typename Fn>
void parallel(int parts, Fn fn) {
  if (parts <= 1) {
    fn(0);
    return;
  }
  std::vector<std::thread> threads;
  for (int p = 1; p < parts; ++p) threads.emplace_back(fn, p);
  fn(0);
  for (auto& th : threads) th.join();
}

// (B, T, F, H, x, Wf, Uf, bf, Wb, Ub, bb, y, gatesF, gatesB, cellsF, cellsB, threads)
Napi::Value LstmForward(const Napi::CallbackInfo& info) {
  const LstmDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  const float* x = F32(info, 4);
  const float* W[2] = {F32(info, 5), F32(info, 8)};
  const float* U[2] = {F32(info, 6), F32(info, 9)};
  const float* bias[2] = {F32(info, 7), F32(info, 10)};
  float* y = F32(info, 11);
  float* gates[2] = {F32(info, 12), F32(info, 13)};
  float* cells[2] = {F32(info, 14), F32(info, 15)};
  const int threads = std::min(2, std::max(1, I32(info, 16)));
  if (threads == 2) {
    parallel(2, [&](int dir) { lstm_direction_forward(d, x, W[dir], U[dir], bias[dir], dir, y, gates[dir], cells[dir]); });
  } else {
    for (int dir = 0; dir < 2; ++dir) lstm_direction_forward(d, x, W[dir], U[dir], bias[dir], dir, y, gates[dir], cells[dir]);
  }
  return info.Env().Undefined();
}

// (B, T, F, H, x, Wf, Uf, Wb, Ub, gatesF, gatesB, cellsF, cellsB, y, dy, dx,
//  dWf, dUf, dbf, dWb, dUb, dbb, threads) — parameter gradients are accumulated into zeroed buffers.
Napi::Value LstmBackward(const Napi::CallbackInfo& info) {
  const LstmDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  const float* x = F32(info, 4);
  const float* W[2] = {F32(info, 5), F32(info, 7)};
  const float* U[2] = {F32(info, 6), F32(info, 8)};
  const float* gates[2] = {F32(info, 9), F32(info, 10)};
  const float* cells[2] = {F32(info, 11), F32(info, 12)};
  const float* y = F32(info, 13);
  const float* dy = F32(info, 14);
  float* dx = F32(info, 15);
  float* dW[2] = {F32(info, 16), F32(info, 19)};
  float* dU[2] = {F32(info, 17), F32(info, 20)};
  float* db[2] = {F32(info, 18), F32(info, 21)};
  const int threads = std::min(2, std::max(1, I32(info, 22)));
  const size_t n = static_cast<size_t>(d.B) * d.T * d.F;
  // Each direction writes its own dx, summed after: no two threads write the same memory.
  std::vector<float> dx_backward(n, 0.0f);
  float* dxs[2] = {dx, dx_backward.data()};
  auto run = [&](int dir) {
    lstm_direction_backward(d, x, W[dir], U[dir], dir, gates[dir], cells[dir], y, dy, dxs[dir], dW[dir], dU[dir], db[dir]);
  };
  if (threads == 2) parallel(2, run);
  else for (int dir = 0; dir < 2; ++dir) run(dir);
  for (size_t i = 0; i < n; ++i) dx[i] += dx_backward[i];
  return info.Env().Undefined();
}

// (B, T, D, A, h, w1, b1, w2, b2, hidden, alpha, context, threads)
Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  const AttnDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  const float* h = F32(info, 4);
  const float* w1 = F32(info, 5);
  const float* b1 = F32(info, 6);
  const float* w2 = F32(info, 7);
  const float b2 = F32(info, 8)[0];
  float* hidden = F32(info, 9);
  float* alpha = F32(info, 10);
  float* context = F32(info, 11);
  const int parts = std::min(std::max(1, I32(info, 12)), d.B);
  parallel(parts, [&](int p) {
    const int b0 = d.B * p / parts, b1e = d.B * (p + 1) / parts;
    attention_forward_rows(d, h, w1, b1, w2, b2, hidden, alpha, context, b0, b1e);
  });
  return info.Env().Undefined();
}

// (B, T, D, A, h, w1, w2, hidden, alpha, dctx, dh, dw1, db1, dw2, db2, threads)
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  const AttnDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  const float* h = F32(info, 4);
  const float* w1 = F32(info, 5);
  const float* w2 = F32(info, 6);
  const float* hidden = F32(info, 7);
  const float* alpha = F32(info, 8);
  const float* dctx = F32(info, 9);
  float* dh = F32(info, 10);
  float* dw1 = F32(info, 11);
  float* db1 = F32(info, 12);
  float* dw2 = F32(info, 13);
  float* db2 = F32(info, 14);
  const int parts = std::min(std::max(1, I32(info, 15)), d.B);
  std::vector<float> w1t(static_cast<size_t>(d.D) * d.A);
  transpose(w1, d.D, d.A, w1t.data());
  std::vector<AttnGrads> grads(parts);
  for (auto& g : grads) {
    g.w1.assign(static_cast<size_t>(d.D) * d.A, 0.0f);
    g.b1.assign(d.A, 0.0f);
    g.w2.assign(d.A, 0.0f);
  }
  parallel(parts, [&](int p) {
    const int b0 = d.B * p / parts, b1e = d.B * (p + 1) / parts;
    attention_backward_rows(d, h, w1t.data(), w2, hidden, alpha, dctx, dh, grads[p], b0, b1e);
  });
  for (const auto& g : grads) {
    for (size_t i = 0; i < g.w1.size(); ++i) dw1[i] += g.w1[i];
    for (int i = 0; i < d.A; ++i) {
      db1[i] += g.b1[i];
      dw2[i] += g.w2[i];
    }
    db2[0] += g.b2;
  }
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("lstmForward", Napi::Function::New(env, LstmForward));
  exports.Set("lstmBackward", Napi::Function::New(env, LstmBackward));
  exports.Set("attentionForward", Napi::Function::New(env, AttentionForward));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsa_kernels, Init)
