// The BiLSTM, one direction at a time: forward over all steps, and BPTT.
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "blas.h"
#include "kernels.h"
#include "simd.h"

namespace tsa {
namespace {

// LSTM cell for lanes [j, j + lanes of V) of one row: z (pre-activations, overwritten by the activated gates
// i, f, g, o), c_prev or null; writes c and h.
template <typename V>
inline void lstm_cell_lanes(int H, int j, float* z, const float* cprev, float* c, float* h) {
  const V i = sigmoid_lanes(load<V>(z + j)), f = sigmoid_lanes(load<V>(z + H + j));
  const V g = tanh_lanes(load<V>(z + 2 * H + j)), o = sigmoid_lanes(load<V>(z + 3 * H + j));
  const V cv = f * (cprev ? load<V>(cprev + j) : lanes<V>(0.0f)) + i * g;
  store(z + j, i);
  store(z + H + j, f);
  store(z + 2 * H + j, g);
  store(z + 3 * H + j, o);
  store(c + j, cv);
  store(h + j, o * tanh_lanes(cv));
}

inline void lstm_cell_row(int H, float* z, const float* cprev, float* c, float* h) {
  int j = 0;
#if TSA_V16
  for (; j + 16 <= H; j += 16) lstm_cell_lanes<v16>(H, j, z, cprev, c, h);
#endif
  for (; j + 8 <= H; j += 8) lstm_cell_lanes<v8>(H, j, z, cprev, c, h);
  for (; j < H; ++j) {
    const float i = sigmoid1(z[j]), f = sigmoid1(z[H + j]), g = tanh1(z[2 * H + j]), o = sigmoid1(z[3 * H + j]);
    const float cv = f * (cprev ? cprev[j] : 0.0f) + i * g;
    z[j] = i;
    z[H + j] = f;
    z[2 * H + j] = g;
    z[3 * H + j] = o;
    c[j] = cv;
    h[j] = o * tanh1(cv);
  }
}

// One direction's states between y's [B, T, D·H] layout and [T, B, H], so that each step reads and writes
// one block instead of B rows a whole series apart (which defeats the caches and the prefetcher).
void gather_direction(const LstmDims& d, const float* y, int dir, float* hs) {
  for (int t = 0; t < d.T; ++t)
    for (int b = 0; b < d.B; ++b)
      copy_row(hs + (static_cast<size_t>(t) * d.B + b) * d.H, y + (static_cast<size_t>(b) * d.T + t) * d.D * d.H + dir * d.H, d.H);
}
void scatter_direction(const LstmDims& d, const float* hs, int dir, float* y) {
  for (int b = 0; b < d.B; ++b)
    for (int t = 0; t < d.T; ++t)
      copy_row(y + (static_cast<size_t>(b) * d.T + t) * d.D * d.H + dir * d.H, hs + (static_cast<size_t>(t) * d.B + b) * d.H, d.H);
}

// x [B, T, F] ↔ [T, B, F] for steps [t0, t1): the layout of the gates, so the input products of a chunk of
// steps are one GEMM each.
void gather_steps(const LstmDims& d, const float* x, int t0, int t1, float* xs) {
  for (int t = t0; t < t1; ++t)
    for (int b = 0; b < d.B; ++b)
      copy_row(xs + (static_cast<size_t>(t - t0) * d.B + b) * d.F, x + (static_cast<size_t>(b) * d.T + t) * d.F, d.F);
}
void scatter_add_steps(const LstmDims& d, const float* xs, int t0, int t1, float* x) {
  for (int b = 0; b < d.B; ++b)
    for (int t = t0; t < t1; ++t) {
      float* dst = x + (static_cast<size_t>(b) * d.T + t) * d.F;
      const float* src = xs + (static_cast<size_t>(t - t0) * d.B + b) * d.F;
      for (int f = 0; f < d.F; ++f) dst[f] += src[f];
    }
}

// Steps per chunk of the big products: about 2,048 rows of [T·B, 4H], so a chunk's gates (1 MB at H 32) stay
// in the L2 cache between the products that read them, and each product is still large.
int steps_per_chunk(const LstmDims& d) { return std::max(1, 2048 / d.B); }

// The steps [t0, t1) of a direction that has processed its steps s in [s0, s1) (step order runs backwards
// in time for direction 1).
inline void steps_in_time(const LstmDims& d, int dir, int s0, int s1, int& t0, int& t1) {
  t0 = dir == 0 ? s0 : d.T - s1;
  t1 = dir == 0 ? s1 : d.T - s0;
}

// Scratch buffers reused across calls: fresh multi-megabyte ones are mapped and faulted in each time.
class ScratchPool {
 public:
  struct Deleter {
    ScratchPool* pool;
    size_t n;
    void operator()(float* p) const { pool->give(p, n); }
  };
  using Buffer = std::unique_ptr<float[], Deleter>;
  Buffer take(size_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < free_.size(); ++i) {
      if (free_[i].second == n) {
        float* p = free_[i].first;
        free_.erase(free_.begin() + static_cast<long>(i));
        return Buffer(p, Deleter{this, n});
      }
    }
    return Buffer(new float[n], Deleter{this, n});
  }
  void give(float* p, size_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.size() < 8) free_.emplace_back(p, n);
    else delete[] p;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<float*, size_t>> free_;
};
ScratchPool scratch_pool;
inline ScratchPool::Buffer scratch(size_t n) { return scratch_pool.take(n); }

}  // namespace

// y: [B, T, D·H] (this direction's part); gates: [T, B, 4H]; cells: [T, B, H]. Without a tape (inference)
// gates and cells hold 2 steps, used in turn.
void lstm_direction_forward(const LstmDims& d, const float* x, const float* W, const float* U, const float* bias,
                            int dir, float* y, float* gates, float* cells, bool tape) {
  const int B = d.B, T = d.T, F = d.F, H = d.H, G = 4 * H;
  auto hs = scratch(static_cast<size_t>(T) * B * H);
  const int chunk = steps_per_chunk(d);
  auto xs = scratch(static_cast<size_t>(chunk) * B * F);
  for (int s = 0; s < T; ++s) {
    const int t = dir == 0 ? s : T - 1 - s;
    const int prev = dir == 0 ? t - 1 : t + 1;
    const size_t slot = tape ? t : (s & 1), prev_slot = tape ? prev : ((s + 1) & 1);
    float* z = gates + slot * B * G;
    if (tape && s % chunk == 0) {
      // With a tape every step's gates are kept: the input projection of a chunk of steps is one GEMM.
      int t0, t1;
      steps_in_time(d, dir, s, std::min(T, s + chunk), t0, t1);
      const int rows = (t1 - t0) * B;
      float* zc = gates + static_cast<size_t>(t0) * B * G;
      for (int r = 0; r < rows; ++r) copy_row(zc + static_cast<size_t>(r) * G, bias, G);
      gather_steps(d, x, t0, t1, xs.get());
      gemm_nn(rows, G, F, xs.get(), F, W, G, zc, G);
    }
    if (!tape) {
      for (int b = 0; b < B; ++b) copy_row(z + static_cast<size_t>(b) * G, bias, G);
      gemm(B, G, F, x + static_cast<size_t>(t) * F, static_cast<long>(T) * F, 1, W, G, z, G);
    }
    if (s > 0) gemm(B, G, H, hs.get() + static_cast<size_t>(prev) * B * H, H, 1, U, G, z, G);
    for (int b = 0; b < B; ++b) {
      const float* cprev = s > 0 ? cells + (prev_slot * B + b) * H : nullptr;
      lstm_cell_row(H, z + static_cast<size_t>(b) * G, cprev, cells + (slot * B + b) * H,
                    hs.get() + (static_cast<size_t>(t) * B + b) * H);
    }
  }
  scatter_direction(d, hs.get(), dir, y);
}

// dz for lanes [j, j + lanes of V) of one row from the tape (i, f, g, o and c), dh (in: dy + recurrent,
// already summed) and dc_next (in/out); writes dz over the gates.
template <typename V>
inline void lstm_cell_backward_lanes(int H, int j, float* gz, const float* c, const float* cprev, const float* dh, float* dcn) {
  const V i = load<V>(gz + j), f = load<V>(gz + H + j), g = load<V>(gz + 2 * H + j), o = load<V>(gz + 3 * H + j);
  const V tc = tanh_lanes(load<V>(c + j));
  const V dhv = load<V>(dh + j);
  const V dc = dhv * o * (1.0f - tc * tc) + load<V>(dcn + j);
  const V cp = cprev ? load<V>(cprev + j) : lanes<V>(0.0f);
  store(gz + j, dc * g * i * (1.0f - i));
  store(gz + H + j, dc * cp * f * (1.0f - f));
  store(gz + 2 * H + j, dc * i * (1.0f - g * g));
  store(gz + 3 * H + j, dhv * tc * o * (1.0f - o));
  store(dcn + j, dc * f);
}

inline void lstm_cell_backward_row(int H, float* gz, const float* c, const float* cprev, const float* dh,
                                   float* dcn) {
  int j = 0;
#if TSA_V16
  for (; j + 16 <= H; j += 16) lstm_cell_backward_lanes<v16>(H, j, gz, c, cprev, dh, dcn);
#endif
  for (; j + 8 <= H; j += 8) lstm_cell_backward_lanes<v8>(H, j, gz, c, cprev, dh, dcn);
  for (; j < H; ++j) {
    const float i = gz[j], f = gz[H + j], g = gz[2 * H + j], o = gz[3 * H + j];
    const float tc = tanh1(c[j]);
    const float dc = dh[j] * o * (1.0f - tc * tc) + dcn[j];
    const float cp = cprev ? cprev[j] : 0.0f;
    gz[j] = dc * g * i * (1.0f - i);
    gz[H + j] = dc * cp * f * (1.0f - f);
    gz[2 * H + j] = dc * i * (1.0f - g * g);
    gz[3 * H + j] = dh[j] * tc * o * (1.0f - o);
    dcn[j] = dc * f;
  }
}

// dbias, dW, dU and dx from the dz of steps [t0, t1) (written over the gates), each one GEMM over the chunk.
void chunk_gradients(const LstmDims& d, const float* x, const float* W, int dir, const float* gates, const float* hs, int t0,
                     int t1, float* xs, float* dx, float* dW, float* dU, float* dbias) {
  const int B = d.B, F = d.F, H = d.H, G = 4 * H, rows = (t1 - t0) * B;
  const float* dz = gates + static_cast<size_t>(t0) * B * G;
  for (int r = 0; r < rows; ++r) {
    const float* dzr = dz + static_cast<size_t>(r) * G;
    for (int g = 0; g < G; ++g) dbias[g] += dzr[g];
  }
  gather_steps(d, x, t0, t1, xs);
  gemm_tn(F, G, rows, xs, F, dz, G, dW, G);  // dW[F,G] += Xᵀ dZ
  // dU[H,G] += H_prevᵀ dZ over the steps that have a previous state in this direction.
  const int lo = dir == 0 ? std::max(t0, 1) : t0, hi = dir == 0 ? t1 : std::min(t1, d.T - 1);
  const int prev_of_lo = dir == 0 ? lo - 1 : lo + 1;
  if (hi > lo)
    gemm_tn(H, G, (hi - lo) * B, hs + static_cast<size_t>(prev_of_lo) * B * H, H, gates + static_cast<size_t>(lo) * B * G, G, dU,
            G);
  std::fill(xs, xs + static_cast<size_t>(rows) * F, 0.0f);
  gemm_nt(rows, F, G, dz, G, W, G, xs, F);  // dX = dZ Wᵀ, in the steps' layout
  scatter_add_steps(d, xs, t0, t1, dx);
}

// BPTT for one direction. Consumes the tape: the gates of every step are overwritten by their dz.
// Accumulates into dx, dW, dU, dbias.
void lstm_direction_backward(const LstmDims& d, const float* x, const float* W, const float* U, int dir, float* gates,
                             const float* cells, const float* y, const float* dy, float* dx, float* dW, float* dU,
                             float* dbias) {
  const int B = d.B, T = d.T, F = d.F, H = d.H, G = 4 * H;
  const size_t block = static_cast<size_t>(B) * H;  // one step of [T, B, H]
  auto hs = scratch(static_cast<size_t>(T) * block), dys = scratch(static_cast<size_t>(T) * block);
  gather_direction(d, y, dir, hs.get());
  gather_direction(d, dy, dir, dys.get());
  std::vector<float> UT(static_cast<size_t>(G) * H);
  transpose(U, H, G, UT.data());
  std::vector<float> dh(block, 0.0f), dcn(block, 0.0f);
  const int chunk = steps_per_chunk(d);
  auto xs = scratch(static_cast<size_t>(chunk) * B * F);
  int pending = T;  // steps s in [s, pending) have dz but no parameter gradients yet
  // Sequential part: dz_t from (dy_t + dz_{t+1}·Uᵀ), written over gates_t.
  for (int s = T - 1; s >= 0; --s) {
    const int t = dir == 0 ? s : T - 1 - s;
    const int prev = dir == 0 ? t - 1 : t + 1;
    float* dz = gates + static_cast<size_t>(t) * B * G;
    const float* dyt = dys.get() + static_cast<size_t>(t) * block;
    for (size_t k = 0; k < block; ++k) dh[k] += dyt[k];
    for (int b = 0; b < B; ++b) {
      const float* cprev = s > 0 ? cells + (static_cast<size_t>(prev) * B + b) * H : nullptr;
      lstm_cell_backward_row(H, dz + static_cast<size_t>(b) * G, cells + (static_cast<size_t>(t) * B + b) * H, cprev,
                             &dh[static_cast<size_t>(b) * H], &dcn[static_cast<size_t>(b) * H]);
    }
    std::fill(dh.begin(), dh.end(), 0.0f);
    if (s > 0) gemm(B, H, G, dz, G, 1, UT.data(), H, dh.data(), H);
    // Each completed chunk of steps: its parameter and input gradients, while its dz is still in cache.
    if (pending - s == chunk || s == 0) {
      int t0, t1;
      steps_in_time(d, dir, s, pending, t0, t1);
      chunk_gradients(d, x, W, dir, gates, hs.get(), t0, t1, xs.get(), dx, dW, dU, dbias);
      pending = s;
    }
  }
}

}  // namespace tsa
