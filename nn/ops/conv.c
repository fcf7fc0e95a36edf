/* Conv (1-D and 2-D, groups, strides, pads, dilations, auto_pad).
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fast paths first: a 1x1 convolution with unit stride and no padding is a
 * plain sgemm on the input; a depthwise convolution (one input and one
 * output channel per group) runs directly; everything else goes through
 * im2col into the scratch buffer and one sgemm per group. 1-D runs as 2-D
 * with H = 1. Bias and a fused Relu are applied in one pass at the end.
 */
#include "../nn-private.h"

#include <string.h>

typedef enum { CONV_GENERAL, CONV_POINTWISE, CONV_DEPTHWISE } conv_kind;

typedef struct {
  conv_kind kind;
  int64_t N, C, H, W, M, OH, OW, KH, KW;
  int64_t sh, sw, ph, pw, dh, dw;       /* pads: begin side */
  int64_t group;
} conv_params;

/* Output size and begin padding for one spatial axis. */
static gboolean
conv_axis (const char *auto_pad, int64_t in, int64_t k, int64_t s,
    int64_t d, int64_t pb, int64_t pe, int64_t * out, int64_t * pad_begin)
{
  int64_t span = (k - 1) * d + 1;
  if (strcmp (auto_pad, "SAME_UPPER") == 0
      || strcmp (auto_pad, "SAME_LOWER") == 0) {
    *out = (in + s - 1) / s;
    int64_t total = MAX (0, (*out - 1) * s + span - in);
    *pad_begin = strcmp (auto_pad, "SAME_UPPER") == 0 ? total / 2 :
        total - total / 2;
    return TRUE;
  }
  if (strcmp (auto_pad, "VALID") == 0)
    pb = pe = 0;
  else if (strcmp (auto_pad, "NOTSET") != 0)
    return FALSE;
  *pad_begin = pb;
  *out = (in + pb + pe - span) / s + 1;
  return in + pb + pe >= span;
}

/* im2col for one group: rows (c, kh, kw), columns (oh, ow). For each kw
 * the output columns whose input falls inside the row form one range
 * [lo, hi), found once; outside it the column is padding. */
NN_VECTORIZE static void
im2col (const conv_params * p, const float *x, int64_t cg, float *col)
{
  int64_t ohw = p->OH * p->OW;
  for (int64_t kw = 0; kw < p->KW; kw++) {
    int64_t iw0 = kw * p->dw - p->pw;
    /* ow is valid when 0 <= iw0 + ow * sw < W */
    int64_t lo = iw0 >= 0 ? 0 : (-iw0 + p->sw - 1) / p->sw;
    int64_t hi = p->W - iw0 > 0 ? (p->W - iw0 + p->sw - 1) / p->sw : 0;
    lo = MIN (lo, p->OW);
    hi = CLAMP (hi, lo, p->OW);
    for (int64_t c = 0; c < cg; c++) {
      const float *xc = x + c * p->H * p->W;
      for (int64_t kh = 0; kh < p->KH; kh++) {
        float *row = col + ((c * p->KH + kh) * p->KW + kw) * ohw;
        for (int64_t oh = 0; oh < p->OH; oh++) {
          int64_t ih = oh * p->sh - p->ph + kh * p->dh;
          float *r = row + oh * p->OW;
          if (ih < 0 || ih >= p->H) {
            memset (r, 0, p->OW * sizeof (float));
            continue;
          }
          const float *xr = xc + ih * p->W + iw0;
          for (int64_t ow = 0; ow < lo; ow++)
            r[ow] = 0.0f;
          if (p->sw == 1) {
            memcpy (r + lo, xr + lo, (hi - lo) * sizeof (float));
          } else {
            for (int64_t ow = lo; ow < hi; ow++)
              r[ow] = xr[ow * p->sw];
          }
          for (int64_t ow = hi; ow < p->OW; ow++)
            r[ow] = 0.0f;
        }
      }
    }
  }
}

/* y[m, :] += bias[m], then the fused activation */
NN_VECTORIZE static void
bias_act (float *y, const float *bias, int64_t M, int64_t len,
    nn_activation act)
{
  for (int64_t m = 0; m < M; m++) {
    float *r = y + m * len;
    float b = bias ? bias[m] : 0.0f;
    if (act == NN_ACT_RELU) {
      for (int64_t i = 0; i < len; i++) {
        float v = r[i] + b;
        r[i] = v > 0.0f ? v : 0.0f;
      }
    } else if (bias) {
      for (int64_t i = 0; i < len; i++)
        r[i] += b;
    }
  }
}

/* Depthwise, channels-last. Rows at batch-1 sizes are too short to
 * vectorize along the width (8 to 32 pixels, with stride 2 often), so the
 * input is transposed to [H][W][C] in scratch and each output pixel
 * accumulates its taps across all channels at once: the inner loop runs
 * over C, contiguous for any stride or dilation. Weights are transposed to
 * [KH*KW][C] the same way; the output is transposed back. */
NN_VECTORIZE static void
depthwise (const conv_params * p, const float *x, const float *w, float *y,
    float *scratch)
{
  const int64_t C = p->C, H = p->H, W = p->W, OH = p->OH, OW = p->OW;
  const int64_t KH = p->KH, KW = p->KW;
  float *xt = scratch, *wt = xt + H * W * C, *yt = wt + KH * KW * C;
  float *acc = yt + OH * OW * C;
  for (int64_t c = 0; c < C; c++) {
    for (int64_t i = 0; i < H * W; i++)
      xt[i * C + c] = x[c * H * W + i];
    for (int64_t t = 0; t < KH * KW; t++)
      wt[t * C + c] = w[c * KH * KW + t];
  }
  for (int64_t oh = 0; oh < OH; oh++) {
    for (int64_t ow = 0; ow < OW; ow++) {
      for (int64_t c = 0; c < C; c++)
        acc[c] = 0.0f;
      for (int64_t kh = 0; kh < KH; kh++) {
        int64_t ih = oh * p->sh - p->ph + kh * p->dh;
        if (ih < 0 || ih >= H)
          continue;
        for (int64_t kw = 0; kw < KW; kw++) {
          int64_t iw = ow * p->sw - p->pw + kw * p->dw;
          if (iw < 0 || iw >= W)
            continue;
          const float *xp = xt + (ih * W + iw) * C;
          const float *wp = wt + (kh * KW + kw) * C;
          for (int64_t c = 0; c < C; c++)
            acc[c] += wp[c] * xp[c];
        }
      }
      float *yp = yt + (oh * OW + ow) * C;
      for (int64_t c = 0; c < C; c++)
        yp[c] = acc[c];
    }
  }
  for (int64_t c = 0; c < C; c++)
    for (int64_t i = 0; i < OH * OW; i++)
      y[c * OH * OW + i] = yt[i * C + c];
}

static void
conv_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const conv_params *p = node->params;
  const float *x = in[0]->data, *w = in[1]->data;
  const float *bias = node->n_in > 2 && in[2] ? in[2]->data : NULL;
  float *y = out[0]->data;
  int64_t cg = p->C / p->group, mg = p->M / p->group;
  int64_t ohw = p->OH * p->OW, k = cg * p->KH * p->KW;

  for (int64_t b = 0; b < p->N; b++) {
    const float *xb = x + b * p->C * p->H * p->W;
    float *yb = y + b * p->M * ohw;
    if (p->kind == CONV_DEPTHWISE) {
      depthwise (p, xb, w, yb, scratch);
    } else {
      for (int64_t gi = 0; gi < p->group; gi++) {
        const float *col = xb + gi * cg * p->H * p->W;
        if (p->kind == CONV_GENERAL) {
          im2col (p, col, cg, scratch);
          col = scratch;
        }
        nn_sgemm (FALSE, FALSE, mg, ohw, k, 1.0f, w + gi * mg * k, k, col,
            ohw, 0.0f, yb + gi * mg * ohw, ohw);
      }
    }
    bias_act (yb, bias, p->M, ohw, node->act);
  }
}

gboolean
nn_prepare_conv (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0), *w = nn_in (g, n, 1), *b = nn_in (g, n, 2);
  if (!x || !w || x->t.type != NN_TYPE_FLOAT || w->t.type != NN_TYPE_FLOAT) {
    nn_node_error (error, n, NN_ERROR_INVALID, "needs float X and W");
    return FALSE;
  }
  int sp = x->t.ndim - 2;
  if (sp < 1 || sp > 2 || w->t.ndim != x->t.ndim) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "only 1-D and 2-D convolutions are supported (input of rank %d, "
        "weight of rank %d)", x->t.ndim, w->t.ndim);
    return FALSE;
  }
  conv_params *p = g_new0 (conv_params, 1);
  n->params = p;
  p->N = x->t.shape[0];
  p->C = x->t.shape[1];
  p->H = sp == 2 ? x->t.shape[2] : 1;
  p->W = x->t.shape[x->t.ndim - 1];
  p->M = w->t.shape[0];
  p->KH = sp == 2 ? w->t.shape[2] : 1;
  p->KW = w->t.shape[w->t.ndim - 1];
  p->group = nn_attr_int (n, "group", 1);

  int64_t strides[2] = { 1, 1 }, dil[2] = { 1, 1 }, pads[4] = { 0 };
  int64_t ks[2];
  int ns = nn_attr_ints (n, "strides", strides, 2);
  int nd = nn_attr_ints (n, "dilations", dil, 2);
  int np = nn_attr_ints (n, "pads", pads, 4);
  int nk = nn_attr_ints (n, "kernel_shape", ks, 2);
  char buf[32];
  const char *auto_pad = nn_attr_string (n, "auto_pad", buf, sizeof buf,
      "NOTSET");
  if ((ns >= 0 && ns != sp) || (nd >= 0 && nd != sp)
      || (np >= 0 && np != 2 * sp) || (nk >= 0 && nk != sp)) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "strides, dilations, pads or kernel_shape do not match the rank");
    return FALSE;
  }
  if (nk >= 0 && (ks[0] != (sp == 2 ? p->KH : p->KW)
          || (sp == 2 && ks[1] != p->KW))) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "kernel_shape does not match the weight");
    return FALSE;
  }
  if (p->group < 1 || p->C % p->group || p->M % p->group
      || w->t.shape[1] != p->C / p->group) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "weight shape does not fit %" G_GINT64_FORMAT " input channels in %"
        G_GINT64_FORMAT " groups", p->C, p->group);
    return FALSE;
  }
  if (b && (b->t.type != NN_TYPE_FLOAT || nn_tensor_numel (&b->t) != p->M)) {
    nn_node_error (error, n, NN_ERROR_SHAPE, "bias must have %" G_GINT64_FORMAT
        " elements", p->M);
    return FALSE;
  }
  for (int i = 0; i < sp; i++)
    if (strides[i] < 1 || dil[i] < 1 || strides[i] > NN_MAX_DIM
        || dil[i] > NN_MAX_DIM || pads[i] < 0 || pads[i + sp] < 0
        || pads[i] > NN_MAX_DIM || pads[i + sp] > NN_MAX_DIM) {
      nn_node_error (error, n, NN_ERROR_INVALID,
          "strides and dilations must be positive and pads not negative");
      return FALSE;
    }
  /* index 0 of the attribute arrays is H for 2-D, W for 1-D */
  int iw = sp - 1;
  p->sh = sp == 2 ? strides[0] : 1;
  p->sw = strides[iw];
  p->dh = sp == 2 ? dil[0] : 1;
  p->dw = dil[iw];
  gboolean ok = conv_axis (auto_pad, p->W, p->KW, p->sw, p->dw, pads[iw],
      pads[iw + sp], &p->OW, &p->pw);
  if (sp == 2)
    ok = ok && conv_axis (auto_pad, p->H, p->KH, p->sh, p->dh, pads[0],
        pads[2], &p->OH, &p->ph);
  else
    p->OH = 1;
  if (!ok) {
    nn_node_error (error, n, NN_ERROR_SHAPE,
        "the kernel does not fit the padded input (or auto_pad '%s' is "
        "unknown)", auto_pad);
    return FALSE;
  }

  int64_t cg = p->C / p->group;
  if (p->KH == 1 && p->KW == 1 && p->sh == 1 && p->sw == 1 && p->ph == 0
      && p->pw == 0 && p->OH == p->H && p->OW == p->W)
    p->kind = CONV_POINTWISE;
  else if (p->group == p->C && p->M == p->C)
    p->kind = CONV_DEPTHWISE;
  else
    p->kind = CONV_GENERAL;
  if (p->kind == CONV_GENERAL)
    n->scratch_bytes = (size_t) (cg * p->KH * p->KW * p->OH * p->OW)
        * sizeof (float);
  else if (p->kind == CONV_DEPTHWISE)   /* input, weights, output, sums */
    n->scratch_bytes = (size_t) (p->C * (p->H * p->W + p->KH * p->KW
            + p->OH * p->OW + 1)) * sizeof (float);

  int64_t shape[4] = { p->N, p->M, p->OH, p->OW };
  if (sp == 1)
    shape[2] = p->OW;
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, sp + 2, shape);
  n->run = conv_kernel;
  return TRUE;
}
