// The 1-D convolution ('same' padding, stride 1), forward and backward, as im2col GEMMs (blas.h): a chunk of
// series is unrolled into rows of K·C inputs (one row per output step), so each direction of the pass is
// one large product instead of K small ones per series.
#include <algorithm>
#include <vector>

#include "blas.h"
#include "kernels.h"
#include "simd.h"

namespace tsa {
namespace {

// Floats of unrolled input per chunk: a few MB, so a chunk's columns stay in the last-level cache between
// the products that read them.
constexpr size_t kMaxColumnsFloats = size_t{1} << 20;

int chunk_rows(const ConvDims& d) {
  const size_t per_series = static_cast<size_t>(d.T) * d.K * d.C;
  return static_cast<int>(std::max<size_t>(1, kMaxColumnsFloats / std::max<size_t>(1, per_series)));
}

// Series [b, b + nb) of x [B, T, C] unrolled: row (s, t) holds x[s, t + i − ⌊(K−1)/2⌋, :] for each tap i,
// zeros outside the series. Steps are contiguous in x, so an interior row is one copy of K·C floats.
void im2col(const ConvDims& d, const float* x, int b, int nb, float* cols) {
  const int T = d.T, C = d.C, K = d.K, pad = (K - 1) / 2, width = K * C;
  for (int s = 0; s < nb; ++s) {
    const float* xs = x + static_cast<size_t>(b + s) * T * C;
    for (int t = 0; t < T; ++t) {
      float* row = cols + (static_cast<size_t>(s) * T + t) * width;
      const int first = t - pad;
      if (first >= 0 && first + K <= T) {
        copy_row(row, xs + static_cast<size_t>(first) * C, width);
        continue;
      }
      for (int i = 0; i < K; ++i) {
        const int src = first + i;
        if (src >= 0 && src < T) copy_row(row + i * C, xs + static_cast<size_t>(src) * C, C);
        else std::fill(row + i * C, row + (i + 1) * C, 0.0f);
      }
    }
  }
}

// The adjoint of im2col: adds each unrolled row's gradient back to the steps it was read from (an interior
// row onto K·C contiguous floats of dx, in the same order as tap by tap).
void col2im_add(const ConvDims& d, const float* cols, int b, int nb, float* dx) {
  const int T = d.T, C = d.C, K = d.K, pad = (K - 1) / 2, width = K * C;
  for (int s = 0; s < nb; ++s) {
    float* dxs = dx + static_cast<size_t>(b + s) * T * C;
    for (int t = 0; t < T; ++t) {
      const float* row = cols + (static_cast<size_t>(s) * T + t) * width;
      const int first = t - pad;
      if (first >= 0 && first + K <= T) {
        add_row(dxs + static_cast<size_t>(first) * C, row, width);
        continue;
      }
      for (int i = 0; i < K; ++i) {
        const int src = first + i;
        if (src >= 0 && src < T) add_row(dxs + static_cast<size_t>(src) * C, row + i * C, C);
      }
    }
  }
}

// Per-thread scratch that only grows: fresh multi-megabyte buffers would be mapped and faulted in per call.
float* scratch(std::vector<float>& buffer, size_t n) {
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

}  // namespace

void conv_forward_rows(const ConvDims& d, const float* x, const float* w, const float* bias, float* out, int b0, int bend) {
  const int T = d.T, F = d.F, width = d.K * d.C, chunk = chunk_rows(d);
  thread_local std::vector<float> columns;
  for (int b = b0; b < bend; b += chunk) {
    const int nb = std::min(chunk, bend - b), rows = nb * T;
    float* ob = out + static_cast<size_t>(b) * T * F;
    for (int r = 0; r < rows; ++r) copy_row(ob + static_cast<size_t>(r) * F, bias, F);
    // A 1-tap convolution reads x as it is.
    const float* cols = x + static_cast<size_t>(b) * T * d.C;
    if (d.K > 1) {
      float* unrolled = scratch(columns, static_cast<size_t>(rows) * width);
      im2col(d, x, b, nb, unrolled);
      cols = unrolled;
    }
    gemm_nn(rows, F, width, cols, width, w, F, ob, F);
  }
}

// Accumulates into dx (rows [b0, bend)), dw and db (this part's).
void conv_backward_rows(const ConvDims& d, const float* x, const float* w, const float* dout, float* dx, float* dw, float* db,
                        int b0, int bend) {
  const int T = d.T, F = d.F, width = d.K * d.C, chunk = chunk_rows(d);
  thread_local std::vector<float> columns, column_grads;
  for (int b = b0; b < bend; b += chunk) {
    const int nb = std::min(chunk, bend - b), rows = nb * T;
    const float* gb = dout + static_cast<size_t>(b) * T * F;
    for (int r = 0; r < rows; ++r)
      for (int f = 0; f < F; ++f) db[f] += gb[static_cast<size_t>(r) * F + f];
    const float* cols = x + static_cast<size_t>(b) * T * d.C;
    if (d.K > 1) {
      float* unrolled = scratch(columns, static_cast<size_t>(rows) * width);
      im2col(d, x, b, nb, unrolled);
      cols = unrolled;
    }
    gemm_tn(width, F, rows, cols, width, gb, F, dw, F);  // dW[K·C, F] += colsᵀ · dout
    if (d.K == 1) {
      gemm_nt(rows, d.C, F, gb, F, w, F, dx + static_cast<size_t>(b) * T * d.C, d.C);
      continue;
    }
    float* dcols = scratch(column_grads, static_cast<size_t>(rows) * width);
    std::fill(dcols, dcols + static_cast<size_t>(rows) * width, 0.0f);
    gemm_nt(rows, width, F, gb, F, w, F, dcols, width);  // dcols = dout · Wᵀ
    col2im_add(d, dcols, b, nb, dx);
  }
}

}  // namespace tsa
