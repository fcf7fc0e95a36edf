/* MaxPool, AveragePool (1-D to 3-D) and their global forms.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Spatial axes are padded to three (size 1) so one loop serves every rank.
 */
#include "../nn-private.h"
#include "../kernels/kernels.h"

#include <math.h>
#include <string.h>

typedef struct {
  gboolean is_max, include_pad;
  int64_t NC;
  int64_t in[3], out[3], k[3], s[3], d[3], pb[3], pe[3];
  /* the AVX2 max pool (kernels/maxpool-avx2.c) when it takes the shape:
   * its row buffer sits in each worker's scratch at row_offset bytes,
   * after the windows and the rows' bounds */
  gboolean avx2;
  nn_maxpool mp;
  size_t row_offset;
} pool_params;

/* Window of output position o on one axis, clipped to the input: first
 * index, end, and how many taps the divisor counts with padding. */
typedef struct {
  int64_t lo, hi, padded;
} window;

static void
axis_windows (const pool_params * p, int a, window * w)
{
  for (int64_t o = 0; o < p->out[a]; o++) {
    int64_t lo = o * p->s[a] - p->pb[a];
    int64_t hi = lo + (p->k[a] - 1) * p->d[a] + 1;
    /* with count_include_pad the divisor counts pads, but not the part of
     * a ceil_mode window past the end padding */
    int64_t phi = MIN (hi, p->in[a] + p->pe[a]);
    w[o].padded = (phi - lo + p->d[a] - 1) / p->d[a];
    if (lo < 0)                 /* first tap on the dilation grid inside */
      lo += (-lo + p->d[a] - 1) / p->d[a] * p->d[a];
    w[o].lo = lo;
    w[o].hi = MIN (hi, p->in[a]);
  }
}

/* the most common pool of all: 2x2, stride 2, windows inside the input */
NN_VECTORIZE static void
max_pool_2x2 (const pool_params * p, const float *x, float *y, int64_t c0,
    int64_t c1)
{
  int64_t H = p->in[1], W = p->in[2], OH = p->out[1], OW = p->out[2];
  for (int64_t c = c0; c < c1; c++) {
    for (int64_t oh = 0; oh < OH; oh++) {
      const float *r0 = x + (c * H + 2 * oh) * W, *r1 = r0 + W;
      float *yr = y + (c * OH + oh) * OW;
      for (int64_t ow = 0; ow < OW; ow++) {
        float a = r0[2 * ow] > r0[2 * ow + 1] ? r0[2 * ow] : r0[2 * ow + 1];
        float b = r1[2 * ow] > r1[2 * ow + 1] ? r1[2 * ow] : r1[2 * ow + 1];
        yr[ow] = a > b ? a : b;
      }
    }
  }
}

/* 2-D pool, no dilation, output columns [lo, hi) of row yr whose windows
 * lie inside the input along the row: one running maximum or sum per tap
 * over the whole range, so GCC vectorizes along the row (strides 1 and 2
 * as constants). `divisor`: the average's count (rows of the window
 * times its width), 0 for max. */
NN_VECTORIZE static void
row_interior (const pool_params * p, const float *xc, const window * a,
    float *yr, int64_t lo, int64_t hi, float divisor)
{
  const int64_t W = p->in[2], K = p->k[2], s = p->s[2];
  gboolean mx = p->is_max;
  for (int64_t ow = lo; ow < hi; ow++)
    yr[ow] = mx ? -INFINITY : 0.0f;
  for (int64_t ih = a->lo; ih < a->hi; ih++)
    for (int64_t kw = 0; kw < K; kw++) {
      const float *r = xc + ih * W + kw - p->pb[2];
      if (mx && s == 1)
        for (int64_t ow = lo; ow < hi; ow++)
          yr[ow] = r[ow] > yr[ow] ? r[ow] : yr[ow];
      else if (mx && s == 2)
        for (int64_t ow = lo; ow < hi; ow++)
          yr[ow] = r[2 * ow] > yr[ow] ? r[2 * ow] : yr[ow];
      else if (mx)
        for (int64_t ow = lo; ow < hi; ow++)
          yr[ow] = r[ow * s] > yr[ow] ? r[ow * s] : yr[ow];
      else if (s == 1)
        for (int64_t ow = lo; ow < hi; ow++)
          yr[ow] += r[ow];
      else if (s == 2)
        for (int64_t ow = lo; ow < hi; ow++)
          yr[ow] += r[2 * ow];
      else
        for (int64_t ow = lo; ow < hi; ow++)
          yr[ow] += r[ow * s];
    }
  if (!mx)
    for (int64_t ow = lo; ow < hi; ow++)
      yr[ow] /= divisor;
}

/* the common case: 2-D, no dilation; channels [c0, c1) */
NN_VECTORIZE static void
pool_2d (const pool_params * p, const float *x, float *y, const window * wh,
    const window * ww, int64_t c0, int64_t c1)
{
  int64_t H = p->in[1], W = p->in[2], OH = p->out[1], OW = p->out[2];
  /* output columns whose whole window is inside the input */
  int64_t ilo = (p->pb[2] + p->s[2] - 1) / p->s[2];
  int64_t ihi = W + p->pb[2] - p->k[2] >= 0 ?
      (W + p->pb[2] - p->k[2]) / p->s[2] + 1 : 0;
  ilo = MIN (ilo, OW);
  ihi = CLAMP (ihi, ilo, OW);
  for (int64_t c = c0; c < c1; c++) {
    const float *xc = x + c * H * W;
    float *yc = y + c * OH * OW;
    for (int64_t oh = 0; oh < OH; oh++) {
      const window *a = &wh[oh];
      float *yr = yc + oh * OW;
      /* the window's rows as the average counts them, times its width */
      int64_t rows = p->include_pad ? a->padded : a->hi - a->lo;
      row_interior (p, xc, a, yr, ilo, ihi, (float) MAX (rows * p->k[2], 1));
      if (p->is_max) {
        for (int64_t ow = 0; ow < OW; ow++) {
          if (ow == ilo)
            ow = ihi;
          if (ow >= OW)
            break;
          const window *b = &ww[ow];
          float acc = -INFINITY;
          for (int64_t ih = a->lo; ih < a->hi; ih++)
            for (int64_t iw = b->lo; iw < b->hi; iw++)
              acc = xc[ih * W + iw] > acc ? xc[ih * W + iw] : acc;
          yr[ow] = acc;
        }
      } else {
        for (int64_t ow = 0; ow < OW; ow++) {
          if (ow == ilo)
            ow = ihi;
          if (ow >= OW)
            break;
          const window *b = &ww[ow];
          float acc = 0.0f;
          for (int64_t ih = a->lo; ih < a->hi; ih++)
            for (int64_t iw = b->lo; iw < b->hi; iw++)
              acc += xc[ih * W + iw];
          int64_t count = p->include_pad ? a->padded * b->padded :
              (a->hi - a->lo) * (b->hi - b->lo);
          yr[ow] = acc / (float) MAX (count, 1);
        }
      }
    }
  }
}

typedef struct {
  const pool_params *p;
  const float *x;
  float *y;
  const window *wh, *ww;
  const int64_t *row_lo, *row_hi;       /* the AVX2 kernel's row bounds */
  gboolean two_by_two;
} pool_job;

static void
pool_channels (void *data, int64_t c0, int64_t c1, void *scratch)
{
  const pool_job *job = data;
  if (job->row_lo)
    nn_maxpool_avx2_run (&job->p->mp, job->row_lo, job->row_hi, job->x,
        job->y, c0, c1, (float *) ((char *) scratch + job->p->row_offset));
  else if (job->two_by_two)
    max_pool_2x2 (job->p, job->x, job->y, c0, c1);
  else
    pool_2d (job->p, job->x, job->y, job->wh, job->ww, c0, c1);
}

static void
pool_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const pool_params *p = node->params;
  const float *x = in[0]->data;
  float *y = out[0]->data;
  int64_t isz = p->in[0] * p->in[1] * p->in[2];
  int64_t osz = p->out[0] * p->out[1] * p->out[2];
  window *w0 = scratch, *w1 = w0 + p->out[0], *w2 = w1 + p->out[1];
  axis_windows (p, 0, w0);
  axis_windows (p, 1, w1);
  axis_windows (p, 2, w2);
  int64_t d0 = p->d[0], d1 = p->d[1], d2 = p->d[2];
  if (p->avx2) {
    /* the rows' bounds (in this worker's scratch) are read by all
     * workers, each with its own row buffer */
    int64_t *lo = (int64_t *) (w2 + p->out[2]), *hi = lo + p->out[1];
    for (int64_t o = 0; o < p->out[1]; o++) {
      lo[o] = w1[o].lo;
      hi[o] = w1[o].hi;
    }
    pool_job job = {.p = p,.x = x,.y = y,.row_lo = lo,.row_hi = hi };
    /* work in multiply-adds of the same time: ~0.1 ns a window tap */
    nn_parallel_for (p->NC, nn_parallel_grain (p->NC, 6.0 * p->NC * osz
            * p->k[1] * p->k[2]), pool_channels, &job, scratch);
    return;
  }
  if (p->is_max && p->out[0] == 1 && p->in[0] == 1 && d1 == 1 && d2 == 1
      && p->k[1] == 2 && p->k[2] == 2 && p->s[1] == 2 && p->s[2] == 2
      && p->pb[1] == 0 && p->pb[2] == 0 && 2 * p->out[1] <= p->in[1]
      && 2 * p->out[2] <= p->in[2]) {
    pool_job job = {.p = p,.x = x,.y = y,.two_by_two = TRUE };
    /* work in multiply-adds of the same time: ~0.3 ns an output */
    nn_parallel_for (p->NC, nn_parallel_grain (p->NC, 20.0 * p->NC * osz),
        pool_channels, &job, NULL);
    return;
  }
  if (p->out[0] == 1 && p->in[0] == 1 && d1 == 1 && d2 == 1) {
    /* the windows (in this worker's scratch) are read by all workers */
    pool_job job = {.p = p,.x = x,.y = y,.wh = w1,.ww = w2 };
    /* work in multiply-adds of the same time: ~0.5 ns a window tap */
    nn_parallel_for (p->NC, nn_parallel_grain (p->NC, 30.0 * p->NC * osz
            * p->k[1] * p->k[2]), pool_channels, &job, NULL);
    return;
  }

  for (int64_t c = 0; c < p->NC; c++) {
    const float *xc = x + c * isz;
    float *yc = y + c * osz;
    for (int64_t o0 = 0; o0 < p->out[0]; o0++)
      for (int64_t o1 = 0; o1 < p->out[1]; o1++) {
        float *yr = yc + (o0 * p->out[1] + o1) * p->out[2];
        for (int64_t o2 = 0; o2 < p->out[2]; o2++) {
          const window *a = &w0[o0], *b = &w1[o1], *e = &w2[o2];
          float acc = p->is_max ? -INFINITY : 0.0f;
          for (int64_t i0 = a->lo; i0 < a->hi; i0 += d0)
            for (int64_t i1 = b->lo; i1 < b->hi; i1 += d1) {
              const float *row = xc + (i0 * p->in[1] + i1) * p->in[2];
              if (p->is_max)
                for (int64_t i2 = e->lo; i2 < e->hi; i2 += d2)
                  acc = row[i2] > acc ? row[i2] : acc;
              else
                for (int64_t i2 = e->lo; i2 < e->hi; i2 += d2)
                  acc += row[i2];
            }
          if (!p->is_max) {
            int64_t count = p->include_pad ?
                a->padded * b->padded * e->padded :
                ((a->hi - a->lo + d0 - 1) / d0) * ((b->hi - b->lo + d1 - 1)
                / d1) * ((e->hi - e->lo + d2 - 1) / d2);
            acc /= (float) MAX (count, 1);
          }
          yr[o2] = acc;
        }
      }
  }
}

gboolean
nn_prepare_pool (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x || x->t.type != NN_TYPE_FLOAT || x->t.ndim < 3 || x->t.ndim > 5) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "needs a float input of rank 3 to 5");
    return FALSE;
  }
  if (n->n_out > 1 && n->out[1] >= 0) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED,
        "the Indices output is not supported");
    return FALSE;
  }
  int sp = x->t.ndim - 2, off = 3 - sp;
  pool_params *p = g_new0 (pool_params, 1);
  n->params = p;
  p->is_max = strcmp (n->op_type, "MaxPool") == 0;
  p->include_pad = nn_attr_int (n, "count_include_pad", 0) != 0;
  p->NC = x->t.shape[0] * x->t.shape[1];
  int64_t k[3], s[3] = { 1, 1, 1 }, d[3] = { 1, 1, 1 }, pads[6] = { 0 };
  if (nn_attr_ints (n, "kernel_shape", k, 3) != sp) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "kernel_shape must have %d values", sp);
    return FALSE;
  }
  int ns = nn_attr_ints (n, "strides", s, 3);
  int nd = nn_attr_ints (n, "dilations", d, 3);
  int np = nn_attr_ints (n, "pads", pads, 6);
  if ((ns >= 0 && ns != sp) || (nd >= 0 && nd != sp)
      || (np >= 0 && np != 2 * sp)) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "strides, dilations or pads do not match the rank");
    return FALSE;
  }
  gboolean ceil_mode = nn_attr_int (n, "ceil_mode", 0) != 0;
  char buf[32];
  const char *auto_pad = nn_attr_string (n, "auto_pad", buf, sizeof buf,
      "NOTSET");
  int64_t oshape[5] = { x->t.shape[0], x->t.shape[1] };
  for (int a = 0; a < 3; a++) {
    p->in[a] = p->out[a] = p->k[a] = p->s[a] = p->d[a] = 1;
  }
  for (int i = 0; i < sp; i++) {
    int a = off + i;
    p->in[a] = x->t.shape[2 + i];
    p->k[a] = k[i];
    p->s[a] = s[i];
    p->d[a] = d[i];
    if (k[i] < 1 || s[i] < 1 || d[i] < 1 || k[i] > NN_MAX_DIM
        || s[i] > NN_MAX_DIM || d[i] > NN_MAX_DIM || pads[i] < 0
        || pads[i + sp] < 0 || pads[i] > NN_MAX_DIM
        || pads[i + sp] > NN_MAX_DIM) {
      nn_node_error (error, n, NN_ERROR_INVALID,
          "kernel, strides and dilations must be positive");
      return FALSE;
    }
    int64_t span = (k[i] - 1) * d[i] + 1;
    if (strcmp (auto_pad, "SAME_UPPER") == 0
        || strcmp (auto_pad, "SAME_LOWER") == 0) {
      p->out[a] = (p->in[a] + s[i] - 1) / s[i];
      int64_t total = MAX (0, (p->out[a] - 1) * s[i] + span - p->in[a]);
      p->pb[a] = strcmp (auto_pad, "SAME_UPPER") == 0 ? total / 2 :
          total - total / 2;
      p->pe[a] = total - p->pb[a];
    } else {
      if (strcmp (auto_pad, "VALID") != 0) {
        p->pb[a] = pads[i];
        p->pe[a] = pads[i + sp];
      }
      int64_t room = p->in[a] + p->pb[a] + p->pe[a] - span;
      if (room < 0) {
        nn_node_error (error, n, NN_ERROR_SHAPE,
            "the kernel is larger than the padded input");
        return FALSE;
      }
      p->out[a] = (ceil_mode ? (room + s[i] - 1) / s[i] : room / s[i]) + 1;
      /* a ceil_mode window must start inside the input or its begin pad */
      if (ceil_mode && (p->out[a] - 1) * s[i] >= p->in[a] + p->pb[a])
        p->out[a]--;
    }
    oshape[2 + i] = p->out[a];
  }
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, x->t.ndim, oshape);
  n->scratch_bytes = (p->out[0] + p->out[1] + p->out[2]) * sizeof (window);
  nn_maxpool mp = {.H = p->in[1],.W = p->in[2],.OH = p->out[1],
    .OW = p->out[2],.KW = p->k[2],.sw = p->s[2],.pw = p->pb[2]
  };
  /* NN_POOL=portable keeps the loops below (for measuring) */
  if (p->is_max && p->in[0] == 1 && p->out[0] == 1 && p->d[1] == 1
      && p->d[2] == 1 && nn_maxpool_avx2_fits (&mp)
      && g_strcmp0 (g_getenv ("NN_POOL"), "portable") != 0) {
    p->avx2 = TRUE;
    p->mp = mp;
    p->row_offset = (n->scratch_bytes + 2 * p->out[1] * sizeof (int64_t)
        + 31) / 32 * 32;
    n->scratch_bytes = p->row_offset + nn_maxpool_avx2_row_floats (&mp)
        * sizeof (float);
  }
  n->run = pool_kernel;
  return TRUE;
}

typedef struct {
  gboolean is_max;
  int64_t NC, len;
} global_pool_params;

/* one channel's maximum or mean, in 16 lanes so that GCC vectorizes the
 * reduction (a single running sum is a chain it may not reorder); the
 * lanes are combined at the end, which changes only the rounding order */
NN_VECTORIZE static float
global_one (const float *x, int64_t n, gboolean is_max)
{
  float l[16];
  for (int i = 0; i < 16; i++)
    l[i] = is_max ? -INFINITY : 0.0f;
  int64_t nv = n / 16 * 16;
  if (is_max) {
    for (int64_t i = 0; i < nv; i += 16)
      for (int j = 0; j < 16; j++)
        l[j] = x[i + j] > l[j] ? x[i + j] : l[j];
    float acc = -INFINITY;
    for (int j = 0; j < 16; j++)
      acc = l[j] > acc ? l[j] : acc;
    for (int64_t i = nv; i < n; i++)
      acc = x[i] > acc ? x[i] : acc;
    return acc;
  }
  for (int64_t i = 0; i < nv; i += 16)
    for (int j = 0; j < 16; j++)
      l[j] += x[i + j];
  float acc = 0.0f;
  for (int j = 0; j < 16; j++)
    acc += l[j];
  for (int64_t i = nv; i < n; i++)
    acc += x[i];
  return acc / (float) n;
}

typedef struct {
  const global_pool_params *p;
  const float *x;
  float *y;
} global_job;

static void
global_channels (void *data, int64_t c0, int64_t c1, void *scratch)
{
  const global_job *job = data;
  const global_pool_params *p = job->p;
  for (int64_t c = c0; c < c1; c++)
    job->y[c] = global_one (job->x + c * p->len, p->len, p->is_max);
}

static void
global_pool_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const global_pool_params *p = node->params;
  global_job job = {.p = p,.x = in[0]->data,.y = out[0]->data };
  /* work in multiply-adds of the same time: ~0.05 ns an element */
  nn_parallel_for (p->NC, nn_parallel_grain (p->NC, 3.0 * p->NC * p->len),
      global_channels, &job, NULL);
}

gboolean
nn_prepare_global_pool (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x || x->t.type != NN_TYPE_FLOAT || x->t.ndim < 3) {
    nn_node_error (error, n, NN_ERROR_INVALID,
        "needs a float input of rank 3 or more");
    return FALSE;
  }
  global_pool_params *p = g_new0 (global_pool_params, 1);
  n->params = p;
  p->is_max = strcmp (n->op_type, "GlobalMaxPool") == 0;
  p->NC = x->t.shape[0] * x->t.shape[1];
  p->len = nn_shape_numel (x->t.ndim - 2, x->t.shape + 2);
  int64_t shape[NN_MAX_DIMS];
  for (int i = 0; i < x->t.ndim; i++)
    shape[i] = i < 2 ? x->t.shape[i] : 1;
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, x->t.ndim, shape);
  n->run = global_pool_kernel;
  return TRUE;
}
