// 8- and 16-lane float vectors, the polynomial exp/sigmoid/tanh, and the register-blocked GEMM every kernel uses.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>

namespace tsa {

// ---- 8-lane vectors (GCC/Clang vector extensions: one AVX register with -march=native) -------------

typedef float v8 __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));

// Where the CPU has AVX-512, 16-lane vectors too (one ZMM register): the LSTM's per-step products and cell
// run on them, twice the work per instruction. Every lane computes exactly what an 8-lane one does.
#if defined(__AVX512F__)
#define TSA_V16 1
typedef float v16 __attribute__((vector_size(64)));
typedef int v16i __attribute__((vector_size(64)));
#endif

// A float vector type's integer twin (for the exponent bits of exp).
template <typename V>
struct IntLanes;
template <>
struct IntLanes<v8> {
  using type = v8i;
};
#if TSA_V16
template <>
struct IntLanes<v16> {
  using type = v16i;
};
#endif

template <typename V>
inline V load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename V>
inline void store(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}
inline v8 load8(const float* p) { return load<v8>(p); }
inline void store8(float* p, v8 v) { store(p, v); }
inline v8 splat(float x) { return v8{x, x, x, x, x, x, x, x}; }
inline float hsum(v8 v) {
  float s = 0.0f;
  for (int i = 0; i < 8; ++i) s += v[i];
  return s;
}

// The same constant in every lane of V.
template <typename V>
inline V lanes(float x) {
  return V{} + x;
}

// e^x, Cephes' expf polynomial on a range-reduced argument; relative error about 1e-7.
template <typename V>
inline V exp_lanes(V x) {
  using VI = typename IntLanes<V>::type;
  x = x < -87.3f ? lanes<V>(-87.3f) : x;
  x = x > 88.3f ? lanes<V>(88.3f) : x;
  const V magic = lanes<V>(12582912.0f);  // 1.5·2^23: adding and subtracting it rounds to an integer
  const V n = (x * 1.44269504088896341f + magic) - magic;
  const V r = x - n * 0.693359375f + n * 2.12194440e-4f;
  V p = lanes<V>(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const VI bits = (__builtin_convertvector(n, VI) + 127) << 23;
  return p * (V)bits;
}
template <typename V>
inline V sigmoid_lanes(V z) {
  return 1.0f / (1.0f + exp_lanes<V>(-z));
}
// tanh(x) = 2σ(2x) − 1: absolute error about 2e-7.
template <typename V>
inline V tanh_lanes(V x) {
  return 2.0f / (1.0f + exp_lanes<V>(-2.0f * x)) - 1.0f;
}

inline v8 exp8(v8 x) { return exp_lanes(x); }
inline v8 sigmoid8(v8 z) { return sigmoid_lanes(z); }
inline v8 tanh8(v8 x) { return tanh_lanes(x); }

// Scalar versions of the same approximations, for tails shorter than 8, so every lane agrees.
inline float sigmoid1(float z) { return sigmoid8(splat(z))[0]; }
inline float tanh1(float x) { return tanh8(splat(x))[0]; }

// ---- GEMM: C[M,N] += A[M,K] · B[K,N] -------------------------------------------------------------------
// A is addressed by strides (A(i,p) = A[i*rsa + p*csa]) so transposed and strided operands need no
// copy; B and C are row-major with leading dimensions ldb, ldc.

#if defined(__AVX512VL__)
constexpr int kNV = 4;  // 32 vector registers: 4×4 accumulators + 4 B vectors fit
#else
constexpr int kNV = 2;  // 16 registers (AVX2): 4×2 accumulators
#endif

// MR rows × NV vectors of V (8 or 16 lanes) of C held in registers while A's columns stream by. Each
// element of C sums its K products in order, whatever V: the vector width does not change a result.
template <typename V, int MR, int NV>
inline void micro(int K, const float* A, long rsa, long csa, const float* B, long ldb, float* C, long ldc) {
  constexpr int L = sizeof(V) / sizeof(float);
  V acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NV; ++j) std::memcpy(&acc[i][j], C + i * ldc + L * j, sizeof(V));
  for (int p = 0; p < K; ++p) {
    const float* b = B + p * ldb;
    V bv[NV];
    for (int j = 0; j < NV; ++j) std::memcpy(&bv[j], b + L * j, sizeof(V));
    for (int i = 0; i < MR; ++i) {
      const V a = lanes<V>(A[i * rsa + p * csa]);
      for (int j = 0; j < NV; ++j) acc[i][j] += a * bv[j];
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NV; ++j) std::memcpy(C + i * ldc + L * j, &acc[i][j], sizeof(V));
}

template <typename V, int MR, int NV>
inline void gemm_columns(int M, int K, const float* A, long rsa, long csa, const float* B, long ldb, float* C, long ldc) {
  int i = 0;
  for (; i + MR <= M; i += MR) micro<V, MR, NV>(K, A + i * rsa, rsa, csa, B, ldb, C + i * ldc, ldc);
  for (; i < M; ++i) micro<V, 1, NV>(K, A + i * rsa, rsa, csa, B, ldb, C + i * ldc, ldc);
}

inline void gemm(int M, int N, int K, const float* A, long rsa, long csa, const float* B, long ldb, float* C, long ldc) {
  int j = 0;
#if TSA_V16
  // 8 rows × 32 columns: 16 ZMM accumulators, 2 for B, 1 for A of the 32 registers.
  for (; j + 32 <= N; j += 32) gemm_columns<v16, 8, 2>(M, K, A, rsa, csa, B + j, ldb, C + j, ldc);
  for (; j + 16 <= N; j += 16) gemm_columns<v16, 8, 1>(M, K, A, rsa, csa, B + j, ldb, C + j, ldc);
#else
  for (; j + 8 * kNV <= N; j += 8 * kNV) gemm_columns<v8, 4, kNV>(M, K, A, rsa, csa, B + j, ldb, C + j, ldc);
#endif
  for (; j + 8 <= N; j += 8) gemm_columns<v8, 4, 1>(M, K, A, rsa, csa, B + j, ldb, C + j, ldc);
  for (; j < N; ++j)
    for (int i = 0; i < M; ++i) {
      float acc = C[i * ldc + j];
      for (int p = 0; p < K; ++p) acc += A[i * rsa + p * csa] * B[p * ldb + j];
      C[i * ldc + j] = acc;
    }
}

// Dot product of two contiguous rows.
inline float dot(const float* a, const float* b, int n) {
  v8 acc = splat(0.0f);
  int k = 0;
  for (; k + 8 <= n; k += 8) acc += load8(a + k) * load8(b + k);
  float s = hsum(acc);
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}

inline void transpose(const float* src, int rows, int cols, float* dst) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) dst[static_cast<size_t>(c) * rows + r] = src[static_cast<size_t>(r) * cols + c];
}

// A short row copy the compiler keeps inline (memcpy of a runtime length is a library call per row).
inline void copy_row(float* dst, const float* src, int n) {
  int k = 0;
  for (; k + 8 <= n; k += 8) store8(dst + k, load8(src + k));
  for (; k < n; ++k) dst[k] = src[k];
}

// dst += src over a short row (dst and src do not overlap).
inline void add_row(float* dst, const float* src, int n) {
  int k = 0;
  for (; k + 8 <= n; k += 8) store8(dst + k, load8(dst + k) + load8(src + k));
  for (; k < n; ++k) dst[k] += src[k];
}

// This direction's half of y [B, T, 2H] ↔ a contiguous [T, B, H] copy, so that each step reads and writes

}  // namespace tsa
