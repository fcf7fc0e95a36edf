/* Depthwise convolution with eight channels in the lanes, for the small
 * maps deep in a network on CPUs without AVX-512.
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
 * block, and the epilogue runs per channel while it is in L1. */
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
  /* where it measured faster than depthwise-avx2.c, single layers in
   * alternating runs: every map up to 14x14 (7x7: 0.57-0.77x, 14x14:
   * 0.52-0.67x, 5x5 and stride 2 alike), and 28x28 outputs of 5x5 or
   * strided layers (0.84x, 0.90x); 28x28 at 3x3 stride 1 and 56x56 stay
   * with a row of pixels in the lanes (1.26x, 1.40x here) */
  int64_t px = p->OH * p->OW;
  gboolean heavy = p->KH * p->KW >= 25 || p->sh > 1 || p->sw > 1;
  return nn_isa_get () == NN_ISA_AVX2 && p->KH <= 7 && p->KW <= 7
      && (px <= 196 || (px <= 784 && heavy)) && Hp * Wp <= 4096;
}

size_t
nn_depthwise_lanes_scratch (const nn_depthwise * p)
{
  int64_t Hp, Wp;
  block_shape (p, &Hp, &Wp);
  return (size_t) ((Hp * Wp + p->OH * p->OW + p->KH * p->KW) * 8)
      * sizeof (float) + 32;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* ROWS output pixels of one row, from column ow0: accumulators start at
 * the bias, every tap adds weight times its input for each pixel */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
row_pixels (const nn_depthwise * p, const float *xp, int64_t Wp,
    const float *wl, __m256 b, int64_t oh, int64_t ow0, float *ob,
    int mode, __m256 lo, __m256 hi, const int ROWS)
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
  /* the activation in registers where it is a clamp (or HardSwish) */
#pragma GCC unroll 7
  for (int i = 0; i < ROWS; i++) {
    __m256 v = acc[i];
    if (mode == 1 || mode == 2)
      v = _mm256_min_ps (_mm256_max_ps (v, lo), hi);
    else if (mode == 3)
      v = _mm256_mul_ps (v, _mm256_min_ps (_mm256_max_ps (_mm256_fmadd_ps (v,
                      _mm256_set1_ps (1.0f / 6.0f), _mm256_set1_ps (0.5f)),
                  _mm256_setzero_ps ()), _mm256_set1_ps (1.0f)));
    _mm256_store_ps (ob + (oh * p->OW + ow0 + i) * 8, v);
  }
}

__attribute__ ((target ("avx2,fma")))
void
nn_depthwise_lanes_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch)
{
  const int64_t H = p->H, W = p->W, OH = p->OH, OW = p->OW;
  const int64_t taps = p->KH * p->KW;
  int64_t Hp, Wp;
  block_shape (p, &Hp, &Wp);
  /* 32-byte aligned: the padded block, the output block, the weights */
  float *xp = (float *) (((uintptr_t) scratch + 31) & ~(uintptr_t) 31);
  float *ob = xp + Hp * Wp * 8, *wl = ob + OH * OW * 8;
  /* the activation: in registers (mode 1-3), over the whole output block
   * at once (no residual), or per channel after the residual */
  int mode = nn_depthwise_register_act (e, res);
  nn_activation act = e ? e->act : NN_ACT_NONE;
  __m256 lo = _mm256_set1_ps (act == NN_ACT_CLIP ? e->alpha : 0.0f);
  __m256 hi = _mm256_set1_ps (act == NN_ACT_CLIP ? e->beta : INFINITY);
  gboolean block_act = mode < 0 && !res;
  for (int64_t cb = c0; cb < c1; cb += 8) {
    int64_t nc = MIN (8, c1 - cb);
    /* the block: zeros, then each channel's pixels into its lane */
    memset (xp, 0, (size_t) (Hp * Wp * 8) * sizeof (float));
    int64_t wn = MIN (W, Wp - p->pw);  /* input columns the taps read */
    for (int64_t ih = 0; ih < H && ih + p->ph < Hp; ih++)
      for (int64_t iw0 = 0; iw0 < wn; iw0 += 8) {
        /* eight columns of the eight channels' row, transposed */
        int64_t nv = MIN (8, wn - iw0);
        __m256i m0, m1;
        nn_avx2_first_lanes (nv, &m0, &m1);
        __m256 r[8];
        for (int64_t j = 0; j < 8; j++)
          r[j] = j < nc ? _mm256_maskload_ps (x + ((cb + j) * H + ih) * W
              + iw0, m0) : _mm256_setzero_ps ();
        nn_avx2_transpose8 (r);
        float *dst = xp + ((ih + p->ph) * Wp + p->pw + iw0) * 8;
        for (int64_t q = 0; q < nv; q++)
          _mm256_store_ps (dst + q * 8, r[q]);
      }
    for (int64_t t = 0; t < taps; t++)
      for (int64_t j = 0; j < 8; j++)
        wl[t * 8 + j] = j < nc ? w[(cb + j) * taps + t] : 0.0f;
    float bl[8] = { 0 };
    for (int64_t j = 0; j < nc && bias; j++)
      bl[j] = bias[cb + j];
    __m256 b = _mm256_loadu_ps (bl);
    for (int64_t oh = 0; oh < OH; oh++)
      for (int64_t ow0 = 0; ow0 < OW; ow0 += 7) {
        switch (MIN (7, OW - ow0)) {
          case 7: row_pixels (p, xp, Wp, wl, b, oh, ow0, ob, mode, lo, hi, 7); break;
          case 6: row_pixels (p, xp, Wp, wl, b, oh, ow0, ob, mode, lo, hi, 6); break;
          case 5: row_pixels (p, xp, Wp, wl, b, oh, ow0, ob, mode, lo, hi, 5); break;
          case 4: row_pixels (p, xp, Wp, wl, b, oh, ow0, ob, mode, lo, hi, 4); break;
          case 3: row_pixels (p, xp, Wp, wl, b, oh, ow0, ob, mode, lo, hi, 3); break;
          case 2: row_pixels (p, xp, Wp, wl, b, oh, ow0, ob, mode, lo, hi, 2); break;
          default: row_pixels (p, xp, Wp, wl, b, oh, ow0, ob, mode, lo, hi, 1); break;
        }
      }
    if (block_act)
      nn_activation_apply (e->act, e->alpha, e->beta, ob, ob, OH * OW * 8);
    /* back to NCHW (and the residual, then its activation, per channel) */
    for (int64_t o0 = 0; o0 < OH * OW; o0 += 8) {
      /* eight pixels of the eight channels, transposed into each
       * channel's run (a short last run through a buffer: masked stores
       * are slow on AMD) */
      int64_t nv = MIN (8, OH * OW - o0);
      __m256 r[8];
      for (int64_t q = 0; q < 8; q++)
        r[q] = q < nv ? _mm256_load_ps (ob + (o0 + q) * 8) :
            _mm256_setzero_ps ();
      nn_avx2_transpose8 (r);
      for (int64_t j = 0; j < nc; j++) {
        float *dst = y + (cb + j) * OH * OW + o0;
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
