/* Small AVX2 lane helpers shared by the AVX2 kernels.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef MMFUSION_NN_AVX2_LANES_H
#define MMFUSION_NN_AVX2_LANES_H

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* the even and the odd lanes of a then b, each in order: a stride-2 read
 * of 16 floats as two vectors */
__attribute__ ((target ("avx2"), always_inline))
static inline void
nn_avx2_deinterleave (__m256 a, __m256 b, __m256 * even, __m256 * odd)
{
  /* a0 a2 b0 b2 | a4 a6 b4 b6, then the 64-bit pairs in order */
  __m256 e = _mm256_shuffle_ps (a, b, _MM_SHUFFLE (2, 0, 2, 0));
  __m256 o = _mm256_shuffle_ps (a, b, _MM_SHUFFLE (3, 1, 3, 1));
  *even = _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (e),
          _MM_SHUFFLE (3, 1, 2, 0)));
  *odd = _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (o),
          _MM_SHUFFLE (3, 1, 2, 0)));
}

/* the masks of the first n of 16 lanes, as the two vectors whose sign
 * bits vmaskmovps reads */
__attribute__ ((target ("avx2"), always_inline))
static inline void
nn_avx2_first_lanes (int64_t n, __m256i * m0, __m256i * m1)
{
  const __m256i lane = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  *m0 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) MIN (n, 8)), lane);
  *m1 = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) MAX (n - 8, 0)), lane);
}

/* 16 floats from src, through the masks of its first n lanes: the
 * others read nothing and come back zero (the second half's address
 * stays at src when none of it is read) */
__attribute__ ((target ("avx2"), always_inline))
static inline void
nn_avx2_load_first (const float *src, int64_t n, __m256i m0, __m256i m1,
    __m256 * a, __m256 * b)
{
  *a = _mm256_maskload_ps (src, m0);
  *b = _mm256_maskload_ps (n > 8 ? src + 8 : src, m1);
}

/* r[0..8) as the rows of an 8x8 matrix, transposed in place */
__attribute__ ((target ("avx2"), always_inline))
static inline void
nn_avx2_transpose8 (__m256 r[8])
{
  __m256 t[8], u[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps (r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps (r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    u[i] = _mm256_shuffle_ps (t[i], t[i + 2], _MM_SHUFFLE (1, 0, 1, 0));
    u[i + 1] = _mm256_shuffle_ps (t[i], t[i + 2], _MM_SHUFFLE (3, 2, 3, 2));
    u[i + 2] = _mm256_shuffle_ps (t[i + 1], t[i + 3], _MM_SHUFFLE (1, 0, 1,
            0));
    u[i + 3] = _mm256_shuffle_ps (t[i + 1], t[i + 3], _MM_SHUFFLE (3, 2, 3,
            2));
  }
  for (int i = 0; i < 4; i++) {
    r[i] = _mm256_permute2f128_ps (u[i], u[i + 4], 0x20);
    r[i + 4] = _mm256_permute2f128_ps (u[i], u[i + 4], 0x31);
  }
}

#endif
#endif /* MMFUSION_NN_AVX2_LANES_H */
