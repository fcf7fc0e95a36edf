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

#endif
#endif /* MMFUSION_NN_AVX2_LANES_H */
