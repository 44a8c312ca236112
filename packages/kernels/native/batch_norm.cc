// Batch normalisation over the rows of x [N, C] (a batch's steps, channels contiguous) in training, with
// the ReLU that often follows it fused on request, and its gradient. Statistics in double: a channel's
// sum runs over up to a few hundred thousand rows.
#include <cmath>
#include <cstddef>
#include <vector>

#include "kernels.h"

namespace tsa {

void batch_norm_forward(int N, int C, const float* x, const float* gamma, const float* beta, float epsilon, bool relu,
                        float* y, float* mean, float* variance) {
  std::vector<double> sum(C, 0.0), squares(C, 0.0);
  for (int r = 0; r < N; ++r) {
    const float* xr = x + static_cast<size_t>(r) * C;
    for (int c = 0; c < C; ++c) sum[c] += xr[c];
  }
  for (int c = 0; c < C; ++c) mean[c] = static_cast<float>(sum[c] / N);
  // The biased variance (as tf.moments), from deviations: no cancellation of two large sums.
  for (int r = 0; r < N; ++r) {
    const float* xr = x + static_cast<size_t>(r) * C;
    for (int c = 0; c < C; ++c) {
      const double d = static_cast<double>(xr[c]) - mean[c];
      squares[c] += d * d;
    }
  }
  std::vector<float> scale(C), shift(C);
  for (int c = 0; c < C; ++c) {
    variance[c] = static_cast<float>(squares[c] / N);
    scale[c] = gamma[c] / std::sqrt(variance[c] + epsilon);
    shift[c] = beta[c] - mean[c] * scale[c];
  }
  for (int r = 0; r < N; ++r) {
    const float* __restrict xr = x + static_cast<size_t>(r) * C;
    float* __restrict yr = y + static_cast<size_t>(r) * C;
    for (int c = 0; c < C; ++c) yr[c] = xr[c] * scale[c] + shift[c];
    if (relu)
      for (int c = 0; c < C; ++c) yr[c] = yr[c] < 0.0f ? 0.0f : yr[c];
  }
}

void batch_norm_backward(int N, int C, const float* x, const float* gamma, const float* mean, const float* variance,
                         float epsilon, const float* y, const float* dy, float* dx, float* dgamma, float* dbeta) {
  // With a fused ReLU (y given), dy passes only where y > 0.
  std::vector<float> invstd(C);
  for (int c = 0; c < C; ++c) invstd[c] = 1.0f / std::sqrt(variance[c] + epsilon);
  std::vector<double> sum_dy(C, 0.0), sum_dy_xhat(C, 0.0);
  for (int r = 0; r < N; ++r) {
    const float* xr = x + static_cast<size_t>(r) * C;
    const float* gr = dy + static_cast<size_t>(r) * C;
    const float* yr = y == nullptr ? nullptr : y + static_cast<size_t>(r) * C;
    for (int c = 0; c < C; ++c) {
      const float g = yr == nullptr || yr[c] > 0.0f ? gr[c] : 0.0f;
      sum_dy[c] += g;
      sum_dy_xhat[c] += static_cast<double>(g) * ((xr[c] - mean[c]) * invstd[c]);
    }
  }
  // dx = γ σ⁻¹ (dy − mean(dy) − x̂ · mean(dy · x̂)): the batch's statistics depend on every row.
  std::vector<float> k(C), mean_dy(C), mean_dy_xhat(C);
  for (int c = 0; c < C; ++c) {
    dgamma[c] = static_cast<float>(sum_dy_xhat[c]);
    dbeta[c] = static_cast<float>(sum_dy[c]);
    k[c] = gamma[c] * invstd[c];
    mean_dy[c] = static_cast<float>(sum_dy[c] / N);
    mean_dy_xhat[c] = static_cast<float>(sum_dy_xhat[c] / N);
  }
  for (int r = 0; r < N; ++r) {
    const float* __restrict xr = x + static_cast<size_t>(r) * C;
    const float* __restrict gr = dy + static_cast<size_t>(r) * C;
    const float* __restrict yr = y == nullptr ? nullptr : y + static_cast<size_t>(r) * C;
    float* __restrict dxr = dx + static_cast<size_t>(r) * C;
    for (int c = 0; c < C; ++c) {
      const float g0 = gr[c];
      const float g = yr == nullptr || yr[c] > 0.0f ? g0 : 0.0f;
      const float xhat = (xr[c] - mean[c]) * invstd[c];
      dxr[c] = k[c] * (g - mean_dy[c] - xhat * mean_dy_xhat[c]);
    }
  }
}

}  // namespace tsa
