// The 1-D convolution ('same' padding, stride 1): one GEMM per tap, forward and backward.
#include "kernels.h"
#include "simd.h"

namespace tsa {

// The steps [t0, t1) where tap i reads inside the series, and its shift.
inline void tap_range(const ConvDims& d, int i, int& shift, int& t0, int& t1) {
  shift = i - (d.K - 1) / 2;
  t0 = std::max(0, -shift);
  t1 = std::min(d.T, d.T - shift);
}

void conv_forward_rows(const ConvDims& d, const float* x, const float* w, const float* bias, float* out, int b0, int bend) {
  const int T = d.T, C = d.C, F = d.F;
  for (int b = b0; b < bend; ++b) {
    float* ob = out + static_cast<size_t>(b) * T * F;
    for (int t = 0; t < T; ++t) copy_row(ob + static_cast<size_t>(t) * F, bias, F);
    for (int i = 0; i < d.K; ++i) {
      int shift, t0, t1;
      tap_range(d, i, shift, t0, t1);
      if (t1 <= t0) continue;
      gemm(t1 - t0, F, C, x + (static_cast<size_t>(b) * T + t0 + shift) * C, C, 1, w + static_cast<size_t>(i) * C * F, F,
           ob + static_cast<size_t>(t0) * F, F);
    }
  }
}

// wt: per tap the transposed block [F, C]. Accumulates into dx (rows [b0, bend)), dw and db (this part's).
void conv_backward_rows(const ConvDims& d, const float* x, const float* wt, const float* dout, float* dx, float* dw, float* db,
                        int b0, int bend) {
  const int T = d.T, C = d.C, F = d.F;
  for (int b = b0; b < bend; ++b) {
    const float* gb = dout + static_cast<size_t>(b) * T * F;
    for (int t = 0; t < T; ++t)
      for (int f = 0; f < F; ++f) db[f] += gb[static_cast<size_t>(t) * F + f];
    for (int i = 0; i < d.K; ++i) {
      int shift, t0, t1;
      tap_range(d, i, shift, t0, t1);
      if (t1 <= t0) continue;
      const float* xs = x + (static_cast<size_t>(b) * T + t0 + shift) * C;
      const float* gs = gb + static_cast<size_t>(t0) * F;
      gemm(t1 - t0, C, F, gs, F, 1, wt + static_cast<size_t>(i) * F * C, C, dx + (static_cast<size_t>(b) * T + t0 + shift) * C, C);
      gemm(C, F, t1 - t0, xs, 1, C, gs, F, dw + static_cast<size_t>(i) * C * F, F);
    }
  }
}

}  // namespace tsa
