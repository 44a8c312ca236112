// The big products (convolutions as im2col GEMMs, attention's projections over all steps, the LSTM's input
// projections and its weight gradients over all steps): OpenBLAS's sgemm where the addon was built with it
// (binding.gyp defines TSA_OPENBLAS when pkg-config finds openblas), else the hand micro-GEMM of simd.h.
// All operands are row-major; each call accumulates, C += op(A)·op(B).
// OpenBLAS runs single-threaded inside our calls: our helper threads already split the work (LSTM
// directions, batch parts), and OpenBLAS's own threads on the same 2 cores would fight them.
#pragma once

#include <vector>

#include "simd.h"

#ifdef TSA_OPENBLAS
#include <cblas.h>
#endif

namespace tsa {

// The GEMM each build uses, for `yarn bench` and the kernels' README: "openblas <core>" or "hand loops".
const char* gemm_library();

// Called once when the addon loads (OpenBLAS: one thread per call, see above).
void gemm_library_init();

// C[M,N] += A[M,K] · B[K,N].
inline void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return;
#ifdef TSA_OPENBLAS
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, A, lda, B, ldb, 1.0f, C, ldc);
#else
  gemm(M, N, K, A, lda, 1, B, ldb, C, ldc);
#endif
}

// C[M,N] += Aᵀ · B, A stored [K, M].
inline void gemm_tn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return;
#ifdef TSA_OPENBLAS
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, K, 1.0f, A, lda, B, ldb, 1.0f, C, ldc);
#else
  gemm(M, N, K, A, 1, lda, B, ldb, C, ldc);
#endif
}

// C[M,N] += A · Bᵀ, B stored [N, K].
inline void gemm_nt(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  if (M <= 0 || N <= 0 || K <= 0) return;
#ifdef TSA_OPENBLAS
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, A, lda, B, ldb, 1.0f, C, ldc);
#else
  // The micro-GEMM reads B by rows: transpose it once (B is a weight matrix, small beside A and C).
  std::vector<float> bt(static_cast<size_t>(K) * N);
  for (int n = 0; n < N; ++n)
    for (int k = 0; k < K; ++k) bt[static_cast<size_t>(k) * N + n] = B[static_cast<size_t>(n) * ldb + k];
  gemm(M, N, K, A, lda, 1, bt.data(), N, C, ldc);
#endif
}

}  // namespace tsa
