// Max pooling over non-overlapping windows of steps, forward and backward, and the fused ReLU of a
// convolution and its gradient's mask: one pass over each element.
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "kernels.h"
#include "simd.h"

namespace tsa {

// A window's rows are short (C channels), too short for the compiler's own vectorisation of byte masks:
// eight channels at a time in vector registers, selects instead of branches (half the elements of a
// random series take either side, which a branch would mispredict).
namespace {

typedef unsigned char u8x8 __attribute__((vector_size(8)));

inline v8i widen(const unsigned char* m) {
  u8x8 bytes;
  std::memcpy(&bytes, m, sizeof bytes);
  return __builtin_convertvector(bytes, v8i);
}
inline void narrow(v8i flags, unsigned char* m) {
  const u8x8 bytes = __builtin_convertvector(flags & 1, u8x8);
  std::memcpy(m, &bytes, sizeof bytes);
}

inline void window_max(const float* first, int P, int C, float* o) {
  int c = 0;
  for (; c + 8 <= C; c += 8) {
    v8 m = load8(first + c);
    for (int s = 1; s < P; ++s) {
      const v8 v = load8(first + static_cast<size_t>(s) * C + c);
      // NaN propagates, as tf.max.
      m = (v > m) | (v != v) ? v : m;
    }
    store8(o + c, m);
  }
  for (; c < C; ++c) {
    float m = first[c];
    for (int s = 1; s < P; ++s) {
      const float v = first[static_cast<size_t>(s) * C + c];
      m = (v > m) | (v != v) ? v : m;
    }
    o[c] = m;
  }
}

inline void window_mask(const float* first, int P, int C, const float* o, unsigned char* m) {
  for (int s = 0; s < P; ++s) {
    const float* row = first + static_cast<size_t>(s) * C;
    unsigned char* ms = m + static_cast<size_t>(s) * C;
    int c = 0;
    for (; c + 8 <= C; c += 8) narrow(load8(row + c) == load8(o + c), ms + c);
    for (; c < C; ++c) ms[c] = row[c] == o[c] ? 1 : 0;
  }
}

inline void window_grad(const unsigned char* m, const float* g, int P, int C, float* dx) {
  for (int s = 0; s < P; ++s) {
    const unsigned char* ms = m + static_cast<size_t>(s) * C;
    float* ds = dx + static_cast<size_t>(s) * C;
    int c = 0;
    for (; c + 8 <= C; c += 8) store8(ds + c, widen(ms + c) != 0 ? load8(g + c) : splat(0.0f));
    for (; c < C; ++c) ds[c] = ms[c] != 0 ? g[c] : 0.0f;
  }
}

}  // namespace

void max_pool_forward(const PoolDims& d, const float* x, float* out, unsigned char* mask) {
  const int W = d.T / d.P, C = d.C;
  const size_t window = static_cast<size_t>(d.P) * C, series = static_cast<size_t>(d.T) * C;
  for (int b = 0; b < d.B; ++b) {
    for (int w = 0; w < W; ++w) {
      const size_t first = b * series + w * window;
      float* o = out + (static_cast<size_t>(b) * W + w) * C;
      window_max(x + first, d.P, C, o);
      window_mask(x + first, d.P, C, o, mask + first);
    }
    // Steps past the last whole window hold no window's max.
    std::fill(mask + b * series + W * window, mask + (b + 1) * series, 0);
  }
}

void max_pool_backward(const PoolDims& d, const unsigned char* mask, const float* dout, float* dx) {
  const int W = d.T / d.P, C = d.C;
  const size_t window = static_cast<size_t>(d.P) * C, series = static_cast<size_t>(d.T) * C;
  for (int b = 0; b < d.B; ++b) {
    for (int w = 0; w < W; ++w) {
      const size_t first = b * series + w * window;
      window_grad(mask + first, dout + (static_cast<size_t>(b) * W + w) * C, d.P, C, dx + first);
    }
    std::fill(dx + b * series + W * window, dx + (b + 1) * series, 0.0f);
  }
}

void relu_mask(const float* __restrict out, const float* __restrict dout, float* __restrict masked, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float g = dout[i];
    masked[i] = out[i] > 0.0f ? g : 0.0f;
  }
}

void relu(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] = x[i] < 0.0f ? 0.0f : x[i];
}

}  // namespace tsa
