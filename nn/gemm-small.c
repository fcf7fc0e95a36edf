/* A small-matrix GEMM for convolutions: C[M,N] = A[M,K] B[K,N], row-major,
 * no packing.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * At the sizes batch-1 vision models have (M = output channels, 8 to 64;
 * N = output pixels, a few hundred to a few thousand; K = C·kh·kw, under
 * 600), OpenBLAS spends much of its time packing both operands. Here a
 * 4×16 block of C stays in registers (eight 8-wide vectors in the AVX2
 * clone) while k runs: each step loads 16 floats of one row of B, reuses
 * them for four rows of A, and needs no copy of either operand.
 */
#include "nn-private.h"

#define MR 4
#define NR 16

/* rows [m, m + rows) × columns [n, n + cols) with rows <= MR, cols <= NR */
static inline void
block (int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
    float *C, int64_t ldc, int64_t m, int64_t n, int rows, int cols)
{
  float acc[MR][NR] = { {0} };
  const float *a = A + m * lda;
  if (rows == MR && cols == NR) {
    for (int64_t k = 0; k < K; k++) {
      const float *b = B + k * ldb + n;
      float a0 = a[k], a1 = a[lda + k], a2 = a[2 * lda + k],
          a3 = a[3 * lda + k];
      for (int j = 0; j < NR; j++) {
        acc[0][j] += a0 * b[j];
        acc[1][j] += a1 * b[j];
        acc[2][j] += a2 * b[j];
        acc[3][j] += a3 * b[j];
      }
    }
  } else {
    for (int64_t k = 0; k < K; k++) {
      const float *b = B + k * ldb + n;
      for (int i = 0; i < rows; i++) {
        float ai = a[i * lda + k];
        for (int j = 0; j < cols; j++)
          acc[i][j] += ai * b[j];
      }
    }
  }
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++)
      C[(m + i) * ldc + n + j] = acc[i][j];
}

NN_VECTORIZE void
nn_gemm_small (int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
    const float *B, int64_t ldb, float *C, int64_t ldc)
{
  for (int64_t m = 0; m < M; m += MR) {
    int rows = (int) MIN (MR, M - m);
    for (int64_t n = 0; n < N; n += NR)
      block (K, A, lda, B, ldb, C, ldc, m, n, rows, (int) MIN (NR, N - n));
  }
}
