/* Depthwise 2-D convolution with AVX-512, straight from NCHW: 16 output
 * pixels of a row per vector, each tap one masked load (stride 1) or two
 * loads and a permute that picks the even or odd pixels (stride 2).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The phase-plane kernel (depthwise.c) copies each channel into padded
 * planes and makes several passes over it; on the small maps of a
 * network's late layers (7x7, 14x14) that fixed cost per channel is most
 * of the time. Here the padding is the load masks (lanes outside the
 * input read as zero and are never touched), so a channel costs only its
 * arithmetic: no copy, no scratch, bias in the accumulator's start value
 * and Relu, Clip or HardSwish applied before the store. Other
 * activations and a residual run through nn_epilogue_apply after.
 * Dilation 1 only, stride 1 or 2 along rows, kernels up to 16x16
 * (nn_depthwise_avx512_fits).
 */
#include "kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

gboolean
nn_depthwise_avx512_fits (const nn_depthwise * p)
{
  return nn_isa_get () == NN_ISA_AVX512 && p->dh == 1 && p->dw == 1
      && p->KH <= 16 && p->OW <= 4096
      && (((p->KW == 3 || p->KW == 5) && p->sw <= 2)
      || (p->KW == 7 && p->sw == 1));
}

gboolean
nn_depthwise_avx512_wins (const nn_depthwise * p)
{
  /* where it beats the phase planes (measured on Zen 5, mobilenet and
   * efficientnet shapes, fastest of 30 runs): 3x3 at stride 2 on every
   * map (56x56 out: 0.32 vs 0.34 ms, 28x28: 0.13 vs 0.16), 3x3 at stride
   * 1 up to 28x28 (2x faster at 7x7 and 14x14, even at 28x28), 5 and 7
   * wide up to 20x20; on larger maps at stride 1 the planes' long
   * contiguous streams win (56x56: 0.24 vs 0.31 ms) */
  if (p->KW == 3 && p->sw == 2)
    return TRUE;
  int64_t most = p->KW == 3 ? 28 * 28 : 20 * 20;
  return p->OH * p->OW <= most;
}

/* lanes i with 0 <= s + step*i < W, for i < 16 */
static inline __mmask16
valid_lanes (int64_t s, int64_t step, int64_t W)
{
  int64_t lo = s >= 0 ? 0 : (-s + step - 1) / step;
  int64_t hi = W - s > 0 ? (W - s + step - 1) / step : 0;
  lo = MIN (lo, 16);
  hi = CLAMP (hi, lo, 16);
  return (__mmask16) (((1u << hi) - 1) & ~((1u << lo) - 1));
}

/* one column strip of 16 output pixels (from ow) of a channel, all its
 * rows; m[] holds each tap column's load masks (two per tap at stride 2:
 * the loads at s and s + 16), so the inner loop is loads and FMAs only.
 * A fully masked load reads nothing; its address is kept in the row. */
__attribute__ ((target ("avx512f,fma"), always_inline))
static inline void
strip (const nn_depthwise * p, const float *xc, const __m512 * wv,
    __m512 b0, int64_t ow, const __mmask16 * m, int mode, __m512 lo,
    __m512 hi, float *yc, int64_t oh0, int64_t oh1, const int KW,
    const int SW)
{
  const __m512i even = _mm512_set_epi32 (30, 28, 26, 24, 22, 20, 18, 16,
      14, 12, 10, 8, 6, 4, 2, 0);
  const __m512 zero = _mm512_setzero_ps (), one = _mm512_set1_ps (1.0f);
  const __m512 sixth = _mm512_set1_ps (1.0f / 6.0f);
  const __m512 half = _mm512_set1_ps (0.5f);
  const int64_t KH = p->KH, OW = p->OW, H = p->H, W = p->W;
  /* the zero-masking forms of max and min: GCC 12 warns about the
   * undefined pass-through operand of the plain ones */
  const __mmask16 all = 0xffff;
  int64_t s0 = ow * SW - p->pw;
  __mmask16 out = (__mmask16) ((1u << MIN (16, OW - ow)) - 1);
  for (int64_t oh = oh0; oh < oh1; oh++) {
    int64_t ih0 = oh * p->sh - p->ph;
    int64_t kh0 = MAX (0, -ih0), kh1 = MIN (KH, H - ih0);
    __m512 acc = b0;
    for (int64_t kh = kh0; kh < kh1; kh++) {
      const float *row = xc + (ih0 + kh) * W;
      const __m512 *wr = wv + kh * KW;
#pragma GCC unroll 16
      for (int kw = 0; kw < KW; kw++) {
        int64_t s = s0 + kw;
        __m512 v;
        if (SW == 1) {
          v = _mm512_maskz_loadu_ps (m[kw], row + (m[kw] ? s : 0));
        } else {
          __m512 a = _mm512_maskz_loadu_ps (m[2 * kw],
              row + (m[2 * kw] ? s : 0));
          __m512 b = _mm512_maskz_loadu_ps (m[2 * kw + 1],
              row + (m[2 * kw + 1] ? s + 16 : 0));
          v = _mm512_permutex2var_ps (a, even, b);
        }
        acc = _mm512_fmadd_ps (wr[kw], v, acc);
      }
    }
    if (mode == 1)
      acc = _mm512_maskz_max_ps (all, acc, zero);
    else if (mode == 2)
      acc = _mm512_maskz_min_ps (all, _mm512_maskz_max_ps (all, acc, lo), hi);
    else if (mode == 3)
      acc = _mm512_mul_ps (acc, _mm512_maskz_min_ps (all,
              _mm512_maskz_max_ps (all, _mm512_fmadd_ps (acc, sixth, half),
                  zero), one));
    _mm512_mask_storeu_ps (yc + oh * OW + ow, out, acc);
  }
}

__attribute__ ((target ("avx512f,fma")))
void
nn_depthwise_avx512_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y)
{
  const int64_t KH = p->KH, KW = p->KW, OH = p->OH, OW = p->OW;
  const int64_t H = p->H, W = p->W, sw = p->sw;
  nn_activation act = e ? e->act : NN_ACT_NONE;
  int mode = nn_depthwise_register_act (e, res);
  __m512 lo = _mm512_set1_ps (act == NN_ACT_CLIP ? e->alpha : 0.0f);
  __m512 hi = _mm512_set1_ps (act == NN_ACT_CLIP ? e->beta : 0.0f);
  __m512 wv[16 * 16];           /* a channel's taps, broadcast */
  /* each strip's load masks (the same for every row and channel), made
   * once; rows in blocks of 8 with the strips inside, so the input rows
   * of a block stay in L1 on large maps */
  int64_t nstrips = (OW + 15) / 16;
  __mmask16 *masks = g_newa (__mmask16, nstrips * 2 * KW);
  for (int64_t q = 0; q < nstrips; q++) {
    int64_t s0 = q * 16 * sw - p->pw;
    __mmask16 *m = masks + q * 2 * KW;
    for (int64_t kw = 0; kw < KW; kw++) {
      if (sw == 1) {
        m[kw] = valid_lanes (s0 + kw, 1, W);
      } else {
        m[2 * kw] = valid_lanes (s0 + kw, 1, W);
        m[2 * kw + 1] = valid_lanes (s0 + kw + 16, 1, W);
      }
    }
  }
  int md = mode < 0 ? 0 : mode;
  for (int64_t c = c0; c < c1; c++) {
    const float *xc = x + c * H * W, *wc = w + c * KH * KW;
    float *yc = y + c * OH * OW;
    for (int64_t t = 0; t < KH * KW; t++)
      wv[t] = _mm512_set1_ps (wc[t]);
    __m512 b0 = _mm512_set1_ps (bias ? bias[c] : 0.0f);
    for (int64_t oh0 = 0; oh0 < OH; oh0 += 8) {
      int64_t oh1 = MIN (OH, oh0 + 8);
      for (int64_t q = 0; q < nstrips; q++) {
        const __mmask16 *m = masks + q * 2 * KW;
        int64_t ow = q * 16;
        if (KW == 3 && sw == 1)
          strip (p, xc, wv, b0, ow, m, md, lo, hi, yc, oh0, oh1, 3, 1);
        else if (KW == 3)
          strip (p, xc, wv, b0, ow, m, md, lo, hi, yc, oh0, oh1, 3, 2);
        else if (KW == 5 && sw == 1)
          strip (p, xc, wv, b0, ow, m, md, lo, hi, yc, oh0, oh1, 5, 1);
        else if (KW == 5)
          strip (p, xc, wv, b0, ow, m, md, lo, hi, yc, oh0, oh1, 5, 2);
        else                    /* 7 wide, stride 1 (see _fits) */
          strip (p, xc, wv, b0, ow, m, md, lo, hi, yc, oh0, oh1, 7, 1);
      }
    }
    if (mode < 0)
      nn_epilogue_apply (e, yc, OH * OW, 0.0f, NULL,
          res ? res + c * OH * OW : NULL);
  }
}

#else

gboolean
nn_depthwise_avx512_fits (const nn_depthwise * p)
{
  return FALSE;
}

gboolean
nn_depthwise_avx512_wins (const nn_depthwise * p)
{
  return FALSE;
}

void
nn_depthwise_avx512_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y)
{
}

#endif
