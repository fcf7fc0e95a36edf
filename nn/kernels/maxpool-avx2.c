/* 2-D MaxPool with AVX2, separable: the window's rows first, then its
 * columns.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The portable loop (ops/pool.c) makes one pass over an output row per
 * tap, and at stride 2 GCC reads every other float one at a time:
 * squeezenet's three 3x3/2 pools took 0.9 ms against onnxruntime's 0.23.
 * Here the maximum of the window's input rows goes into a row buffer
 * (plain vector maxima over the width), whose ends hold -inf for the
 * padding and the part of a ceil_mode window past the input; each output
 * then takes the maximum of K neighbours of that row, 8 outputs a vector,
 * at stride 2 through even/odd splits of 16 loaded floats. Maxima are
 * taken as the portable loop takes them (x > acc ? x : acc, so a NaN in
 * the input is skipped), so the two give the same output.
 */
#include "kernels.h"
#include "avx2-lanes.h"

#include <math.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

gboolean
nn_maxpool_avx2_fits (const nn_maxpool * p)
{
  return nn_isa_get () >= NN_ISA_AVX2 && (p->sw == 1 || p->sw == 2)
      && p->KW <= 16;
}

size_t
nn_maxpool_avx2_row_floats (const nn_maxpool * p)
{
  /* the window of the last output, plus the 16 floats a vector of 8
   * outputs reads at stride 2 past it */
  return (size_t) (MAX (p->pw + p->W, p->OW * p->sw + p->KW) + 32);
}

/* the maximum of 8 outputs from row t (output ow0's window at t[ow0 SW]) */
__attribute__ ((target ("avx2"), always_inline))
static inline __m256
window_max (const float *t, int64_t KW, const int SW)
{
  __m256 m = _mm256_set1_ps (-INFINITY), e, o;
  if (SW == 1) {
    for (int64_t k = 0; k < KW; k++)
      m = _mm256_max_ps (_mm256_loadu_ps (t + k), m);
    return m;
  }
  /* taps k and k + 1 of outputs ow0.. are t[2 ow + k] and t[2 ow + k + 1]:
   * the even and the odd lanes of the 16 floats from k, one split for
   * both (a split per tap did the work of taps 0 and 1 twice) */
  for (int64_t k = 0; k < KW; k += 2) {
    nn_avx2_deinterleave (_mm256_loadu_ps (t + k), _mm256_loadu_ps (t + k
            + 8), &e, &o);
    m = _mm256_max_ps (e, m);
    if (k + 1 < KW)
      m = _mm256_max_ps (o, m);
  }
  return m;
}

__attribute__ ((target ("avx2")))
static void
pool_row (const float *t, float *yr, int64_t OW, int64_t KW, const int SW)
{
  int64_t ow = 0;
  for (; ow + 8 <= OW; ow += 8)
    _mm256_storeu_ps (yr + ow, window_max (t + ow * SW, KW, SW));
  /* the rest as one more vector ending at the last output (the same
   * values written twice), not a scalar loop: 7 scalar outputs of 55
   * were half the time */
  if (ow < OW && OW >= 8) {
    _mm256_storeu_ps (yr + OW - 8, window_max (t + (OW - 8) * SW, KW, SW));
    ow = OW;
  }
  for (; ow < OW; ow++) {
    float acc = -INFINITY;
    for (int64_t k = 0; k < KW; k++)
      acc = t[ow * SW + k] > acc ? t[ow * SW + k] : acc;
    yr[ow] = acc;
  }
}

__attribute__ ((target ("avx2")))
void
nn_maxpool_avx2_run (const nn_maxpool * p, const int64_t * row_lo,
    const int64_t * row_hi, const float *x, float *y, int64_t c0, int64_t c1,
    float *row)
{
  const int64_t H = p->H, W = p->W, OH = p->OH, OW = p->OW;
  size_t len = nn_maxpool_avx2_row_floats (p);
  /* the ends of the row buffer: -inf once, never overwritten */
  for (size_t i = 0; i < len; i++)
    row[i] = -INFINITY;
  float *t = row + p->pw;       /* input column iw at t[iw] */
  for (int64_t c = c0; c < c1; c++) {
    const float *xc = x + c * H * W;
    float *yc = y + c * OH * OW;
    for (int64_t oh = 0; oh < OH; oh++) {
      int64_t lo = row_lo[oh], hi = row_hi[oh];
      /* the window's rows, their maximum over the width */
      int64_t iw = 0;
      for (; iw < W; iw += 8) {
        /* the last vector ends at the row's end, overlapping the one
         * before (narrow rows go scalar below) */
        if (iw + 8 > W) {
          if (W < 8)
            break;
          iw = W - 8;
        }
        __m256 m = _mm256_set1_ps (-INFINITY);
        for (int64_t ih = lo; ih < hi; ih++)
          m = _mm256_max_ps (_mm256_loadu_ps (xc + ih * W + iw), m);
        _mm256_storeu_ps (t + iw, m);
      }
      for (; iw < W; iw++) {
        float acc = -INFINITY;
        for (int64_t ih = lo; ih < hi; ih++)
          acc = xc[ih * W + iw] > acc ? xc[ih * W + iw] : acc;
        t[iw] = acc;
      }
      if (p->sw == 1)
        pool_row (row, yc + oh * OW, OW, p->KW, 1);
      else
        pool_row (row, yc + oh * OW, OW, p->KW, 2);
    }
  }
}

#else

gboolean
nn_maxpool_avx2_fits (const nn_maxpool * p)
{
  return FALSE;
}

size_t
nn_maxpool_avx2_row_floats (const nn_maxpool * p)
{
  return 0;
}

void
nn_maxpool_avx2_run (const nn_maxpool * p, const int64_t * row_lo,
    const int64_t * row_hi, const float *x, float *y, int64_t c0, int64_t c1,
    float *row)
{
}

#endif
