// Attention pooling: tanh(h W1 + b1) W2 + b2 → softmax over time → Σ α h, forward and backward.
#include <vector>

#include "blas.h"
#include "kernels.h"
#include "simd.h"

namespace tsa {

void attention_forward_rows(const AttnDims& d, const float* h, const float* w1, const float* b1, const float* w2,
                            float b2, float* hidden, float* alpha, float* context, int b0, int bend) {
  const int T = d.T, D = d.D, A = d.A;
  const size_t r0 = static_cast<size_t>(b0) * T, rows = static_cast<size_t>(bend - b0) * T;
  float* u = hidden + r0 * A;
  for (size_t r = 0; r < rows; ++r) copy_row(u + r * A, b1, A);
  gemm_nn(static_cast<int>(rows), A, D, h + r0 * D, D, w1, A, u, A);
  for (size_t r = 0; r < rows; ++r) {
    float* ur = u + r * A;
    int a = 0;
#if TSA_V16
    for (; a + 16 <= A; a += 16) store(ur + a, tanh_lanes(load<v16>(ur + a)));
#endif
    for (; a + 8 <= A; a += 8) store(ur + a, tanh_lanes(load<v8>(ur + a)));
    for (; a < A; ++a) ur[a] = tanh1(ur[a]);
    alpha[r0 + r] = b2 + dot(ur, w2, A);
  }
  for (int b = b0; b < bend; ++b) {
    float* ar = alpha + static_cast<size_t>(b) * T;
    float max = -INFINITY;
    for (int t = 0; t < T; ++t) max = std::max(max, ar[t]);
    float sum = 0.0f;
    for (int t = 0; t < T; ++t) {
      ar[t] = std::exp(ar[t] - max);
      sum += ar[t];
    }
    const float inv = 1.0f / sum;
    float* cr = context + static_cast<size_t>(b) * D;
    std::fill(cr, cr + D, 0.0f);
    for (int t = 0; t < T; ++t) {
      ar[t] *= inv;
      const float a = ar[t];
      const float* hr = h + (static_cast<size_t>(b) * T + t) * D;
      for (int k = 0; k < D; ++k) cr[k] += a * hr[k];
    }
  }
}

namespace {

// One step's gradient through the score MLP: w2 and b1 gather it, u (tanh's output) becomes the gradient of
// its pre-activation. Separate arrays (restrict): each k is independent, so the loop vectorises and every
// sum still runs in step order.
inline void score_mlp_backward_row(int A, float ds, const float* __restrict w2, float* __restrict u, float* __restrict gw2,
                                   float* __restrict gb1) {
  for (int k = 0; k < A; ++k) {
    const float uk = u[k];
    gw2[k] += uk * ds;
    const float dp = ds * w2[k] * (1.0f - uk * uk);
    gb1[k] += dp;
    u[k] = dp;
  }
}

inline void scaled_row(int n, float a, const float* __restrict src, float* __restrict dst) {
  for (int k = 0; k < n; ++k) dst[k] = a * src[k];
}

}  // namespace

// Consumes `hidden` for rows [b0, bend): it is overwritten by the score MLP's pre-activation gradient.
void attention_backward_rows(const AttnDims& d, const float* h, const float* w1, const float* w2, float* hidden,
                             const float* alpha, const float* dctx, float* dh, AttnGrads& g, int b0, int bend) {
  const int T = d.T, D = d.D, A = d.A;
  std::vector<float> dalpha(T);
  for (int b = b0; b < bend; ++b) {
    const float* dcr = dctx + static_cast<size_t>(b) * D;
    const float* ar = alpha + static_cast<size_t>(b) * T;
    // dα_t = dctx · h_t; the softmax Jacobian turns it into ds_t = α_t (dα_t − Σ α dα).
    float weighted = 0.0f;
    for (int t = 0; t < T; ++t) {
      dalpha[t] = dot(dcr, h + (static_cast<size_t>(b) * T + t) * D, D);
      weighted += ar[t] * dalpha[t];
    }
    for (int t = 0; t < T; ++t) {
      const float a = ar[t];
      const float ds = a * (dalpha[t] - weighted);
      const size_t row = static_cast<size_t>(b) * T + t;
      g.b2 += ds;
      score_mlp_backward_row(A, ds, w2, hidden + row * A, g.w2.data(), g.b1.data());
      scaled_row(D, a, dcr, dh + row * D);
    }
  }
  const size_t r0 = static_cast<size_t>(b0) * T;
  const int rows = (bend - b0) * T;
  // dW1[D,A] += hᵀ dpre; dh += dpre W1ᵀ: over all steps of these rows at once.
  gemm_tn(D, A, rows, h + r0 * D, D, hidden + r0 * A, A, g.w1.data(), A);
  gemm_nt(rows, D, A, hidden + r0 * A, A, w1, A, dh + r0 * D, D);
}

}  // namespace tsa
