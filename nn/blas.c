/* The one door to BLAS: sgemm, or sgemv when the product has a single row.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "nn-private.h"
#include "kernels/kernels.h"

#include <cblas.h>

/* OpenBLAS's own worker threads, stopped and joined (OpenBLAS with
 * pthreads exports it for fork(); weak, so that a BLAS without it links
 * and the call is skipped) */
extern int blas_thread_shutdown_ (void) __attribute__ ((weak));

/* OpenBLAS runs single-threaded: the sessions split work over their own
 * workers, and OpenBLAS's thread count is one process-wide variable. It is
 * set once, before this process's first session or product, so that no
 * product reads it while it is written (helgrind saw that race when every
 * new session set it).
 *
 * OpenBLAS starts one worker per core when it is loaded, and an idle
 * worker spins in sched_yield for about 2^28 cycles before it sleeps. A
 * session's second thread then shared its core with that spinner: on a
 * two-core machine, av_concat on two threads took 1.70 ms a run in a
 * process's first tenth of a second and 1.17 ms with OpenBLAS's workers
 * gone (mmfusion-model bench --runs 10, medians of eight alternating
 * runs). With one thread set they are never used again, so they are
 * stopped. */
void
nn_blas_single_threaded (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once)) {
    openblas_set_num_threads (1);
    if (blas_thread_shutdown_)
      blas_thread_shutdown_ ();
    g_once_init_leave (&once, 1);
  }
}

void
nn_sgemm (gboolean trans_a, gboolean trans_b, int64_t M, int64_t N,
    int64_t K, float alpha, const float *A, int64_t lda, const float *B,
    int64_t ldb, float beta, float *C, int64_t ldc)
{
  nn_blas_single_threaded ();
  if (M == 1) {
    /* C[0, :] = op(B)ᵀ-applied row: y[N] = op(B)ᵀ x, x = A's only row,
     * whose elements are lda apart when A is transposed */
    int incx = trans_a ? (int) lda : 1;
    if (trans_b)                /* B stored [N, K] */
      cblas_sgemv (CblasRowMajor, CblasNoTrans, (int) N, (int) K, alpha, B,
          (int) ldb, A, incx, beta, C, 1);
    else                        /* B stored [K, N] */
      cblas_sgemv (CblasRowMajor, CblasTrans, (int) K, (int) N, alpha, B,
          (int) ldb, A, incx, beta, C, 1);
    return;
  }
  /* our AVX-512 kernel where OpenBLAS would run its AVX2 one, for every
   * product of two rows or more without alpha or beta */
  if (!trans_a && !trans_b && alpha == 1.0f && beta == 0.0f && M >= 2
      && nn_sgemm_avx512 (M, N, K, A, lda, B, ldb, C, ldc))
    return;
  /* B stored transposed (RNN input weights, Gemm with a per-run B) */
  if (!trans_a && trans_b && alpha == 1.0f && beta == 0.0f && M >= 2
      && nn_sgemm_avx512_bt (M, N, K, A, lda, B, ldb, C, ldc))
    return;
  cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
      trans_b ? CblasTrans : CblasNoTrans, (int) M, (int) N, (int) K, alpha,
      A, (int) lda, B, (int) ldb, beta, C, (int) ldc);
}
