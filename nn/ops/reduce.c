/* ReduceMean, ReduceSum, ReduceMax over any set of axes.
 *
 * Copyright (C) 2026 the gst-mmfusion authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is walked once in order; each element's output position comes
 * from strides that are 0 on the reduced axes.
 */
#include "../nn-private.h"

#include <math.h>
#include <string.h>

typedef enum { R_MEAN, R_SUM, R_MAX } reduce_op;

typedef struct {
  reduce_op op;
  int ndim;
  int64_t shape[NN_MAX_DIMS], ostride[NN_MAX_DIMS];
  int64_t count;                /* elements per output */
} reduce_params;

static void
reduce_kernel (const nn_node * node, nn_tensor * const *in,
    nn_tensor * const *out, void *scratch)
{
  const reduce_params *p = node->params;
  const float *x = in[0]->data;
  float *y = out[0]->data;
  int64_t on = nn_tensor_numel (out[0]), n = nn_tensor_numel (in[0]);
  float init = p->op == R_MAX ? -INFINITY : 0.0f;
  for (int64_t i = 0; i < on; i++)
    y[i] = init;
  int64_t idx[NN_MAX_DIMS] = { 0 }, o = 0;
  int last = p->ndim - 1;
  for (int64_t i = 0; i < n;) {
    /* innermost axis as a tight loop */
    int64_t len = p->ndim ? p->shape[last] : 1;
    int64_t st = p->ndim ? p->ostride[last] : 0;
    if (p->op == R_MAX) {
      for (int64_t k = 0; k < len; k++)
        y[o + k * st] = fmaxf (y[o + k * st], x[i + k]);
    } else if (st == 0) {
      float acc = 0.0f;
      for (int64_t k = 0; k < len; k++)
        acc += x[i + k];
      y[o] += acc;
    } else {
      for (int64_t k = 0; k < len; k++)
        y[o + k] += x[i + k];
    }
    i += len;
    int d;
    for (d = last - 1; d >= 0; d--) {
      o += p->ostride[d];
      if (++idx[d] < p->shape[d])
        break;
      o -= p->ostride[d] * p->shape[d];
      idx[d] = 0;
    }
    if (d < 0)
      break;
  }
  if (p->op == R_MEAN)
    for (int64_t i = 0; i < on; i++)
      y[i] /= (float) p->count;
}

gboolean
nn_prepare_reduce (nn_graph * g, nn_node * n, GError ** error)
{
  nn_value *x = nn_in (g, n, 0);
  if (!x || x->t.type != NN_TYPE_FLOAT) {
    nn_node_error (error, n, NN_ERROR_UNSUPPORTED, "needs a float input");
    return FALSE;
  }
  int64_t *axes = NULL, naxes = 0;
  int64_t attr_axes[NN_MAX_DIMS];
  int na = nn_attr_ints (n, "axes", attr_axes, NN_MAX_DIMS);
  if (na >= 0) {
    axes = g_memdup2 (attr_axes, sizeof attr_axes);
    naxes = na;
  } else if (nn_in (g, n, 1)) {
    if (!nn_const_ints (g, n, 1, &axes, &naxes, error))
      return FALSE;
  }
  gboolean keep = nn_attr_int (n, "keepdims", 1) != 0;
  gboolean noop = nn_attr_int (n, "noop_with_empty_axes", 0) != 0;
  gboolean reduced[NN_MAX_DIMS] = { 0 };
  for (int64_t i = 0; i < naxes; i++) {
    int a;
    if (!nn_axis (axes[i], x->t.ndim, &a) || naxes > NN_MAX_DIMS) {
      g_free (axes);
      nn_node_error (error, n, NN_ERROR_INVALID, "axis out of range");
      return FALSE;
    }
    reduced[a] = TRUE;
  }
  g_free (axes);
  if (naxes == 0 && !noop)
    for (int i = 0; i < x->t.ndim; i++)
      reduced[i] = TRUE;

  reduce_params *p = g_new0 (reduce_params, 1);
  n->params = p;
  p->op = strcmp (n->op_type, "ReduceMax") == 0 ? R_MAX :
      strcmp (n->op_type, "ReduceSum") == 0 ? R_SUM : R_MEAN;
  p->ndim = x->t.ndim;
  p->count = 1;
  int64_t oshape[NN_MAX_DIMS], s = 1;
  int on = 0;
  for (int i = x->t.ndim - 1; i >= 0; i--) {
    p->shape[i] = x->t.shape[i];
    p->ostride[i] = reduced[i] ? 0 : s;
    if (reduced[i])
      p->count *= x->t.shape[i];
    else
      s *= x->t.shape[i];
  }
  for (int i = 0; i < x->t.ndim; i++)
    if (!reduced[i] || keep)
      oshape[on++] = reduced[i] ? 1 : x->t.shape[i];
  nn_set_out (g, n, 0, NN_TYPE_FLOAT, on, oshape);
  n->run = reduce_kernel;
  return TRUE;
}
