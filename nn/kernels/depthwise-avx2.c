/* Depthwise 2-D convolution with AVX2 and FMA, straight from NCHW: the
 * AVX-512 kernel's scheme (depthwise-avx512.c) on 8-lane vectors.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 8 output pixels of a row per vector. AVX2 has no mask registers and
 * its masked loads and stores (vmaskmovps) are slow on AMD, so each
 * channel is first copied into a zero-padded plane in the worker's
 * scratch (zeroed once per call, the interior rewritten per channel; an
 * L2-sized copy, cheap beside the taps): every tap is then a plain load,
 * with no edge cases and a fixed number of kernel rows. At stride 2 the
 * copy also splits even and odd columns, so the taps need no shuffles. Bias is the
 * accumulator's start value; Relu, Clip and HardSwish are applied before
 * the store, other activations and a residual by nn_epilogue_apply after.
 * Dilation 1, stride 1 or 2 along rows, kernels up to 16x16, as the
 * AVX-512 kernel (nn_depthwise_avx2_fits).
 */
#include "kernels.h"
#include "avx2-lanes.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* every shape it takes: it measured faster than the phase planes on each
 * of mobilenet_v2's and efficientnet_b0's layers (docs/kernels.md) */
gboolean
nn_depthwise_avx2_fits (const nn_depthwise * p)
{
  return nn_isa_get () == NN_ISA_AVX2 && p->dh == 1 && p->dw == 1
      && p->KH <= 16 && p->OW <= 4096
      && (((p->KW == 3 || p->KW == 5) && p->sw <= 2)
      || (p->KW == 7 && p->sw == 1));
}

/* the padded plane of one channel: rows and columns as the taps read
 * them, zeros around the input. At stride 2 along rows each plane row is
 * two half rows, the even padded columns then the odd ones (Wh apart),
 * so that every tap reads 8 consecutive floats: tap kw of output column
 * o reads padded column 2o + kw, half kw % 2 at o + kw / 2. */
typedef struct {
  int64_t Hp, Wp;               /* rows, row length */
  int64_t Wh;                   /* stride 2: the half row's length */
} plane_shape;

static plane_shape
plane_of (const nn_depthwise * p)
{
  int64_t nstrips = (p->OW + 7) / 8;
  plane_shape s = { 0 };
  s.Hp = (p->OH - 1) * p->sh + p->KH;
  if (p->sw == 1) {
    /* the last strip's last tap reads 8 pixels from (nstrips - 1) 8 +
     * KW - 1 */
    s.Wp = MAX (p->pw + p->W + 8, (nstrips - 1) * 8 + p->KW - 1 + 8);
    s.Wp = (s.Wp + 7) / 8 * 8;
  } else {
    s.Wh = MAX ((p->pw + p->W + 1) / 2 + 8, nstrips * 8 + (p->KW - 1) / 2);
    s.Wh = (s.Wh + 7) / 8 * 8;
    s.Wp = 2 * s.Wh;
  }
  return s;
}

size_t
nn_depthwise_avx2_scratch (const nn_depthwise * p)
{
  plane_shape s = plane_of (p);
  return (size_t) (s.Hp * s.Wp) * sizeof (float);
}

/* the first n (< 16) of 16 floats from src, the rest zero (vmaskmovps
 * loads are fast enough: only its stores are slow on AMD) */
__attribute__ ((target ("avx2")))
static inline void
load_few (const float *src, int64_t n, __m256 * a, __m256 * b)
{
  __m256i m0, m1;
  nn_avx2_first_lanes (n, &m0, &m1);
  nn_avx2_load_first (src, n, m0, m1, a, b);
}

/* the input rows of one channel into the plane's interior; the border
 * stays as the caller zeroed it once for all its channels (a channel's
 * copy is then a few vector moves per row, not three library calls). A
 * row's last few floats go through masked loads whose empty lanes are
 * stored as zeros into the border: plane rows have 8 floats of room
 * beyond the input (plane_of). */
__attribute__ ((target ("avx2")))
static void
fill_plane (const nn_depthwise * p, plane_shape s, const float *xc,
    float *plane)
{
  const int64_t W = p->W;
  /* the last input rows are never read when the row stride skips them */
  int64_t rows = MIN (p->H, s.Hp - p->ph);
  __m256 a, b, e, o;
  for (int64_t ih = 0; ih < rows; ih++) {
    const float *src = xc + ih * W;
    float *row = plane + (ih + p->ph) * s.Wp;
    if (p->sw == 1) {
      float *dst = row + p->pw;
      int64_t i = 0;
      for (; i + 8 <= W; i += 8)
        _mm256_storeu_ps (dst + i, _mm256_loadu_ps (src + i));
      if (i < W) {
        load_few (src + i, W - i, &a, &b);
        _mm256_storeu_ps (dst + i, a);
      }
      continue;
    }
    /* input column 2m has padded column 2m + pw: half pw % 2 at
     * m + pw / 2; column 2m + 1 the other half at m + (pw + 1) / 2 */
    float *ev = row + (p->pw & 1) * s.Wh + p->pw / 2;
    float *od = row + ((p->pw + 1) & 1) * s.Wh + (p->pw + 1) / 2;
    int64_t m = 0;
    for (; 2 * m + 16 <= W; m += 8) {
      nn_avx2_deinterleave (_mm256_loadu_ps (src + 2 * m), _mm256_loadu_ps (src
              + 2 * m + 8), &e, &o);
      _mm256_storeu_ps (ev + m, e);
      _mm256_storeu_ps (od + m, o);
    }
    if (2 * m < W) {
      load_few (src + 2 * m, W - 2 * m, &a, &b);
      nn_avx2_deinterleave (a, b, &e, &o);
      _mm256_storeu_ps (ev + m, e);
      _mm256_storeu_ps (od + m, o);
    }
  }
}

/* 8 pixels for tap kw from a plane row (stride SW along rows) */
__attribute__ ((target ("avx2"), always_inline))
static inline __m256
pixels (const float *row, int64_t Wh, int kw, const int SW)
{
  if (SW == 1)
    return _mm256_loadu_ps (row + kw);
  return _mm256_loadu_ps (row + (kw & 1) * Wh + kw / 2);
}

/* the activation of mode (1 Relu, 2 Clip, 3 HardSwish) on v */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline __m256
activate (__m256 v, int mode, __m256 lo, __m256 hi)
{
  const __m256 zero = _mm256_setzero_ps (), one = _mm256_set1_ps (1.0f);
  if (mode == 1)
    return _mm256_max_ps (v, zero);
  if (mode == 2)
    return _mm256_min_ps (_mm256_max_ps (v, lo), hi);
  if (mode == 3)
    return _mm256_mul_ps (v, _mm256_min_ps (_mm256_max_ps (_mm256_fmadd_ps
                (v, _mm256_set1_ps (1.0f / 6.0f), _mm256_set1_ps (0.5f)),
                zero), one));
  return v;
}

/* n (at most 8) output pixels to dst */
__attribute__ ((target ("avx2"), always_inline))
static inline void
store_pixels (float *dst, __m256 v, int64_t n)
{
  if (n == 8) {
    _mm256_storeu_ps (dst, v);
    return;
  }
  /* vmaskmovps stores are slow on AMD: 4, 2 and 1 lanes instead */
  __m128 q = _mm256_castps256_ps128 (v);
  if (n >= 4) {
    _mm_storeu_ps (dst, q);
    q = _mm256_extractf128_ps (v, 1);
    dst += 4;
    n -= 4;
  }
  if (n >= 2) {
    _mm_storel_pi ((__m64 *) dst, q);
    q = _mm_movehl_ps (q, q);
    dst += 2;
    n -= 2;
  }
  if (n >= 1)
    _mm_store_ss (dst, q);
}

/* any kernel height and row stride (not unrolled), one row at a time */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
strip_any (const nn_depthwise * p, plane_shape ps, const float *plane,
    const __m256 * wv, __m256 b0, int64_t ow, int mode, __m256 lo,
    __m256 hi, float *yc, int64_t oh0, int64_t oh1, const int KW,
    const int SW)
{
  const int64_t OW = p->OW, Wp = ps.Wp, Wh = ps.Wh;
  int64_t n = MIN (8, OW - ow);
  for (int64_t oh = oh0; oh < oh1; oh++) {
    const float *r0 = plane + oh * p->sh * Wp + ow;
    __m256 acc[2] = { b0, _mm256_setzero_ps () };
    for (int64_t kh = 0; kh < p->KH; kh++)
#pragma GCC unroll 8
      for (int kw = 0; kw < KW; kw++)
        acc[kh & 1] = _mm256_fmadd_ps (wv[kh * KW + kw],
            pixels (r0 + kh * Wp, Wh, kw, SW), acc[kh & 1]);
    store_pixels (yc + oh * OW + ow, activate (_mm256_add_ps (acc[0],
                acc[1]), mode, lo, hi), n);
  }
}

/* one column strip of 8 output pixels (from ow) of a channel, rows
 * [oh0, oh1), from the padded plane. Output rows go R at a time, each
 * with its own accumulator: R chains of dependent FMAs instead of one,
 * and each input row's pixels, loaded once, feed every output row that
 * reads them (stride SH along rows). */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
strip (const nn_depthwise * p, plane_shape ps, const float *plane,
    const __m256 * wv, __m256 b0, int64_t ow, int mode, __m256 lo,
    __m256 hi, float *yc, int64_t oh0, int64_t oh1, const int KH,
    const int KW, const int SW, const int SH)
{
  enum { R = 4 };
  const int64_t OW = p->OW, Wp = ps.Wp, Wh = ps.Wh;
  int64_t n = MIN (8, OW - ow);
  int64_t oh = oh0;
  for (; oh + R <= oh1; oh += R) {
    const float *r0 = plane + oh * SH * Wp + ow;
    __m256 acc[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
      acc[r] = b0;
#pragma GCC unroll 16
    for (int ih = 0; ih < (R - 1) * SH + KH; ih++) {
      const float *row = r0 + ih * Wp;
#pragma GCC unroll 8
      for (int kw = 0; kw < KW; kw++) {
        __m256 v = pixels (row, Wh, kw, SW);
#pragma GCC unroll 4
        for (int r = 0; r < R; r++) {
          int kh = ih - r * SH;
          if (kh >= 0 && kh < KH)
            acc[r] = _mm256_fmadd_ps (wv[kh * KW + kw], v, acc[r]);
        }
      }
    }
#pragma GCC unroll 4
    for (int r = 0; r < R; r++)
      store_pixels (yc + (oh + r) * OW + ow, activate (acc[r], mode, lo, hi),
          n);
  }
  /* the rows left over, one at a time */
  strip_any (p, ps, plane, wv, b0, ow, mode, lo, hi, yc, oh, oh1, KW, SW);
}

/* the strip for a square kernel K x K at stride S both ways, or for
 * any height and row stride */
#define STRIP(K, S) \
  (fast ? strip (p, ps, plane, wv, b0, ow, md, lo, hi, yc, oh0, oh1, K, K, \
      S, S) : strip_any (p, ps, plane, wv, b0, ow, md, lo, hi, yc, oh0, \
      oh1, K, S))

__attribute__ ((target ("avx2,fma")))
void
nn_depthwise_avx2_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch)
{
  const int64_t KH = p->KH, KW = p->KW, OH = p->OH, OW = p->OW;
  const int64_t H = p->H, W = p->W, sw = p->sw;
  nn_activation act = e ? e->act : NN_ACT_NONE;
  int mode = nn_depthwise_register_act (e, res);
  __m256 lo = _mm256_set1_ps (act == NN_ACT_CLIP ? e->alpha : 0.0f);
  __m256 hi = _mm256_set1_ps (act == NN_ACT_CLIP ? e->beta : 0.0f);
  __m256 wv[16 * 16];           /* a channel's taps, broadcast */
  plane_shape ps = plane_of (p);
  float *plane = scratch;
  memset (plane, 0, (size_t) (ps.Hp * ps.Wp) * sizeof (float));
  int64_t nstrips = (OW + 7) / 8;
  int md = mode < 0 ? 0 : mode;
  gboolean fast = KH == KW && p->sh == sw;
  for (int64_t c = c0; c < c1; c++) {
    const float *wc = w + c * KH * KW;
    float *yc = y + c * OH * OW;
    fill_plane (p, ps, x + c * H * W, plane);
    for (int64_t t = 0; t < KH * KW; t++)
      wv[t] = _mm256_set1_ps (wc[t]);
    __m256 b0 = _mm256_set1_ps (bias ? bias[c] : 0.0f);
    /* rows in blocks of 8 with the strips inside, so the plane rows of a
     * block stay in L1 on large maps */
    for (int64_t oh0 = 0; oh0 < OH; oh0 += 8) {
      int64_t oh1 = MIN (OH, oh0 + 8);
      for (int64_t q = 0; q < nstrips; q++) {
        int64_t ow = q * 8;
        if (KW == 3 && sw == 1)
          STRIP (3, 1);
        else if (KW == 3)
          STRIP (3, 2);
        else if (KW == 5 && sw == 1)
          STRIP (5, 1);
        else if (KW == 5)
          STRIP (5, 2);
        else                    /* 7 wide, stride 1 (see _fits) */
          STRIP (7, 1);
      }
    }
    if (mode < 0)
      nn_epilogue_apply (e, yc, OH * OW, 0.0f, NULL,
          res ? res + c * OH * OW : NULL);
  }
}

#else

gboolean
nn_depthwise_avx2_fits (const nn_depthwise * p)
{
  return FALSE;
}

size_t
nn_depthwise_avx2_scratch (const nn_depthwise * p)
{
  return 0;
}

void
nn_depthwise_avx2_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch)
{
}

#endif
