// N-API entry points of the tsa_kernels addon: unpack arguments, split work over threads, call kernels.h.
#include <napi.h>

#include <algorithm>
#include <vector>

#include "blas.h"
#include "kernels.h"
#include "simd.h"
#include "thread_pool.h"

namespace {

using namespace tsa;

// ---- N-API glue -------------------------------------------------------------------------------------

float* F32(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Float32Array>().Data(); }
int I32(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }

// Threads a call may use (its last argument), split only as far as its work pays for (thread_pool.h).
int parts_of(const Napi::CallbackInfo& info, size_t i, double work, int most) {
  return parts_for(work, std::min(most, std::max(1, I32(info, i))));
}
// Multiply-adds of one LSTM direction over all steps, forward; BPTT is about twice that.
double lstm_work(const LstmDims& d) { return static_cast<double>(d.B) * d.T * 4 * d.H * (d.F + d.H); }

// Runs run(dir) for both LSTM directions: one per part when split in two, else one after the other.
template <typename Run>
void both_directions(int parts, const Run& run) {
  parallel(parts, [&](int p) {
    if (parts == 2) run(p);
    else for (int dir = 0; dir < 2; ++dir) run(dir);
  });
}

// (B, T, F, H, x, Wf, Uf, bf, Wb, Ub, bb, y, gatesF, gatesB, cellsF, cellsB, threads, tape) — without a
// tape, gates and cells need room for 2 steps only.
Napi::Value LstmForward(const Napi::CallbackInfo& info) {
  const LstmDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  const float* x = F32(info, 4);
  const float* W[2] = {F32(info, 5), F32(info, 8)};
  const float* U[2] = {F32(info, 6), F32(info, 9)};
  const float* bias[2] = {F32(info, 7), F32(info, 10)};
  float* y = F32(info, 11);
  float* gates[2] = {F32(info, 12), F32(info, 13)};
  float* cells[2] = {F32(info, 14), F32(info, 15)};
  const int parts = parts_of(info, 16, 2 * lstm_work(d), 2);
  const bool tape = I32(info, 17) != 0;
  auto run = [&](int dir) { lstm_direction_forward(d, x, W[dir], U[dir], bias[dir], dir, y, gates[dir], cells[dir], tape); };
  both_directions(parts, run);
  return info.Env().Undefined();
}

// (B, T, F, H, x, Wf, Uf, Wb, Ub, gatesF, gatesB, cellsF, cellsB, y, dy, dx,
//  dWf, dUf, dbf, dWb, dUb, dbb, threads) — parameter gradients are accumulated into zeroed buffers;
// the gates buffers are overwritten (the tape is consumed).
Napi::Value LstmBackward(const Napi::CallbackInfo& info) {
  const LstmDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  const float* x = F32(info, 4);
  const float* W[2] = {F32(info, 5), F32(info, 7)};
  const float* U[2] = {F32(info, 6), F32(info, 8)};
  float* gates[2] = {F32(info, 9), F32(info, 10)};
  const float* cells[2] = {F32(info, 11), F32(info, 12)};
  const float* y = F32(info, 13);
  const float* dy = F32(info, 14);
  float* dx = F32(info, 15);
  float* dW[2] = {F32(info, 16), F32(info, 19)};
  float* dU[2] = {F32(info, 17), F32(info, 20)};
  float* db[2] = {F32(info, 18), F32(info, 21)};
  const int parts = parts_of(info, 22, 4 * lstm_work(d), 2);
  const size_t n = static_cast<size_t>(d.B) * d.T * d.F;
  // Each direction writes its own dx, summed after: no two threads write the same memory.
  std::vector<float> dx_backward(n, 0.0f);
  float* dxs[2] = {dx, dx_backward.data()};
  auto run = [&](int dir) {
    lstm_direction_backward(d, x, W[dir], U[dir], dir, gates[dir], cells[dir], y, dy, dxs[dir], dW[dir], dU[dir], db[dir]);
  };
  both_directions(parts, run);
  for (size_t i = 0; i < n; ++i) dx[i] += dx_backward[i];
  return info.Env().Undefined();
}

// One LSTM direction (forward in time), y [B, T, H]: (B, T, F, H, x, W, U, b, y, gates, cells, tape) —
// the calling thread runs it (the helpers' gain is running the two directions of a BiLSTM side by side).
Napi::Value LstmForwardOne(const Napi::CallbackInfo& info) {
  const LstmDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3), 1};
  lstm_direction_forward(d, F32(info, 4), F32(info, 5), F32(info, 6), F32(info, 7), 0, F32(info, 8), F32(info, 9),
                         F32(info, 10), I32(info, 11) != 0);
  return info.Env().Undefined();
}

// (B, T, F, H, x, W, U, gates, cells, y, dy, dx, dW, dU, db) — gradients accumulated into zeroed buffers;
// the gates buffer is consumed.
Napi::Value LstmBackwardOne(const Napi::CallbackInfo& info) {
  const LstmDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3), 1};
  lstm_direction_backward(d, F32(info, 4), F32(info, 5), F32(info, 6), 0, F32(info, 7), F32(info, 8), F32(info, 9),
                          F32(info, 10), F32(info, 11), F32(info, 12), F32(info, 13), F32(info, 14));
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
  const int parts = parts_of(info, 12, static_cast<double>(d.B) * d.T * d.D * d.A, d.B);
  parallel(parts, [&](int p) {
    const int b0 = d.B * p / parts, b1e = d.B * (p + 1) / parts;
    attention_forward_rows(d, h, w1, b1, w2, b2, hidden, alpha, context, b0, b1e);
  });
  return info.Env().Undefined();
}

// (B, T, D, A, h, w1, w2, hidden, alpha, dctx, dh, dw1, db1, dw2, db2, threads) — `hidden` is consumed.
Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  const AttnDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  const float* h = F32(info, 4);
  const float* w1 = F32(info, 5);
  const float* w2 = F32(info, 6);
  float* hidden = F32(info, 7);
  const float* alpha = F32(info, 8);
  const float* dctx = F32(info, 9);
  float* dh = F32(info, 10);
  float* dw1 = F32(info, 11);
  float* db1 = F32(info, 12);
  float* dw2 = F32(info, 13);
  float* db2 = F32(info, 14);
  const int parts = parts_of(info, 15, 2.0 * d.B * d.T * d.D * d.A, d.B);
  std::vector<AttnGrads> grads(parts);
  for (auto& g : grads) {
    g.w1.assign(static_cast<size_t>(d.D) * d.A, 0.0f);
    g.b1.assign(d.A, 0.0f);
    g.w2.assign(d.A, 0.0f);
  }
  parallel(parts, [&](int p) {
    const int b0 = d.B * p / parts, b1e = d.B * (p + 1) / parts;
    attention_backward_rows(d, h, w1, w2, hidden, alpha, dctx, dh, grads[p], b0, b1e);
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

// (B, T, C, F, K, x, kernel, bias, out, threads, relu) — relu ≠ 0: out = max(0, conv), the ReLU fused.
Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  const ConvDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3), I32(info, 4)};
  const float* x = F32(info, 5);
  const float* w = F32(info, 6);
  const float* bias = F32(info, 7);
  float* out = F32(info, 8);
  const int parts = parts_of(info, 9, static_cast<double>(d.B) * d.T * d.C * d.F * d.K, d.B);
  const bool with_relu = info.Length() > 10 && I32(info, 10) != 0;
  const size_t series = static_cast<size_t>(d.T) * d.F;
  parallel(parts, [&](int p) {
    const int b0 = d.B * p / parts, bend = d.B * (p + 1) / parts;
    conv_forward_rows(d, x, w, bias, out, b0, bend);
    if (with_relu) relu(out + b0 * series, (bend - b0) * series);
  });
  return info.Env().Undefined();
}

// (B, T, C, F, K, x, kernel, dout, dx, dkernel, dbias, threads, out) — dx, dkernel, dbias are zeroed by the
// caller; `out` (the forward's output) is given for a fused ReLU, whose gradient masks dout by out > 0.
Napi::Value ConvBackward(const Napi::CallbackInfo& info) {
  const ConvDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3), I32(info, 4)};
  const float* x = F32(info, 5);
  const float* w = F32(info, 6);
  const float* dout = F32(info, 7);
  float* dx = F32(info, 8);
  float* dw = F32(info, 9);
  float* db = F32(info, 10);
  const int parts = parts_of(info, 11, 2.0 * d.B * d.T * d.C * d.F * d.K, d.B);
  const float* relu_out = info.Length() > 12 && info[12].IsTypedArray() ? F32(info, 12) : nullptr;
  const size_t block = static_cast<size_t>(d.C) * d.F, series = static_cast<size_t>(d.T) * d.F;
  std::vector<float> masked(relu_out != nullptr ? static_cast<size_t>(d.B) * series : 0);
  std::vector<std::vector<float>> dws(parts, std::vector<float>(block * d.K, 0.0f)), dbs(parts, std::vector<float>(d.F, 0.0f));
  parallel(parts, [&](int p) {
    const int b0 = d.B * p / parts, bend = d.B * (p + 1) / parts;
    const float* g = dout;
    if (relu_out != nullptr) {
      relu_mask(relu_out + b0 * series, dout + b0 * series, masked.data() + b0 * series, (bend - b0) * series);
      g = masked.data();
    }
    conv_backward_rows(d, x, w, g, dx, dws[p].data(), dbs[p].data(), b0, bend);
  });
  for (int p = 0; p < parts; ++p) {
    for (size_t i = 0; i < block * d.K; ++i) dw[i] += dws[p][i];
    for (int f = 0; f < d.F; ++f) db[f] += dbs[p][f];
  }
  return info.Env().Undefined();
}

unsigned char* U8(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Uint8Array>().Data(); }

// (B, T, C, P, x, out, mask) — one pass over x: too little work to split over threads.
Napi::Value PoolForward(const Napi::CallbackInfo& info) {
  const PoolDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  max_pool_forward(d, F32(info, 4), F32(info, 5), U8(info, 6));
  return info.Env().Undefined();
}

// (B, T, C, P, mask, dout, dx) — dx is written whole.
Napi::Value PoolBackward(const Napi::CallbackInfo& info) {
  const PoolDims d{I32(info, 0), I32(info, 1), I32(info, 2), I32(info, 3)};
  max_pool_backward(d, U8(info, 4), F32(info, 5), F32(info, 6));
  return info.Env().Undefined();
}

// (N, C, x, gamma, beta, epsilon, relu, y, mean, variance) — memory-bound: one thread.
Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  batch_norm_forward(I32(info, 0), I32(info, 1), F32(info, 2), F32(info, 3), F32(info, 4), info[5].As<Napi::Number>().FloatValue(),
                     I32(info, 6) != 0, F32(info, 7), F32(info, 8), F32(info, 9));
  return info.Env().Undefined();
}

// (N, C, x, gamma, mean, variance, epsilon, y or null, dy, dx, dgamma, dbeta)
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const float* y = info[7].IsTypedArray() ? F32(info, 7) : nullptr;
  batch_norm_backward(I32(info, 0), I32(info, 1), F32(info, 2), F32(info, 3), F32(info, 4), F32(info, 5),
                      info[6].As<Napi::Number>().FloatValue(), y, F32(info, 8), F32(info, 9), F32(info, 10), F32(info, 11));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  gemm_library_init();
  // Which GEMM the large products run on ("openblas <core>" or "hand loops"), for benchmarks and reports.
  exports.Set("gemmLibrary", Napi::String::New(env, gemm_library()));
  exports.Set("lstmForward", Napi::Function::New(env, LstmForward));
  exports.Set("lstmBackward", Napi::Function::New(env, LstmBackward));
  exports.Set("lstmForwardOne", Napi::Function::New(env, LstmForwardOne));
  exports.Set("lstmBackwardOne", Napi::Function::New(env, LstmBackwardOne));
  exports.Set("attentionForward", Napi::Function::New(env, AttentionForward));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward));
  exports.Set("conv1dForward", Napi::Function::New(env, ConvForward));
  exports.Set("conv1dBackward", Napi::Function::New(env, ConvBackward));
  exports.Set("maxPoolForward", Napi::Function::New(env, PoolForward));
  exports.Set("maxPoolBackward", Napi::Function::New(env, PoolBackward));
  exports.Set("batchNormForward", Napi::Function::New(env, BatchNormForward));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsa_kernels, Init)
