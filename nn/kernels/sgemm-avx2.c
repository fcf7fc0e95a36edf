/* The implicit convolution product with AVX2 and FMA, for CPUs without
 * AVX-512: the AVX-512 kernel's scheme (sgemm-avx512.c) on a 6x16 tile.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Without it, a convolution on these CPUs is im2col into scratch, then
 * OpenBLAS's sgemm, which first zeroes C in a pass of its own (beta = 0)
 * and packs the column matrix again: on mobilenet_v2 those two passes were
 * 18% of the run, as much as the 1x1 layers' arithmetic left for ours to
 * gain. Here the weights are packed once at load into panels of MR = 6
 * rows ([M/6][K][6]) and the input rows are read in place at
 * xpad[offs[k] + n], the pixels in the lanes; a 6x16 tile keeps its 12
 * accumulators in registers, with two loads of the input and six
 * broadcasts of the weights for every 12 FMAs, and is stored once.
 */
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define MR 6
#define NR 16
#define KC 256

size_t
nn_sgemm_avx2_packed_size (int64_t M, int64_t K)
{
  return (size_t) ((M + MR - 1) / MR * MR * K);
}

/* A [M][K] (lda apart) into panels of MR rows, [M/MR][K][MR], the rows
 * past M zeros */
void
nn_sgemm_avx2_pack_a (int64_t M, int64_t K, const float *A, int64_t lda,
    float *ap)
{
  for (int64_t i0 = 0; i0 < M; i0 += MR) {
    int64_t mr = MIN (MR, M - i0);
    for (int64_t i = 0; i < MR; i++) {
      const float *row = A + (i0 + i) * lda;
      for (int64_t k = 0; k < K; k++)
        ap[k * MR + i] = i < mr ? row[k] : 0.0f;
    }
    ap += K * MR;
  }
}

/* the lane masks of a 16-column strip's two halves when only its first
 * nr columns exist (vmaskmovps reads the sign bits) */
__attribute__ ((target ("avx2")))
static inline void
strip_masks (int64_t nr, __m256i * m0, __m256i * m1)
{
  const __m256i lane = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  *m0 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) MIN (nr, 8)), lane);
  *m1 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) MAX (nr - 8, 0)),
      lane);
}

/* ROWS x 16 of C from a panel of A ([k][MR]) and the input rows of a
 * strip (tap k at xb + offs[k]); a short strip (nr < 16) loads through
 * masks, so nothing past the grid is read, and stores through a buffer
 * (masked stores are slow on AMD). Inlined with ROWS constant, so the
 * accumulators stay in registers. */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
micro (int64_t kc, const float *a, const float *xb, const int64_t * offs,
    float *c, int64_t ldc, gboolean accumulate, int64_t mr, int64_t nr,
    const int ROWS)
{
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < ROWS; i++)
    acc[i][0] = acc[i][1] = _mm256_setzero_ps ();
  if (nr == NR) {
    for (int64_t k = 0; k < kc; k++) {
      const float *bk = xb + offs[k];
      __m256 b0 = _mm256_loadu_ps (bk), b1 = _mm256_loadu_ps (bk + 8);
#pragma GCC unroll 6
      for (int i = 0; i < ROWS; i++) {
        __m256 ai = _mm256_broadcast_ss (a + i);
        acc[i][0] = _mm256_fmadd_ps (ai, b0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps (ai, b1, acc[i][1]);
      }
      a += MR;
    }
  } else {
    __m256i m0, m1;
    strip_masks (nr, &m0, &m1);
    for (int64_t k = 0; k < kc; k++) {
      const float *bk = xb + offs[k];
      __m256 b0 = _mm256_maskload_ps (bk, m0);
      __m256 b1 = _mm256_maskload_ps (nr > 8 ? bk + 8 : bk, m1);
#pragma GCC unroll 6
      for (int i = 0; i < ROWS; i++) {
        __m256 ai = _mm256_broadcast_ss (a + i);
        acc[i][0] = _mm256_fmadd_ps (ai, b0, acc[i][0]);
        acc[i][1] = _mm256_fmadd_ps (ai, b1, acc[i][1]);
      }
      a += MR;
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < ROWS; i++) {
    if (i >= mr)
      break;
    float *ci = c + i * ldc;
    if (nr == NR) {
      if (accumulate) {
        acc[i][0] = _mm256_add_ps (acc[i][0], _mm256_loadu_ps (ci));
        acc[i][1] = _mm256_add_ps (acc[i][1], _mm256_loadu_ps (ci + 8));
      }
      _mm256_storeu_ps (ci, acc[i][0]);
      _mm256_storeu_ps (ci + 8, acc[i][1]);
    } else {
      float t[NR];
      _mm256_storeu_ps (t, acc[i][0]);
      _mm256_storeu_ps (t + 8, acc[i][1]);
      for (int64_t j = 0; j < nr; j++)
        ci[j] = accumulate ? ci[j] + t[j] : t[j];
    }
  }
}

/* grid columns [n0, n1) of all M channels into yg[m][n - n0] (ldg
 * apart); K in blocks of about KC (the strip of input rows they read
 * stays in L1), 16-column strips, each strip read by every 6-row panel
 * of A */
__attribute__ ((target ("avx2,fma")))
void
nn_sgemm_avx2_conv_implicit (int64_t M, int64_t K, const float *apk,
    const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    float *yg, int64_t ldg)
{
  int64_t nkb = (K + KC - 1) / KC, kcb = (K + nkb - 1) / nkb;
  int64_t mp = (M + MR - 1) / MR;
  for (int64_t k0 = 0; k0 < K; k0 += kcb) {
    int64_t kc = MIN (kcb, K - k0);
    for (int64_t s = n0; s < n1; s += NR) {
      int64_t nr = MIN (NR, n1 - s);
      for (int64_t q = 0; q < mp; q++) {
        int64_t mr = MIN (MR, M - q * MR);
        const float *a = apk + q * MR * K + k0 * MR;
        float *c = yg + q * MR * ldg + (s - n0);
        if (mr > 4)
          micro (kc, a, xpad + s, offs + k0, c, ldg, k0 > 0, mr, nr, 6);
        else if (mr > 2)
          micro (kc, a, xpad + s, offs + k0, c, ldg, k0 > 0, mr, nr, 4);
        else
          micro (kc, a, xpad + s, offs + k0, c, ldg, k0 > 0, mr, nr, 2);
      }
    }
  }
}

#else

size_t
nn_sgemm_avx2_packed_size (int64_t M, int64_t K)
{
  return 0;
}

void
nn_sgemm_avx2_pack_a (int64_t M, int64_t K, const float *A, int64_t lda,
    float *ap)
{
}

void
nn_sgemm_avx2_conv_implicit (int64_t M, int64_t K, const float *apk,
    const float *xpad, const int64_t * offs, int64_t n0, int64_t n1,
    float *yg, int64_t ldg)
{
}

#endif
