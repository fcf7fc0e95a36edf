/* Depthwise convolution with channels in the lanes (eight with AVX2,
 * sixteen with AVX-512), for the small maps deep in a network.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * depthwise-avx2.c puts a row's pixels in the lanes: on a 7x7 map a row
 * fills 7 of 8 lanes once, and each channel pays its own plane copy, tap
 * broadcasts and epilogue call for 49 outputs (1152 channels 5x5 on 7x7:
 * about 210 us, where onnxruntime's NCHWc kernel takes 95). Here a block
 * of eight channels is turned once into a padded [row][column][8] block
 * in the worker's scratch; every tap is then one load of eight weights
 * and one multiply-add per output pixel, seven pixels of a row in
 * registers at a time; the outputs go back to NCHW through an [pixel][8]
 * block, and the epilogue runs per channel while it is in L1.
 *
 * With AVX-512 the block holds sixteen channels ([row][column][16]) and
 * the taps run on 16 lanes; the way in and out is the same 8x8
 * transposes, once per half. The AVX-512 row kernel (depthwise-avx512.c)
 * has the same problem as the AVX2 one there: on efficientnet_b0 on Zen 5
 * its 5x5 layers on 7x7 maps took 167 us each against onnxruntime's 51. */
#include "kernels.h"
#include "avx2-lanes.h"

#include <math.h>
#include <string.h>

/* the padded block's rows and columns */
static void
block_shape (const nn_depthwise * p, int64_t * Hp, int64_t * Wp)
{
  *Hp = (p->OH - 1) * p->sh + (p->KH - 1) * p->dh + 1;
  *Wp = (p->OW - 1) * p->sw + (p->KW - 1) * p->dw + 1;
}

gboolean
nn_depthwise_lanes_fits (const nn_depthwise * p)
{
  int64_t Hp, Wp;
  block_shape (p, &Hp, &Wp);
  /* the padded block of one group of channels at most 4096 pixels
   * (256 KiB with AVX-512: L2) */
  if (p->KH > 7 || p->KW > 7 || Hp * Wp > 4096)
    return FALSE;
  /* with AVX-512, every such layer: against depthwise-avx512.c (a row
   * of pixels in the lanes), per layer in the models on Zen 5, fastest
   * of 5 alternating rounds: 7x7 maps 0.34-0.45x, 14x14 0.49-0.84x,
   * 28x28 0.49-0.70x (3x3 at stride 1 included), 56x56 3x3 0.83x and
   * convnext_tiny's 7x7 0.52x */
  if (nn_isa_get () == NN_ISA_AVX512)
    return TRUE;
  /* with AVX2 alone, where it measured faster than depthwise-avx2.c,
   * single layers in alternating runs: every map up to 14x14 (7x7:
   * 0.57-0.77x, 14x14: 0.52-0.67x, 5x5 and stride 2 alike), and 28x28
   * outputs of 5x5 or strided layers (0.84x, 0.90x); 28x28 at 3x3
   * stride 1 and 56x56 stay with a row of pixels in the lanes (1.26x,
   * 1.40x here) */
  int64_t px = p->OH * p->OW;
  gboolean heavy = p->KH * p->KW >= 25 || p->sh > 1 || p->sw > 1;
  return nn_isa_get () == NN_ISA_AVX2 && (px <= 196 || (px <= 784
          && heavy));
}

/* channels a block holds: the vector width */
static int64_t
block_lanes (void)
{
  return nn_isa_get () == NN_ISA_AVX512 ? 16 : 8;
}

size_t
nn_depthwise_lanes_scratch (const nn_depthwise * p)
{
  int64_t Hp, Wp;
  block_shape (p, &Hp, &Wp);
  return (size_t) ((Hp * Wp + p->OH * p->OW + p->KH * p->KW)
      * block_lanes ()) * sizeof (float) + 64;
}

/* zeros in an [Hp][Wp][L] block outside rows [r0, r1) x columns
 * [c0, c1), the part the input is copied into: the whole block was
 * zeroed for every group of channels before, 215 KiB a group on a 56x56
 * map */
static void
zero_border (float *xp, int64_t Hp, int64_t Wp, int64_t L, int64_t r0,
    int64_t r1, int64_t c0, int64_t c1)
{
  memset (xp, 0, (size_t) (r0 * Wp * L) * sizeof (float));
  memset (xp + r1 * Wp * L, 0, (size_t) ((Hp - r1) * Wp * L)
      * sizeof (float));
  for (int64_t r = r0; r < r1; r++) {
    memset (xp + r * Wp * L, 0, (size_t) (c0 * L) * sizeof (float));
    memset (xp + (r * Wp + c1) * L, 0, (size_t) ((Wp - c1) * L)
        * sizeof (float));
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* the activations a block applies in registers (mode of
 * nn_depthwise_register_act): clamps, and HardSwish */
typedef struct
{
  int mode;
  float lo, hi;
} lanes_act;

/* ROWS output pixels of one row, from column ow0, eight channels:
 * accumulators start at the bias, every tap adds weight times its input
 * for each pixel */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
row_pixels8 (const nn_depthwise * p, const float *xp, int64_t Wp,
    const float *wl, __m256 b, int64_t oh, int64_t ow0, float *ob,
    const lanes_act * a, const int ROWS)
{
  __m256 acc[7];
#pragma GCC unroll 7
  for (int i = 0; i < ROWS; i++)
    acc[i] = b;
  for (int64_t kh = 0; kh < p->KH; kh++) {
    const float *row = xp + (oh * p->sh + kh * p->dh) * Wp * 8;
    for (int64_t kw = 0; kw < p->KW; kw++) {
      __m256 wv = _mm256_load_ps (wl + (kh * p->KW + kw) * 8);
      const float *px = row + (ow0 * p->sw + kw * p->dw) * 8;
#pragma GCC unroll 7
      for (int i = 0; i < ROWS; i++)
        acc[i] = _mm256_fmadd_ps (wv, _mm256_load_ps (px + i * p->sw * 8),
            acc[i]);
    }
  }
  const __m256 lo = _mm256_set1_ps (a->lo), hi = _mm256_set1_ps (a->hi);
#pragma GCC unroll 7
  for (int i = 0; i < ROWS; i++) {
    __m256 v = acc[i];
    if (a->mode == 1 || a->mode == 2)
      v = _mm256_min_ps (_mm256_max_ps (v, lo), hi);
    else if (a->mode == 3)
      v = _mm256_mul_ps (v, _mm256_min_ps (_mm256_max_ps (_mm256_fmadd_ps (v,
                      _mm256_set1_ps (1.0f / 6.0f), _mm256_set1_ps (0.5f)),
                  _mm256_setzero_ps ()), _mm256_set1_ps (1.0f)));
    _mm256_store_ps (ob + (oh * p->OW + ow0 + i) * 8, v);
  }
}

/* every output pixel of a block of eight channels, into ob [pixel][8] */
__attribute__ ((target ("avx2,fma")))
static void
block_taps8 (const nn_depthwise * p, const float *xp, int64_t Wp,
    const float *wl, const float *bl, float *ob, const lanes_act * a)
{
  __m256 b = _mm256_load_ps (bl);
  for (int64_t oh = 0; oh < p->OH; oh++)
    for (int64_t ow0 = 0; ow0 < p->OW; ow0 += 7) {
      switch (MIN (7, p->OW - ow0)) {
        case 7: row_pixels8 (p, xp, Wp, wl, b, oh, ow0, ob, a, 7); break;
        case 6: row_pixels8 (p, xp, Wp, wl, b, oh, ow0, ob, a, 6); break;
        case 5: row_pixels8 (p, xp, Wp, wl, b, oh, ow0, ob, a, 5); break;
        case 4: row_pixels8 (p, xp, Wp, wl, b, oh, ow0, ob, a, 4); break;
        case 3: row_pixels8 (p, xp, Wp, wl, b, oh, ow0, ob, a, 3); break;
        case 2: row_pixels8 (p, xp, Wp, wl, b, oh, ow0, ob, a, 2); break;
        default: row_pixels8 (p, xp, Wp, wl, b, oh, ow0, ob, a, 1); break;
      }
    }
}

/* the same on sixteen channels: ROWS pixels of a row (up to 14, half of
 * the 32 registers) */
__attribute__ ((target ("avx512f,fma"), always_inline))
static inline void
row_pixels16 (const nn_depthwise * p, const float *xp, int64_t Wp,
    const float *wl, __m512 b, int64_t oh, int64_t ow0, float *ob,
    const lanes_act * a, const int ROWS)
{
  __m512 acc[14];
#pragma GCC unroll 14
  for (int i = 0; i < ROWS; i++)
    acc[i] = b;
  for (int64_t kh = 0; kh < p->KH; kh++) {
    const float *row = xp + (oh * p->sh + kh * p->dh) * Wp * 16;
    for (int64_t kw = 0; kw < p->KW; kw++) {
      __m512 wv = _mm512_load_ps (wl + (kh * p->KW + kw) * 16);
      const float *px = row + (ow0 * p->sw + kw * p->dw) * 16;
#pragma GCC unroll 14
      for (int i = 0; i < ROWS; i++)
        acc[i] = _mm512_fmadd_ps (wv, _mm512_load_ps (px + i * p->sw * 16),
            acc[i]);
    }
  }
  const __m512 lo = _mm512_set1_ps (a->lo), hi = _mm512_set1_ps (a->hi);
  const __mmask16 all = 0xffff;   /* zero-masking forms: see below */
#pragma GCC unroll 14
  for (int i = 0; i < ROWS; i++) {
    __m512 v = acc[i];
    /* GCC 12 warns about the undefined pass-through operand of the plain
     * max and min, so their zero-masking forms */
    if (a->mode == 1 || a->mode == 2)
      v = _mm512_maskz_min_ps (all, _mm512_maskz_max_ps (all, v, lo), hi);
    else if (a->mode == 3)
      v = _mm512_mul_ps (v, _mm512_maskz_min_ps (all, _mm512_maskz_max_ps
              (all, _mm512_fmadd_ps (v, _mm512_set1_ps (1.0f / 6.0f),
                      _mm512_set1_ps (0.5f)), _mm512_setzero_ps ()),
              _mm512_set1_ps (1.0f)));
    _mm512_store_ps (ob + (oh * p->OW + ow0 + i) * 16, v);
  }
}

__attribute__ ((target ("avx512f,fma")))
static void
block_taps16 (const nn_depthwise * p, const float *xp, int64_t Wp,
    const float *wl, const float *bl, float *ob, const lanes_act * a)
{
  __m512 b = _mm512_load_ps (bl);
  /* a 14-wide map in one pass of 14, a 7-wide in one of 7, wider maps in
   * 14s then the rest */
  for (int64_t oh = 0; oh < p->OH; oh++)
    for (int64_t ow0 = 0; ow0 < p->OW;) {
      int64_t n = MIN (14, p->OW - ow0);
      switch (n) {
        case 14: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 14); break;
        case 13: case 12: case 11: case 10: case 9: case 8:
          n = 7;
          /* fall through */
        case 7: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 7); break;
        case 6: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 6); break;
        case 5: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 5); break;
        case 4: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 4); break;
        case 3: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 3); break;
        case 2: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 2); break;
        default: row_pixels16 (p, xp, Wp, wl, b, oh, ow0, ob, a, 1); break;
      }
      ow0 += n;
    }
}

__attribute__ ((target ("avx2,fma")))
void
nn_depthwise_lanes_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch)
{
  const int64_t H = p->H, W = p->W, OH = p->OH, OW = p->OW;
  const int64_t taps = p->KH * p->KW, L = block_lanes ();
  int64_t Hp, Wp;
  block_shape (p, &Hp, &Wp);
  /* 64-byte aligned: the padded block, the output block, the weights,
   * the bias */
  float *xp = (float *) (((uintptr_t) scratch + 63) & ~(uintptr_t) 63);
  float *ob = xp + Hp * Wp * L, *wl = ob + OH * OW * L;
  float bl[16] __attribute__ ((aligned (64)));
  /* the activation: in registers (mode 1-3), over the whole output block
   * at once (no residual), or per channel after the residual */
  nn_activation act = e ? e->act : NN_ACT_NONE;
  lanes_act a = {.mode = nn_depthwise_register_act (e, res),
    .lo = act == NN_ACT_CLIP ? e->alpha : 0.0f,
    .hi = act == NN_ACT_CLIP ? e->beta : INFINITY
  };
  gboolean block_act = a.mode < 0 && !res;
  for (int64_t cb = c0; cb < c1; cb += L) {
    int64_t nc = MIN (L, c1 - cb);
    /* the block: zeros where the padding is, then each channel's pixels
     * into its lane, eight channels (a half of a 16-lane block) at a
     * time */
    int64_t wn = MIN (W, Wp - p->pw);  /* input columns the taps read */
    zero_border (xp, Hp, Wp, L, MIN (p->ph, Hp), MIN (p->ph + H, Hp),
        MIN (p->pw, Wp), MIN (p->pw + MAX (wn, 0), Wp));
    for (int64_t ih = 0; ih < H && ih + p->ph < Hp; ih++)
      for (int64_t iw0 = 0; iw0 < wn; iw0 += 8) {
        /* eight columns of eight channels' row, transposed */
        int64_t nv = MIN (8, wn - iw0);
        __m256i m0, m1;
        nn_avx2_first_lanes (nv, &m0, &m1);
        float *dst = xp + ((ih + p->ph) * Wp + p->pw + iw0) * L;
        for (int64_t h = 0; h < nc; h += 8) {
          __m256 r[8];
          for (int64_t j = 0; j < 8; j++)
            r[j] = h + j < nc ? _mm256_maskload_ps (x + ((cb + h + j) * H
                    + ih) * W + iw0, m0) : _mm256_setzero_ps ();
          nn_avx2_transpose8 (r);
          for (int64_t q = 0; q < nv; q++)
            _mm256_store_ps (dst + q * L + h, r[q]);
        }
      }
    for (int64_t t = 0; t < taps; t++)
      for (int64_t j = 0; j < L; j++)
        wl[t * L + j] = j < nc ? w[(cb + j) * taps + t] : 0.0f;
    for (int64_t j = 0; j < L; j++)
      bl[j] = j < nc && bias ? bias[cb + j] : 0.0f;
    if (L == 16)
      block_taps16 (p, xp, Wp, wl, bl, ob, &a);
    else
      block_taps8 (p, xp, Wp, wl, bl, ob, &a);
    if (block_act)
      nn_activation_apply (e->act, e->alpha, e->beta, ob, ob, OH * OW * L);
    /* back to NCHW (and the residual, then its activation, per channel) */
    for (int64_t o0 = 0; o0 < OH * OW; o0 += 8)
      for (int64_t h = 0; h < nc; h += 8) {
        /* eight pixels of eight channels, transposed into each channel's
         * run (a short last run through a buffer: masked stores are slow
         * on AMD) */
        int64_t nv = MIN (8, OH * OW - o0);
        __m256 r[8];
        for (int64_t q = 0; q < 8; q++)
          r[q] = q < nv ? _mm256_load_ps (ob + (o0 + q) * L + h) :
              _mm256_setzero_ps ();
        nn_avx2_transpose8 (r);
        for (int64_t j = 0; j < MIN (8, nc - h); j++) {
          float *dst = y + (cb + h + j) * OH * OW + o0;
          if (nv == 8) {
            _mm256_storeu_ps (dst, r[j]);
          } else {
            float t[8];
            _mm256_storeu_ps (t, r[j]);
            memcpy (dst, t, (size_t) nv * sizeof (float));
          }
        }
      }
    for (int64_t j = 0; j < nc && res; j++)
      nn_epilogue_apply (e, y + (cb + j) * OH * OW, OH * OW, 0.0f, NULL,
          res + (cb + j) * OH * OW);
  }
}

#else

void
nn_depthwise_lanes_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch)
{
}

#endif
