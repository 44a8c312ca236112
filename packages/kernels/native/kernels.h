// Fused BiLSTM, attention-pooling and 1-D convolution kernels, forward and backward, for tsa-lab.
// Same algorithms as src/typescript-kernels.ts, organised for the CPU:
// - every matrix product goes through one register-blocked micro-GEMM (4 rows × 32 columns of C held in
//   vector registers), so the recurrence is one small GEMM per step with all four gates together;
// - sigmoid/tanh are evaluated 8 lanes at a time with a polynomial exp (Cephes expf, ~1 ulp), not libm;
// - BPTT keeps only dh = dz·Uᵀ in the sequential loop: dz of every step is written over the tape, and
//   dW, dU, db and dx are computed after the loop as large products;
// - the two LSTM directions, and the parts of an attention or convolution batch, run on separate threads
//   (persistent helpers, thread_pool.h) when the call has enough work to pay for it.
// Also a 1-D convolution ('same' padding) for the CNN, as im2col GEMMs, with its ReLU fused on request, and
// max pooling over steps, and batch normalisation (training).
// The large products (over all steps or a whole chunk of series) go through blas.h: OpenBLAS's sgemm where
// the addon was built with it, else the same micro-GEMM.
// Files: simd.h (vectors, exp, GEMM), blas.h/blas.cc (large products), lstm.cc, attention.cc, conv1d.cc, pooling.cc, batch_norm.cc,
// thread_pool.cc (helper threads), addon.cc (N-API glue).
#pragma once

#include <cstddef>
#include <vector>

namespace tsa {

// ---- BiLSTM -------------------------------------------------------------------------------------------

struct LstmDims {
  int B, T, F, H;
  // Directions side by side in y's layout [B, T, D·H]: 2 for the BiLSTM, 1 for a single LSTM.
  int D = 2;
};

// One direction of the BiLSTM over all steps (see lstm.cc).
void lstm_direction_forward(const LstmDims& d, const float* x, const float* W, const float* U, const float* bias,
                            int dir, float* y, float* gates, float* cells, bool tape);
void lstm_direction_backward(const LstmDims& d, const float* x, const float* W, const float* U, int dir, float* gates,
                             const float* cells, const float* y, const float* dy, float* dx, float* dW, float* dU,
                             float* dbias);

// ---- attention pooling --------------------------------------------------------------------------------

struct AttnDims {
  int B, T, D, A;
};

struct AttnGrads {
  std::vector<float> w1, b1, w2;
  float b2 = 0.0f;
};

// Batch rows [b0, bend) of attention pooling (see attention.cc).
void attention_forward_rows(const AttnDims& d, const float* h, const float* w1, const float* b1, const float* w2,
                            float b2, float* hidden, float* alpha, float* context, int b0, int bend);
void attention_backward_rows(const AttnDims& d, const float* h, const float* w1, const float* w2, float* hidden,
                             const float* alpha, const float* dctx, float* dh, AttnGrads& g, int b0, int bend);

// ---- 1-D convolution ('same' padding, stride 1) -----------------------------------------------------
// x [B, T, C], kernel [K·C, F] (rows tap-major, then channel), out [B, T, F]; tap i reads x at
// t + i − ⌊(K−1)/2⌋, zero outside the series. Computed as im2col GEMMs (conv1d.cc, blas.h).

struct ConvDims {
  int B, T, C, F, K;
};

// Batch rows [b0, bend) of the 1-D convolution (see conv1d.cc).
void conv_forward_rows(const ConvDims& d, const float* x, const float* w, const float* bias, float* out, int b0, int bend);
void conv_backward_rows(const ConvDims& d, const float* x, const float* w, const float* dout, float* dx, float* dw, float* db,
                        int b0, int bend);

// ---- max pooling and ReLU ----------------------------------------------------------------------------
// x [B, T, C] → out [B, ⌊T/P⌋, C], the max of each window of P steps ('valid': a remainder is dropped), and
// mask [B, T, C]: 1 at every step equal to its window's max (tf.max's rule for ties), else 0. The gradient
// gives dout to the steps of the mask, so it needs neither x nor out.

struct PoolDims {
  int B, T, C, P;
};

void max_pool_forward(const PoolDims& d, const float* x, float* out, unsigned char* mask);
void max_pool_backward(const PoolDims& d, const unsigned char* mask, const float* dout, float* dx);

// A ReLU in place (x < 0 → 0, as tfjs' Relu), and its gradient: dout where out > 0, else 0.
void relu(float* x, size_t n);
void relu_mask(const float* out, const float* dout, float* masked, size_t n);

// ---- batch normalisation (training) ------------------------------------------------------------------
// x [N, C] → y = γ (x − mean) / √(variance + ε) + β over the N rows, by the batch's own mean and biased
// variance (written out, for the moving averages); with `relu`, max(0, ·) of that. The gradient takes y
// for a fused ReLU (null without) and writes dx, dγ, dβ.

void batch_norm_forward(int N, int C, const float* x, const float* gamma, const float* beta, float epsilon, bool relu,
                        float* y, float* mean, float* variance);
void batch_norm_backward(int N, int C, const float* x, const float* gamma, const float* mean, const float* variance,
                         float epsilon, const float* y, const float* dy, float* dx, float* dgamma, float* dbeta);

}  // namespace tsa
