/* Box-sum kernels (see mmpreprocess-simd.h).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Per kernel, which implementation and why:
 *
 * Horizontal sums (hsum): hand-written SIMD, AVX-512 and AVX2, with a C
 * twin the compiler vectorizes. Not ORC: each output reads its own window
 * of the row of vertical sums, at an offset that varies per output (a
 * gather), and ORC programs only walk arrays in lockstep. The windows are
 * padded to whole vectors of weights (zeros outside the window, and 1 or 2
 * inside, 2 where a subsampled chroma sample stands for two luma columns),
 * so one output is a short dot product of 16-bit integers: pmaddwd's job.
 * AVX2 reduces four outputs together with two rounds of hadd (eight at
 * once measured slower: too many live registers). On AVX-512 CPUs the
 * gather is done with permutes instead (mm_hplan_*, below): the windows of
 * 16 outputs are packed tap pair by tap pair into the lanes of one vector,
 * so no lane multiplies a padding zero that it did not need and there is
 * no horizontal reduction; the patterns are made once per geometry, and
 * used where they take fewer instructions than the dot products (every
 * component of the YUV formats and 3-byte RGB into 224x224; the 4-byte RGB
 * formats' components, one sample in four, spread over too many 64-sample
 * regions). Only taps of non-zero weight take lanes, so the other
 * components of packed formats cost nothing. Measured in a loop over one
 * row of 1080p I420 sums into 224 outputs (in the cache): luma 0.09-0.10
 * us against 0.17-0.20 for hsum_avx2, U and V together 0.06-0.09 against
 * 0.08-0.18. An earlier AVX-512 dot-product version (two windows of 16, or
 * four of 8, per vector, reduced with unpacks) measured slower than AVX2.
 *
 * Row accumulation (vacc, the path every frame takes): one source row
 * widened, times its weight, added into a row of 16-bit sums. An
 * element-wise loop, so ORC expresses it (mm_orc_vset_* and
 * mm_orc_vsum_*_add1w: the portable path, SSE or NEON as ORC compiles it
 * at run time, or its backup C), and AVX2 and AVX-512 are written by hand
 * because ORC 0.4.33 (Debian 12) emits SSE at most: 16 or 32 samples per
 * instruction instead of 8, and AVX-512's masked loads do the end of a row
 * without a scalar tail. The plane is read front to back, row after row,
 * which the hardware prefetcher follows at full speed: in a loop that only
 * sums the rows of 1080p I420 frames (from memory), 0.08-0.11 ms front to
 * back against 0.17-0.24 ms reading an output row's five or six source
 * rows side by side (the vsum kernels below), with or without software
 * prefetch; a memcpy of the frame took 0.15-0.20 ms. In the preprocessor,
 * where the horizontal sums run between output rows, the gain is smaller
 * (docs/performance.md, "Frame preprocessing").
 *
 * Side-by-side vertical sums (vsum): AVX2, for the geometries where a
 * source row belongs to three output rows (mild shrinks of subsampled
 * chroma), which the front-to-back order with two rows of sums cannot
 * take. All rows of one output row are summed in registers, 64 columns at
 * a time, and stored once; the ORC programs of four rows at a time stand
 * in without AVX2.
 *
 * The choice between the kernels is made once, from the CPU
 * (__builtin_cpu_supports), when a preprocessor is made.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mmpreprocess-simd.h"
#include "mmpreprocess-kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define MM_HAVE_X86 1
/* GCC 12's AVX-512 intrinsics pass _mm512_undefined_* through, which it
 * then reports as maybe uninitialized (GCC bug 105593, fixed in 13) */
#if __GNUC__ == 12 && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
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

/* windows of 8 (subsampled chroma): two outputs per vector */
__attribute__ ((target ("avx2")))
static void
hsum8_avx2 (const gint16 * acc, const gint32 * start, const gint16 * w,
    gint n, gint32 * out)
{
  gint o = 0;
  for (; o + 8 <= n; o += 8) {
    const gint16 *wo = w + (gsize) o * 8;
    __m256i s[4];
    for (gint j = 0; j < 4; j++) {
      __m256i v = _mm256_inserti128_si256 (_mm256_castsi128_si256
          (_mm_loadu_si128 ((const __m128i *) (acc + start[o + 2 * j]))),
          _mm_loadu_si128 ((const __m128i *) (acc + start[o + 2 * j + 1])),
          1);
      s[j] = _mm256_madd_epi16 (v, _mm256_loadu_si256 ((const __m256i *)
              (wo + 16 * j)));
    }
    /* halves: outputs 0, 2, 4, 6 and 1, 3, 5, 7; interleaved back */
    __m256i h = _mm256_hadd_epi32 (_mm256_hadd_epi32 (s[0], s[1]),
        _mm256_hadd_epi32 (s[2], s[3]));
    __m128i even = _mm256_castsi256_si128 (h);
    __m128i odd = _mm256_extracti128_si256 (h, 1);
    _mm_storeu_si128 ((__m128i *) (out + o), _mm_unpacklo_epi32 (even, odd));
    _mm_storeu_si128 ((__m128i *) (out + o + 4), _mm_unpackhi_epi32 (even,
            odd));
  }
  if (o < n)
    hsum_c (acc, start + o, w + (gsize) o * 8, 8, n - o, out + o);
}

__attribute__ ((target ("avx2")))
static void
hsum_avx2 (const gint16 * acc, const gint32 * start, const gint16 * w,
    gint K, gint n, gint32 * out)
{
  if (K == 8) {
    hsum8_avx2 (acc, start, w, n, out);
    return;
  }
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

/* one vector of 16 samples as 16-bit values */
__attribute__ ((target ("avx2")))
static inline __m256i
load16 (const guint8 * p, MmSamples samples)
{
  if (samples == MM_SAMPLES_U8)
    return _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) p));
  __m256i v = _mm256_loadu_si256 ((const __m256i *) p);
  return samples == MM_SAMPLES_P010 ? _mm256_srli_epi16 (v, 6) : v;
}

/* All rows of one output row summed in registers, 64 columns at a time,
 * stored once. The window's rows are read side by side: more streams than
 * the hardware prefetcher follows well, so each is also fetched PREFETCH
 * samples ahead (past a row's end, that reaches the next rows: those of
 * the next output row). Measured on a 1080p I420 frame into 224x224
 * (on a shared machine, so roughly): 0.30 ms with it, 0.33-0.37 without;
 * distances from 256 to 2048 within the noise of each other. Summing row
 * after row into the row of sums instead (front-to-back reading, one
 * stream) took 0.52 ms against 0.40. */
#define PREFETCH 512

__attribute__ ((target ("avx2")))
static inline void
vsum_avx2 (gint16 * acc, const guint8 * const *rows, const gint16 * w,
    gint count, gint n, MmSamples samples)
{
  gint size = samples == MM_SAMPLES_U8 ? 1 : 2;
  gboolean ones = TRUE;
  for (gint i = 0; i < count; i++)
    ones = ones && w[i] == 1;
  gint x = 0;
  for (; x + 64 <= n; x += 64) {
    __m256i a0 = _mm256_setzero_si256 (), a1 = a0, a2 = a0, a3 = a0;
    for (gint i = 0; i < count; i++) {
      const guint8 *p = rows[i] + (gsize) x * size;
      _mm_prefetch ((const char *) p + PREFETCH * size, _MM_HINT_T0);
      if (size == 2)
        _mm_prefetch ((const char *) p + PREFETCH * size + 64, _MM_HINT_T0);
      __m256i v0 = load16 (p, samples), v1 = load16 (p + 16 * size, samples);
      __m256i v2 = load16 (p + 32 * size, samples);
      __m256i v3 = load16 (p + 48 * size, samples);
      if (!ones && w[i] == 2) {   /* the usual chroma weight */
        v0 = _mm256_add_epi16 (v0, v0);
        v1 = _mm256_add_epi16 (v1, v1);
        v2 = _mm256_add_epi16 (v2, v2);
        v3 = _mm256_add_epi16 (v3, v3);
      } else if (!ones && w[i] != 1) {
        __m256i wv = _mm256_set1_epi16 (w[i]);
        v0 = _mm256_mullo_epi16 (v0, wv);
        v1 = _mm256_mullo_epi16 (v1, wv);
        v2 = _mm256_mullo_epi16 (v2, wv);
        v3 = _mm256_mullo_epi16 (v3, wv);
      }
      a0 = _mm256_add_epi16 (a0, v0);
      a1 = _mm256_add_epi16 (a1, v1);
      a2 = _mm256_add_epi16 (a2, v2);
      a3 = _mm256_add_epi16 (a3, v3);
    }
    _mm256_storeu_si256 ((__m256i *) (acc + x), a0);
    _mm256_storeu_si256 ((__m256i *) (acc + x + 16), a1);
    _mm256_storeu_si256 ((__m256i *) (acc + x + 32), a2);
    _mm256_storeu_si256 ((__m256i *) (acc + x + 48), a3);
  }
  for (; x + 16 <= n; x += 16) {
    __m256i a = _mm256_setzero_si256 ();
    for (gint i = 0; i < count; i++)
      a = _mm256_add_epi16 (a, _mm256_mullo_epi16 (load16 (rows[i] +
                  (gsize) x * size, samples), _mm256_set1_epi16 (w[i])));
    _mm256_storeu_si256 ((__m256i *) (acc + x), a);
  }
  for (; x < n; x++) {
    gint s = 0;
    for (gint i = 0; i < count; i++) {
      gint v = size == 1 ? rows[i][x] : ((const guint16 *) rows[i])[x];
      s += (samples == MM_SAMPLES_P010 ? v >> 6 : v) * w[i];
    }
    acc[x] = (gint16) s;
  }
}

__attribute__ ((target ("avx2")))
static void
vsum_u8_avx2 (gint16 * acc, const guint8 * const *rows, const gint16 * w,
    gint count, gint n)
{
  vsum_avx2 (acc, rows, w, count, n, MM_SAMPLES_U8);
}

__attribute__ ((target ("avx2")))
static void
vsum_u16_avx2 (gint16 * acc, const guint8 * const *rows, const gint16 * w,
    gint count, gint n)
{
  vsum_avx2 (acc, rows, w, count, n, MM_SAMPLES_U16);
}

__attribute__ ((target ("avx2")))
static void
vsum_p010_avx2 (gint16 * acc, const guint8 * const *rows, const gint16 * w,
    gint count, gint n)
{
  vsum_avx2 (acc, rows, w, count, n, MM_SAMPLES_P010);
}
/* AVX2 row accumulation: 16 samples per vector, a scalar tail */
__attribute__ ((target ("avx2")))
static inline void
vacc_avx2 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead, MmSamples samples)
{
  gint size = samples == MM_SAMPLES_U8 ? 1 : 2;
  __m256i wv = _mm256_set1_epi16 ((gint16) w);
  __m256i wnv = _mm256_set1_epi16 ((gint16) wn);
  gint x = 0;
  for (; x + 32 <= n; x += 32) {
    if (ahead)
      _mm_prefetch ((const char *) row + (gsize) x * size + ahead,
          _MM_HINT_T0);
    __m256i v0 = load16 (row + (gsize) x * size, samples);
    __m256i v1 = load16 (row + (gsize) (x + 16) * size, samples);
    if (next) {
      _mm256_storeu_si256 ((__m256i *) (next + x), _mm256_mullo_epi16 (v0,
              wnv));
      _mm256_storeu_si256 ((__m256i *) (next + x + 16),
          _mm256_mullo_epi16 (v1, wnv));
    }
    if (w != 1) {
      v0 = _mm256_mullo_epi16 (v0, wv);
      v1 = _mm256_mullo_epi16 (v1, wv);
    }
    if (!first) {
      v0 = _mm256_add_epi16 (v0, _mm256_loadu_si256 ((__m256i *) (acc + x)));
      v1 = _mm256_add_epi16 (v1, _mm256_loadu_si256 ((__m256i *) (acc + x +
                  16)));
    }
    _mm256_storeu_si256 ((__m256i *) (acc + x), v0);
    _mm256_storeu_si256 ((__m256i *) (acc + x + 16), v1);
  }
  for (; x < n; x++) {
    gint v = size == 1 ? row[x] : ((const guint16 *) row)[x];
    v = samples == MM_SAMPLES_P010 ? v >> 6 : v;
    if (next)
      next[x] = (gint16) (v * wn);
    acc[x] = (gint16) (first ? v * w : acc[x] + v * w);
  }
}

__attribute__ ((target ("avx2")))
static void
vacc_u8_avx2 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  vacc_avx2 (acc, next, row, w, wn, first, n, ahead, MM_SAMPLES_U8);
}

__attribute__ ((target ("avx2")))
static void
vacc_u16_avx2 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  vacc_avx2 (acc, next, row, w, wn, first, n, ahead, MM_SAMPLES_U16);
}

__attribute__ ((target ("avx2")))
static void
vacc_p010_avx2 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  vacc_avx2 (acc, next, row, w, wn, first, n, ahead, MM_SAMPLES_P010);
}

#define AVX512 "avx512f,avx512bw,avx512vl"

/* 32 samples as 16-bit values; lanes past `mask` read nothing and are 0 */
__attribute__ ((target (AVX512)))
static inline __m512i
load32_mask (const guint8 * p, __mmask32 mask, MmSamples samples)
{
  if (samples == MM_SAMPLES_U8)
    return _mm512_cvtepu8_epi16 (_mm256_maskz_loadu_epi8 (mask, p));
  __m512i v = _mm512_maskz_loadu_epi16 (mask, p);
  return samples == MM_SAMPLES_P010 ? _mm512_srli_epi16 (v, 6) : v;
}

__attribute__ ((target (AVX512)))
static inline __m512i
load32 (const guint8 * p, MmSamples samples)
{
  if (samples == MM_SAMPLES_U8)
    return _mm512_cvtepu8_epi16 (_mm256_loadu_si256 ((const __m256i *) p));
  __m512i v = _mm512_loadu_si512 (p);
  return samples == MM_SAMPLES_P010 ? _mm512_srli_epi16 (v, 6) : v;
}

/* AVX-512 row accumulation: 64 samples per step, the end of the row with
 * masked loads and stores */
__attribute__ ((target (AVX512)))
static inline void
vacc_avx512 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead, MmSamples samples)
{
  gint size = samples == MM_SAMPLES_U8 ? 1 : 2;
  __m512i wv = _mm512_set1_epi16 ((gint16) w);
  __m512i wnv = _mm512_set1_epi16 ((gint16) wn);
  gint x = 0;
  for (; x + 64 <= n; x += 64) {
    if (ahead) {
      _mm_prefetch ((const char *) row + (gsize) x * size + ahead,
          _MM_HINT_T0);
      if (size == 2)
        _mm_prefetch ((const char *) row + (gsize) x * size + ahead + 64,
            _MM_HINT_T0);
    }
    __m512i v0 = load32 (row + (gsize) x * size, samples);
    __m512i v1 = load32 (row + (gsize) (x + 32) * size, samples);
    if (next) {
      _mm512_storeu_si512 (next + x, _mm512_mullo_epi16 (v0, wnv));
      _mm512_storeu_si512 (next + x + 32, _mm512_mullo_epi16 (v1, wnv));
    }
    if (w != 1) {
      v0 = _mm512_mullo_epi16 (v0, wv);
      v1 = _mm512_mullo_epi16 (v1, wv);
    }
    if (!first) {
      v0 = _mm512_add_epi16 (v0, _mm512_loadu_si512 (acc + x));
      v1 = _mm512_add_epi16 (v1, _mm512_loadu_si512 (acc + x + 32));
    }
    _mm512_storeu_si512 (acc + x, v0);
    _mm512_storeu_si512 (acc + x + 32, v1);
  }
  for (; x < n; x += 32) {
    __mmask32 m = n - x >= 32 ? 0xffffffffu : (1u << (n - x)) - 1;
    __m512i v = load32_mask (row + (gsize) x * size, m, samples);
    if (next)
      _mm512_mask_storeu_epi16 (next + x, m, _mm512_mullo_epi16 (v, wnv));
    if (w != 1)
      v = _mm512_mullo_epi16 (v, wv);
    if (!first)
      v = _mm512_add_epi16 (v, _mm512_maskz_loadu_epi16 (m, acc + x));
    _mm512_mask_storeu_epi16 (acc + x, m, v);
  }
}

__attribute__ ((target (AVX512)))
static void
vacc_u8_avx512 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  vacc_avx512 (acc, next, row, w, wn, first, n, ahead, MM_SAMPLES_U8);
}

__attribute__ ((target (AVX512)))
static void
vacc_u16_avx512 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  vacc_avx512 (acc, next, row, w, wn, first, n, ahead, MM_SAMPLES_U16);
}

__attribute__ ((target (AVX512)))
static void
vacc_p010_avx512 (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  vacc_avx512 (acc, next, row, w, wn, first, n, ahead, MM_SAMPLES_P010);
}

/* AVX-512 horizontal sums, from gather patterns made once per geometry
 * (mm_hplan_new). Hand-written: each output reads its own window at an
 * offset of its own, a gather that ORC's lockstep array programs cannot
 * express. The patterns put 16 consecutive outputs in the 16 dword lanes
 * of a vector: pair slot p of lane j holds taps 2p and 2p+1 of output j's
 * window (from its first non-zero weight), picked by vpermi2w from 64
 * consecutive sums (a region, two loads) and merged lane by lane (write
 * masks) over the few regions the 16 windows span; one vpmaddwd with the
 * slot's weights (0, 1 or 2) and one add per slot. For 1080p into 224x224,
 * 16 luma outputs are 5 slots of 3 regions, 16 chroma outputs 3 slots of
 * 2: about 2 instructions per output against 5 to 6 for hsum_avx2's one
 * padded dot product per output (and its horizontal adds). Lanes that no
 * region writes keep their pattern index and weigh 0. */
#define HP_RMAX 8               /* regions per 16 outputs */
#define HP_SPAN 64              /* samples per region */

struct _MmHplan {
  gint n, n_groups, P;          /* outputs, groups of 16, pair slots */
  gint R;                       /* regions per group */
  gint32 *base;                 /* [group][R]: region starts */
  guint32 *mask;                /* [group][R]: word lanes */
  /* [group][P]: 32 indices into the regions, then 32 weights, a byte each
   * (a 64-byte line per slot): the patterns are read once per output row,
   * between rows of the frame streaming through the cache, and at 16 bits
   * they were twice as many lines to fetch again */
  guint8 *pat;
};

/* group sums of S sources (1 or 2: U and V) read with the same pattern,
 * sharing its loads */
__attribute__ ((target (AVX512), always_inline))
static inline void
hplan_group_r (const gint16 * const *acc, const gint32 * base,
    const guint32 * mask, const guint8 * pat, gint P, const gint R,
    const gint S, __m512i * out)
{
  __m512i lo[2][HP_RMAX], hi[2][HP_RMAX];
  __mmask32 m[HP_RMAX];
  for (gint r = 0; r < R; r++) {
    m[r] = mask[r];
    for (gint i = 0; i < S; i++) {
      lo[i][r] = _mm512_loadu_si512 (acc[i] + base[r]);
      hi[i][r] = _mm512_loadu_si512 (acc[i] + base[r] + 32);
    }
  }
  /* two sums per source, slots alternating (no index that is not
   * constant once unrolled: the compiler would keep them in memory) */
  __m512i s0[2], s1[2];
  for (gint i = 0; i < S; i++)
    s0[i] = s1[i] = _mm512_setzero_si512 ();
  gint p = 0;
  for (; p + 2 <= P; p += 2) {
    __m512i ix0 = _mm512_cvtepu8_epi16 (_mm256_load_si256 ((const __m256i *)
            (pat + 64 * p)));
    __m512i wv0 = _mm512_cvtepi8_epi16 (_mm256_load_si256 ((const __m256i *)
            (pat + 64 * p + 32)));
    __m512i ix1 = _mm512_cvtepu8_epi16 (_mm256_load_si256 ((const __m256i *)
            (pat + 64 * p + 64)));
    __m512i wv1 = _mm512_cvtepi8_epi16 (_mm256_load_si256 ((const __m256i *)
            (pat + 64 * p + 96)));
    for (gint i = 0; i < S; i++) {
      __m512i v0 = ix0, v1 = ix1;
      for (gint r = 0; r < R; r++) {
        v0 = _mm512_mask2_permutex2var_epi16 (lo[i][r], v0, m[r], hi[i][r]);
        v1 = _mm512_mask2_permutex2var_epi16 (lo[i][r], v1, m[r], hi[i][r]);
      }
      s0[i] = _mm512_add_epi32 (s0[i], _mm512_madd_epi16 (v0, wv0));
      s1[i] = _mm512_add_epi32 (s1[i], _mm512_madd_epi16 (v1, wv1));
    }
  }
  if (p < P) {
    __m512i ix = _mm512_cvtepu8_epi16 (_mm256_load_si256 ((const __m256i *)
            (pat + 64 * p)));
    __m512i wv = _mm512_cvtepi8_epi16 (_mm256_load_si256 ((const __m256i *)
            (pat + 64 * p + 32)));
    for (gint i = 0; i < S; i++) {
      __m512i v = ix;
      for (gint r = 0; r < R; r++)
        v = _mm512_mask2_permutex2var_epi16 (lo[i][r], v, m[r], hi[i][r]);
      s0[i] = _mm512_add_epi32 (s0[i], _mm512_madd_epi16 (v, wv));
    }
  }
  for (gint i = 0; i < S; i++)
    out[i] = _mm512_add_epi32 (s0[i], s1[i]);
}

/* all groups with R regions each (R constant: the loop unrolls over the
 * regions, and there is no branch per group) */
__attribute__ ((target (AVX512), always_inline))
static inline void
hplan_sums_r (const MmHplan * pl, const gint16 * const *acc,
    gint32 * const *out, gint g0, gint g1, const gint R, const gint S)
{
  for (gint g = g0; g < g1; g++) {
    __m512i v[2];
    hplan_group_r (acc, pl->base + (gsize) g * R, pl->mask + (gsize) g * R,
        pl->pat + (gsize) g * pl->P * 64, pl->P, R, S, v);
    gint left = pl->n - 16 * g;
    for (gint i = 0; i < S; i++) {
      if (left >= 16)
        _mm512_storeu_si512 (out[i] + 16 * g, v[i]);
      else
        _mm512_mask_storeu_epi32 (out[i] + 16 * g, (1u << left) - 1, v[i]);
    }
  }
}

#define HPLAN_SUMS(S) \
__attribute__ ((target (AVX512))) \
static void \
hplan_sums##S##_avx512 (const MmHplan * pl, const gint16 * const *acc, \
    gint32 * const *out, gint g0, gint g1) \
{ \
  switch (pl->R) { \
    case 1: hplan_sums_r (pl, acc, out, g0, g1, 1, S); break; \
    case 2: hplan_sums_r (pl, acc, out, g0, g1, 2, S); break; \
    case 3: hplan_sums_r (pl, acc, out, g0, g1, 3, S); break; \
    case 4: hplan_sums_r (pl, acc, out, g0, g1, 4, S); break; \
    case 5: hplan_sums_r (pl, acc, out, g0, g1, 5, S); break; \
    case 6: hplan_sums_r (pl, acc, out, g0, g1, 6, S); break; \
    default: hplan_sums_r (pl, acc, out, g0, g1, HP_RMAX, S); break; \
  } \
}
HPLAN_SUMS (1)
HPLAN_SUMS (2)

#endif

MmHplan *
mm_hplan_new (const gint32 * start, const gint16 * w, gint K, gint n)
{
#ifdef MM_HAVE_X86
  if (mm_preprocess_simd_level () != MM_SIMD_AVX512 || n < 1)
    return NULL;
  gint *a = g_new (gint, n), *b = g_new (gint, n);
  gint P = 1;
  gboolean ok = TRUE;
  for (gint o = 0; o < n; o++) {
    const gint16 *wo = w + (gsize) o * K;
    gint f = 0, l = K;
    while (f < K && wo[f] == 0)
      f++;
    while (l > f && wo[l - 1] == 0)
      l--;
    a[o] = start[o] + f;
    b[o] = start[o] + MAX (l, f);
    if (b[o] - a[o] > HP_SPAN)
      ok = FALSE;
    /* only the taps of non-zero weight take lanes: a component of
     * packed YUV or RGB has one in every 2, 3 or 4 samples */
    gint taps = 0;
    for (gint k = f; k < l; k++)
      taps += wo[k] != 0;
    P = MAX (P, (taps + 1) / 2);
  }
  MmHplan *pl = NULL;
  if (!ok)
    goto out;
  /* only where it does less than hsum_avx2: packed formats' components
   * (every second or fourth sample) span so many regions that it does not
   * (in instructions per 16 outputs, roughly: per slot the permutes, a
   * multiply-add and an add; per region two loads and a mask; against
   * per output one multiply-add and load per 16 weights and a share of
   * the reduction) */
  gint regions = 0;
  for (gint g = 0; g * 16 < n; g++) {
    gint r = 0, lo = 0;
    for (gint o = g * 16; o < MIN (n, g * 16 + 16); o++)
      if (o == g * 16 || a[o] < lo || b[o] > lo + HP_SPAN) {
        r++;
        lo = a[o];
      }
    regions = MAX (regions, r);
  }
  /* kernels are made for 1 to 6 regions and for HP_RMAX */
  if (regions > 6)
    regions = HP_RMAX;
  gint cost = P * (regions + 2) + 3 * regions + 4;
  gint cost_avx2 = 16 * (K == 8 ? 4 : 2 * K / 16 + 2);
  if (regions > HP_RMAX || cost >= cost_avx2)
    goto out;
  pl = g_new0 (MmHplan, 1);
  pl->n = n;
  pl->n_groups = (n + 15) / 16;
  pl->P = P;
  gint32 *bases = g_new0 (gint32, (gsize) pl->n_groups * HP_RMAX);
  guint32 *masks = g_new0 (guint32, (gsize) pl->n_groups * HP_RMAX);
  pl->pat = g_aligned_alloc0 ((gsize) pl->n_groups * P, 64, 64);
  for (gint g = 0; g < pl->n_groups && ok; g++) {
    gint32 *base = bases + (gsize) g * HP_RMAX;
    guint32 *mask = masks + (gsize) g * HP_RMAX;
    gint r = -1;
    for (gint j = 0; j < 16 && 16 * g + j < n; j++) {
      gint o = 16 * g + j;
      if (r < 0 || a[o] < base[r] || b[o] > base[r] + HP_SPAN) {
        if (++r == HP_RMAX) {
          ok = FALSE;
          break;
        }
        base[r] = a[o];
      }
      mask[r] |= 3u << (2 * j);
      /* tap i (of non-zero weight) into slot i / 2, lane 2j + i % 2 */
      gint i = 0;
      for (gint t = a[o]; t < b[o]; t++) {
        gint16 wt = w[(gsize) o * K + t - start[o]];
        if (!wt)
          continue;
        if (wt < -128 || wt > 127)
          ok = FALSE;
        guint8 *slot = pl->pat + ((gsize) g * P + i / 2) * 64;
        slot[2 * j + i % 2] = (guint8) (t - base[r]);
        slot[32 + 2 * j + i % 2] = (guint8) (gint8) wt;
        i++;
      }
    }
    pl->R = MAX (pl->R, r + 1);
  }
  /* every group as many regions (an empty one merges nothing): one
   * kernel per plan, no branch per group that the predictor misses (the
   * region count of 1080p luma windows into 224 varies between 2 and 3
   * irregularly) */
  /* kernels are made for 1 to 6 regions and for HP_RMAX */
  if (pl->R > 6)
    pl->R = HP_RMAX;
  pl->base = g_new0 (gint32, (gsize) pl->n_groups * MAX (pl->R, 1));
  pl->mask = g_new0 (guint32, (gsize) pl->n_groups * MAX (pl->R, 1));
  for (gint g = 0; g < pl->n_groups && ok; g++)
    for (gint r = 0; r < pl->R; r++) {
      gsize i = (gsize) g * HP_RMAX + r;
      pl->base[(gsize) g * pl->R + r] = masks[i] ? bases[i] :
          bases[(gsize) g * HP_RMAX];
      pl->mask[(gsize) g * pl->R + r] = masks[i];
    }
  g_free (bases);
  g_free (masks);
  if (!ok) {
    mm_hplan_free (pl);
    pl = NULL;
  }
out:
  g_free (a);
  g_free (b);
  return pl;
#else
  return NULL;
#endif
}

void
mm_hplan_free (MmHplan * pl)
{
  if (!pl)
    return;
  g_free (pl->base);
  g_free (pl->mask);
  g_aligned_free (pl->pat);
  g_free (pl);
}

void
mm_hplan_sums (const MmHplan * plan, const gint16 * acc, gint32 * out,
    gint x0, gint x1)
{
#ifdef MM_HAVE_X86
  hplan_sums1_avx512 (plan, &acc, &out, x0 / 16, (x1 + 15) / 16);
#endif
}

void
mm_hplan_sums2 (const MmHplan * plan, const gint16 * acc0,
    const gint16 * acc1, gint32 * out0, gint32 * out1, gint x0, gint x1)
{
#ifdef MM_HAVE_X86
  const gint16 *const acc[2] = { acc0, acc1 };
  gint32 *const out[2] = { out0, out1 };
  hplan_sums2_avx512 (plan, acc, out, x0 / 16, (x1 + 15) / 16);
#endif
}

/* Portable row accumulation: the ORC programs */
static void
vacc_u8_orc (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  if (first)
    mm_orc_vset_u8_w (acc, row, (gint16) w, n);
  else
    mm_orc_vsum_u8_add1w (acc, row, (gint16) w, n);
  if (next)
    mm_orc_vset_u8_w (next, row, (gint16) wn, n);
}

static void
vacc_u16_orc (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  if (first)
    mm_orc_vset_u16_w (acc, (const guint16 *) row, (gint16) w, n);
  else
    mm_orc_vsum_u16_add1w (acc, (const guint16 *) row, (gint16) w, n);
  if (next)
    mm_orc_vset_u16_w (next, (const guint16 *) row, (gint16) wn, n);
}

static void
vacc_p010_orc (gint16 * acc, gint16 * next, const guint8 * row, gint w,
    gint wn, gboolean first, gint n, gsize ahead)
{
  if (first)
    mm_orc_vset_p010_w (acc, (const guint16 *) row, (gint16) w, n);
  else
    mm_orc_vsum_p010_add1w (acc, (const guint16 *) row, (gint16) w, n);
  if (next)
    mm_orc_vset_p010_w (next, (const guint16 *) row, (gint16) wn, n);
}

static gboolean
cpu_has (MmSimd level)
{
#ifdef MM_HAVE_X86
  if (level == MM_SIMD_AVX2)
    return __builtin_cpu_supports ("avx2");
  if (level == MM_SIMD_AVX512)
    return __builtin_cpu_supports ("avx512f")
        && __builtin_cpu_supports ("avx512bw")
        && __builtin_cpu_supports ("avx512vl");
#endif
  return level == MM_SIMD_NONE;
}

MmSimd
mm_preprocess_simd_level (void)
{
  if (forced != MM_SIMD_AUTO)
    return forced;
  return cpu_has (MM_SIMD_AVX512) ? MM_SIMD_AVX512 : cpu_has (MM_SIMD_AVX2)
      ? MM_SIMD_AVX2 : MM_SIMD_NONE;
}

gboolean
mm_preprocess_force_simd (MmSimd level)
{
  if (level != MM_SIMD_AUTO && !cpu_has (level))
    return FALSE;
  forced = level;
  return TRUE;
}

MmHsumFunc
mm_hsum_func (void)
{
#ifdef MM_HAVE_X86
  /* AVX2 on AVX-512 CPUs too, where the patterns (mm_hplan_new) do not
   * take a component: an AVX-512 dot-product version, two windows per
   * vector (and four of 8), measured slower for the luma windows of 1080p
   * into 224x224 (0.048 against 0.034 ms per frame) and the same for
   * chroma */
  if (mm_preprocess_simd_level () != MM_SIMD_NONE)
    return hsum_avx2;
#endif
  return hsum_c;
}

MmVsumFunc
mm_vsum_func (MmSamples samples)
{
#ifdef MM_HAVE_X86
  if (mm_preprocess_simd_level () != MM_SIMD_NONE)
    return samples == MM_SAMPLES_U8 ? vsum_u8_avx2 :
        samples == MM_SAMPLES_U16 ? vsum_u16_avx2 : vsum_p010_avx2;
#endif
  return NULL;
}

MmVaccFunc
mm_vacc_func (MmSamples samples)
{
#ifdef MM_HAVE_X86
  switch (mm_preprocess_simd_level ()) {
    case MM_SIMD_AVX512:
      return samples == MM_SAMPLES_U8 ? vacc_u8_avx512 :
          samples == MM_SAMPLES_U16 ? vacc_u16_avx512 : vacc_p010_avx512;
    case MM_SIMD_AVX2:
      return samples == MM_SAMPLES_U8 ? vacc_u8_avx2 :
          samples == MM_SAMPLES_U16 ? vacc_u16_avx2 : vacc_p010_avx2;
    default:
      break;
  }
#endif
  return samples == MM_SAMPLES_U8 ? vacc_u8_orc :
      samples == MM_SAMPLES_U16 ? vacc_u16_orc : vacc_p010_orc;
}
