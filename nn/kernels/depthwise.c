/* Depthwise 2-D convolution (one input and one output channel per group),
 * any kernel size, stride, padding and dilation, at streaming speed.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each channel the padded input is first split into sh*sw phase
 * planes: plane (rq, q) holds padded pixel (ri*sh + rq, j*sw + q) at
 * [ri][j], with a pitch of Lq = OW + (KW-1)*dw/sw columns. Tap (kh, kw)
 * then reads its plane from a fixed offset, and output pixel (oh, ow) sits
 * at flat index oh*Lq + ow for every tap alike: each tap is one contiguous
 * multiply-add over the whole channel (whatever the stride or dilation),
 * which the compiler widens to full vectors even when rows are 7 pixels
 * long. The taps accumulate in an L1-sized block of whole rows, nine
 * taps per pass (a 3x3 kernel in one, 5x5 in three).
 */
#include "../nn-private.h"
#include "kernels.h"

#include <string.h>

size_t
nn_depthwise_scratch (const nn_depthwise * p)
{
  int64_t rr = p->OH + (p->KH - 1) * p->dh / p->sh;
  int64_t lq = p->OW + (p->KW - 1) * p->dw / p->sw;
  int64_t rows = MAX (1, 512 / lq);
  /* planes, the accumulator block and a block of zeros */
  return (size_t) (p->sh * p->sw * rr * lq + 2 * (rows * lq + 16))
      * sizeof (float);
}

/* the phase planes of one channel */
static inline void
split_phases (const nn_depthwise * p, const float *x, float *planes,
    int64_t rr, int64_t lq)
{
  for (int64_t rq = 0; rq < p->sh; rq++)
    for (int64_t q = 0; q < p->sw; q++) {
      float *pl = planes + (rq * p->sw + q) * rr * lq;
      /* columns j with 0 <= j*sw + q - pw < W */
      int64_t c0 = q - p->pw;
      int64_t jlo = c0 >= 0 ? 0 : (-c0 + p->sw - 1) / p->sw;
      int64_t jhi = p->W - c0 > 0 ? (p->W - c0 + p->sw - 1) / p->sw : 0;
      jlo = MIN (jlo, lq);
      jhi = CLAMP (jhi, jlo, lq);
      for (int64_t ri = 0; ri < rr; ri++) {
        float *dst = pl + ri * lq;
        int64_t ih = ri * p->sh + rq - p->ph;
        if (ih < 0 || ih >= p->H) {
          memset (dst, 0, lq * sizeof (float));
          continue;
        }
        const float *src = x + ih * p->W + c0;
        for (int64_t j = 0; j < jlo; j++)
          dst[j] = 0.0f;
        if (p->sw == 1)
          memcpy (dst + jlo, src + jlo, (jhi - jlo) * sizeof (float));
        else if (p->sw == 2)    /* a constant stride GCC vectorizes */
          for (int64_t j = jlo; j < jhi; j++)
            dst[j] = src[2 * j];
        else
          for (int64_t j = jlo; j < jhi; j++)
            dst[j] = src[j * p->sw];
        for (int64_t j = jhi; j < lq; j++)
          dst[j] = 0.0f;
      }
    }
}

/* nine taps in one pass; `accumulate` adds to acc instead of setting it */
NN_VECTORIZE static void
taps9 (float *restrict acc, const float *const *src, const float *w,
    int64_t n, gboolean accumulate)
{
  const float *s0 = src[0], *s1 = src[1], *s2 = src[2], *s3 = src[3];
  const float *s4 = src[4], *s5 = src[5], *s6 = src[6], *s7 = src[7];
  const float *s8 = src[8];
  float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5];
  float w6 = w[6], w7 = w[7], w8 = w[8];
  if (accumulate)
    for (int64_t i = 0; i < n; i++)
      acc[i] += w0 * s0[i] + w1 * s1[i] + w2 * s2[i] + w3 * s3[i]
          + w4 * s4[i] + w5 * s5[i] + w6 * s6[i] + w7 * s7[i] + w8 * s8[i];
  else
    for (int64_t i = 0; i < n; i++)
      acc[i] = w0 * s0[i] + w1 * s1[i] + w2 * s2[i] + w3 * s3[i] + w4 * s4[i]
          + w5 * s5[i] + w6 * s6[i] + w7 * s7[i] + w8 * s8[i];
}

NN_VECTORIZE void
nn_depthwise_run (const nn_depthwise * p, int64_t c0, int64_t c1,
    const float *x, const float *w, const float *bias, const float *res,
    const nn_epilogue * e, float *y, float *scratch)
{
  const int64_t KH = p->KH, KW = p->KW, OH = p->OH, OW = p->OW;
  int64_t rr = OH + (KH - 1) * p->dh / p->sh;
  int64_t lq = OW + (KW - 1) * p->dw / p->sw;
  int64_t rows = MAX (1, 512 / lq);
  float *planes = scratch, *acc = planes + p->sh * p->sw * rr * lq;
  float *zeros = acc + rows * lq + 16;
  int64_t ntaps = KH * KW;
  /* taps in groups of nine, the last group padded with zero taps (zero
   * weights on zero data, so no inf or NaN of the input leaks in) */
  int64_t ngroups = (ntaps + 8) / 9;
  if (ntaps % 9)
    memset (zeros, 0, (rows * lq + 16) * sizeof (float));
  const float *src[9];
  float wpad[9];
  for (int64_t c = c0; c < c1; c++) {
    const float *xc = x + c * p->H * p->W, *wc = w + c * ntaps;
    float *yc = y + c * OH * OW;
    split_phases (p, xc, planes, rr, lq);
    for (int64_t oh0 = 0; oh0 < OH; oh0 += rows) {
      int64_t nr = MIN (rows, OH - oh0);
      int64_t n = (nr - 1) * lq + OW;   /* flat length, last row cut */
      for (int64_t gi = 0; gi < ngroups; gi++) {
        for (int64_t u = 0; u < 9; u++) {
          int64_t t = gi * 9 + u;
          if (t >= ntaps) {
            src[u] = zeros;
            wpad[u] = 0.0f;
            continue;
          }
          int64_t kh = t / KW, kw = t % KW;
          int64_t rq = kh * p->dh % p->sh, ri = kh * p->dh / p->sh;
          int64_t q = kw * p->dw % p->sw, j = kw * p->dw / p->sw;
          src[u] = planes + (rq * p->sw + q) * rr * lq + (oh0 + ri) * lq + j;
          wpad[u] = wc[t];
        }
        taps9 (acc, src, wpad, n, gi > 0);
      }
      for (int64_t r = 0; r < nr; r++)
        memcpy (yc + (oh0 + r) * OW, acc + r * lq, OW * sizeof (float));
    }
    nn_epilogue_apply (e, yc, OH * OW, bias ? bias[c] : 0.0f, NULL,
        res ? res + c * OH * OW : NULL);
  }
}
