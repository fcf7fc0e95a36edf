/* Horizontal box sums (see mmpreprocess-simd.h).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hand-written rather than ORC: each output reads its own window of the
 * row of vertical sums, at an offset that varies per output (a gather),
 * and ORC programs only walk arrays in lockstep. The windows are padded to
 * whole vectors of weights (zeros outside the window, and 1 or 2 inside,
 * 2 where a subsampled chroma sample stands for two luma columns), so one
 * output is a short dot product of 16-bit integers: pmaddwd's job. Four
 * outputs are reduced together with two rounds of hadd.
 *
 * The choice between the AVX2 kernel and the portable one is made once,
 * from the CPU (__builtin_cpu_supports), when a preprocessor is made.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmpreprocess-simd.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define MM_HAVE_X86 1
#include <immintrin.h>
#endif

static MmSimd forced = MM_SIMD_AUTO;

/* Portable: the inner loop is a fixed-pattern widening dot product that
 * GCC vectorizes (pmaddwd with SSE2, the x86-64 baseline). */
static void
hsum_c (const gint16 * acc, const gint32 * start, const gint16 * w, gint K,
    gint n, gint32 * out)
{
  for (gint o = 0; o < n; o++) {
    const gint16 *a = acc + start[o], *wo = w + (gsize) o * K;
    gint32 s = 0;
    for (gint k = 0; k < K; k++)
      s += (gint32) a[k] * wo[k];
    out[o] = s;
  }
}

#ifdef MM_HAVE_X86
__attribute__ ((target ("avx2")))
static inline __m256i
dot16 (const gint16 * a, const gint16 * w, gint K)
{
  __m256i s = _mm256_madd_epi16 (_mm256_loadu_si256 ((const __m256i *) a),
      _mm256_loadu_si256 ((const __m256i *) w));
  for (gint k = 16; k < K; k += 16)
    s = _mm256_add_epi32 (s, _mm256_madd_epi16 (_mm256_loadu_si256 ((const
                    __m256i *) (a + k)), _mm256_loadu_si256 ((const __m256i *)
                (w + k))));
  return s;
}

__attribute__ ((target ("avx2")))
static void
hsum_avx2 (const gint16 * acc, const gint32 * start, const gint16 * w,
    gint K, gint n, gint32 * out)
{
  gint o = 0;
  for (; o + 4 <= n; o += 4) {
    const gint16 *wo = w + (gsize) o * K;
    __m256i s0 = dot16 (acc + start[o], wo, K);
    __m256i s1 = dot16 (acc + start[o + 1], wo + K, K);
    __m256i s2 = dot16 (acc + start[o + 2], wo + 2 * K, K);
    __m256i s3 = dot16 (acc + start[o + 3], wo + 3 * K, K);
    /* per 128-bit half: the partial sums of the four outputs side by side */
    __m256i h = _mm256_hadd_epi32 (_mm256_hadd_epi32 (s0, s1),
        _mm256_hadd_epi32 (s2, s3));
    __m128i r = _mm_add_epi32 (_mm256_castsi256_si128 (h),
        _mm256_extracti128_si256 (h, 1));
    _mm_storeu_si128 ((__m128i *) (out + o), r);
  }
  if (o < n)
    hsum_c (acc, start + o, w + (gsize) o * K, K, n - o, out + o);
}
#endif

static gboolean
cpu_has_avx2 (void)
{
#ifdef MM_HAVE_X86
  return __builtin_cpu_supports ("avx2");
#else
  return FALSE;
#endif
}

gboolean
mm_preprocess_force_simd (MmSimd level)
{
  if (level == MM_SIMD_AVX2 && !cpu_has_avx2 ())
    return FALSE;
  forced = level;
  return TRUE;
}

MmHsumFunc
mm_hsum_func (void)
{
#ifdef MM_HAVE_X86
  if (forced != MM_SIMD_NONE && cpu_has_avx2 ())
    return hsum_avx2;
#endif
  return hsum_c;
}
